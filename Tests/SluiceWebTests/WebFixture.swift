import Foundation
import Synchronization
import Testing
import SluiceApp
import SluiceCore
import SluiceDedup
import SluicePipeline
import SluicePublish
import SluiceStore
import SluiceTestSupport
import SluiceWeb

/// A real server on a random loopback port over a real SQLite store, with the repository's URL rules, and
/// the log lines it wrote.
final class WebFixture: Sendable {
    let directory = TemporaryDirectory("web")
    let storePath: String
    let store: any Store
    let server: WebServer
    let canonicalizer: URLCanonicalizer
    private let logged = LogSink()

    var port: UInt16 { server.port }
    var logs: [String] { logged.lines.withLock { $0 } }

    init(configure: (inout WebOptions) -> Void = { _ in }) throws {
        storePath = directory.path("sluice.db")
        store = try StoreLocation(storePath).open(create: true)
        let pipelines = SharedCorpus.packageRoot.appendingPathComponent("pipelines")
        let definition = try PipelineDefinition.load(path: pipelines.appendingPathComponent("default.json").path)
        canonicalizer = try URLCanonicalizer.load(definition.file(definition.rules.urlRules))
        var options = WebOptions(daemon: HTTPDaemonOptions(host: "127.0.0.1", port: 0))
        options.requestsPerMinutePerAddress = 100_000
        options.addressBurst = 10_000
        options.submissionsPerMinutePerVolunteer = 10_000
        options.submissionBurst = 1_000
        configure(&options)
        let intake = IntakeService(store: store, canonicalizer: canonicalizer)
        let services = WebServices(intake: WebIntake(intake: intake, volunteers: VolunteerService(store: store)),
                                   invitations: InvitationService(store: store), publishing: PublishingService(store: store))
        let sink = logged
        server = try WebServer(options: options, services: services) { line in sink.lines.withLock { $0.append(line) } }
    }

    deinit {
        server.stop()
    }

    /// A new invitation's token.
    func invite(_ name: String) throws -> String {
        try InvitationService(store: store).invite(volunteer: name, baseURL: "http://127.0.0.1:\(port)/").token
    }

    /// The cookie the invitation link sets.
    func signIn(_ token: String) throws -> String {
        let response = try RawHTTP.request(port: port, "GET", "/v/\(token)")
        let cookie = try #require(response.header("Set-Cookie"))
        return String(cookie.split(separator: ";")[0])
    }

    func get(_ path: String, headers: [(String, String)] = []) throws -> RawResponse {
        try RawHTTP.request(port: port, "GET", path, headers: headers)
    }

    /// The volunteer's page and its form's hidden fields.
    func formPage(_ cookie: String, headers: [(String, String)] = []) throws -> (page: RawResponse, csrf: String, key: String) {
        let page = try get("/me", headers: [("Cookie", cookie)] + headers)
        return (page, try #require(Self.hidden("csrf", in: page.text)), try #require(Self.hidden("key", in: page.text)))
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func postForm(_ cookie: String, _ fields: [(String, String)], headers: [(String, String)] = []) throws -> RawResponse {
        try RawHTTP.request(port: port, "POST", "/me/submissions",
                            headers: [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")] + headers,
                            body: RawHTTP.form(fields))
    }

    func api(_ method: String, _ path: String, token: String?, json: String? = nil,
             headers: [(String, String)] = []) throws -> RawResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try RawHTTP.request(port: port, method, path, headers: all, body: json.map { Data($0.utf8) })
    }

    /// How many items the store holds.
    func itemCount() throws -> Int {
        try store.status().total
    }

    /// Makes `url` a known story, as the pipeline would after its first item went through dedup.
    @discardableResult
    func knownStory(_ url: String, by volunteer: String = "老王") throws -> Int64 {
        let id = try store.submit(Submission(volunteer: volunteer, url: url, note: nil, source: "test"), urlKeys: [],
                                  refetchKnown: false, at: Date()).itemID
        let item = try #require(try store.claim(state: .submitted, limit: 100, owner: "test", leaseSeconds: 60).first { $0.id == id })
        let keys = canonicalizer.identityKeys(submitted: url).map(\.value)
        _ = try store.deduplicate(item, keys: DedupKeys(urlKeys: keys, exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                  canonicalURL: url, owner: "test", leaseSeconds: 60, at: Date()) { _ in .unique }
        try store.commit([StageOutcome(itemID: id, from: .deduplicated, to: .pendingReview, stage: .classify)],
                         owner: "test", leaseSeconds: 60, at: Date())
        try store.releaseLeases(owner: "test")
        return id
    }

    /// Approves and publishes `id` into a content directory; the month it was published in.
    func publish(_ id: Int64) throws -> String {
        try store.decide(itemID: id, .approve(category: nil, title: "闲鱼卖书的复盘"), moderator: "版主A",
                         expected: ExpectedItem(), evidence: nil, at: Date())
        let content = ContentDirectory(root: directory.url.appendingPathComponent("content"))
        _ = try PublishingService(store: store).publish(into: content)
        return Timestamp.month(Date())
    }
}

/// The server's log lines, written from its threads.
final class LogSink: Sendable {
    let lines = Mutex<[String]>([])
}
