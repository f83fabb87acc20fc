import Foundation
import Synchronization
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// A store in a temporary directory and a real HTTP server whose pages a test can change between runs
/// (a source that is later edited or deleted), driven through the real command line in process.
final class PublishWorld: Sendable {
    let directory = TemporaryDirectory("publish")
    let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path
    let server: TestHTTPServer
    private let pages: Pages

    /// The replies by request path, changed by the test while the server answers.
    private final class Pages: Sendable {
        let replies = Mutex<[String: TestHTTPReply]>([:])
    }

    init() throws {
        let pages = Pages()
        self.pages = pages
        server = try TestHTTPServer { request in
            pages.replies.withLock { $0[request.path] } ?? .status(404)
        }
    }

    deinit { server.stop() }

    var storePath: String { directory.path("sluice.db") }
    var content: String { directory.path("content") }
    var allowHost: [String] { ["--allow-host", "127.0.0.1:\(server.port)"] }
    var month: String { Timestamp.month(Date()) }

    func url(_ path: String) -> String { server.baseURL + path }

    func serve(_ path: String, _ reply: TestHTTPReply) {
        pages.replies.withLock { $0[path] = reply }
    }

    @discardableResult
    func sluice(_ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        CLIHarness(storePath: storePath).run(arguments, expect: status, sourceLocation: sourceLocation)
    }

    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        try CLIHarness(storePath: storePath).json(arguments, sourceLocation: sourceLocation)
    }

    /// Submits a link (serving `page` at `path` first when given) or, with a nil path, a note; returns the id.
    @discardableResult
    func submit(_ path: String?, page: String? = nil, by volunteer: String, note: String? = nil) throws -> Int64 {
        if let path, let page { serve(path, try .html(page)) }
        var arguments = ["submit"] + (path.map { [url($0)] } ?? []) + ["--by", volunteer, "--pipeline", pipeline]
        if let note { arguments += ["--note", note] }
        let answer = try #require(try json(arguments) as? [String: Any])
        return try #require((answer["id"] as? NSNumber)?.int64Value)
    }

    /// Submits articles (path, title, sentence, volunteer), runs the pipeline, approves and publishes them,
    /// expecting each to be published; returns their ids in the order given.
    func publishArticles(_ articles: [(path: String, title: String, sentence: String, by: String)]) throws -> [Int64] {
        let ids = try articles.map { try submit($0.path, page: Self.article($0.title, $0.sentence), by: $0.by) }
        run()
        approve(ids)
        #expect(try publish().sorted() == ids.sorted())
        return ids
    }

    /// A month's mix: a story (小明) and a report of it (阿强), a hype page (阿强) and a note (小明), run
    /// through the pipeline; nothing decided yet.
    func seedMonth() throws -> (story: Int64, hype: Int64, note: Int64) {
        let page = Self.article("社区团购团长的账本", "小区群做到月流水八万")
        let story = try submit("/team", page: page, by: "小明")
        try submit("/team?utm_source=wechat", page: page, by: "阿强")
        let hype = try submit("/hype", page: Self.article("躺赚项目日入过万", "交入门费发展下线拉人头返佣金"), by: "阿强")
        let note = try submit(nil, by: "小明", note: "企业微信加好友每天有上限，做私域要多个号分流")
        run()
        return (story, hype, note)
    }

    func run() {
        sluice(["run", "--pipeline", pipeline] + allowHost)
    }

    func approve(_ ids: [Int64], extra: [String] = []) {
        sluice(["review", "approve"] + ids.map(String.init) + ["--as", "版主A"] + extra)
    }

    func publish() throws -> [Int64] {
        let answer = try #require(try json(["publish", "--content", content]) as? [String: Any])
        return (answer["published"] as? [NSNumber] ?? []).map(\.int64Value)
    }

    /// Feeds are exported as served from `PublishWorld.baseURL`.
    func export(_ format: String, month: String? = nil) -> String {
        let site = format == "json" || format == "atom" ? ["--base-url", Self.baseURL] : []
        return sluice(["export", "--month", month ?? self.month, "--format", format] + site).output
    }

    static let baseURL = "https://community.example/"

    func store() throws -> SQLiteStore { try SQLiteStore(path: storePath) }

    func contentFile(_ id: Int64) -> String? {
        try? String(contentsOfFile: content + "/\(month)/\(id).md", encoding: .utf8)
    }

    /// A page the extractor reads as an article: a title and paragraphs of `sentence`.
    static func article(_ title: String, _ sentence: String, extra: String = "") -> String {
        let paragraphs = (1...6).map { "<p>\(sentence)。第\($0)点：\(sentence)，这是我自己的经验。</p>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><nav><a href="/">首页</a></nav><article><h1>\(title)</h1>\(extra)\(paragraphs)</article>
            <footer>版权所有</footer></body></html>
            """
    }
}

/// Occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}
