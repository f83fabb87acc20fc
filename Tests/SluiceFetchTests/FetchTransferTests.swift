import Foundation
import SluiceCore
import SluiceTestSupport
import Synchronization
import Testing
@testable import SluiceFetch

/// Options for loopback tests: the test server's address allowed, no waiting between requests.
func loopbackOptions(_ server: TestHTTPServer, robots: Bool = false) -> FetchOptions {
    FetchOptions(perHostConcurrency: 4, perHostDelayMilliseconds: 0, connectTimeoutSeconds: 2,
                 totalTimeoutSeconds: 5, retries: 2, backoffBaseMilliseconds: 10, retryAfterCapSeconds: 1,
                 respectRobots: robots, allowHosts: ["\(server.host):\(server.port)"])
}

func fetchOne(_ url: String, _ options: FetchOptions) throws -> Result<Capture, Problem> {
    let fetcher = try Fetcher(options: options)
    defer { fetcher.shutdown() }
    return fetcher.fetchAll([FetchRequest(id: 1, url: url)])[0]
}

func expectFailure(_ result: Result<Capture, Problem>, _ code: ProblemCode,
                   sourceLocation: SourceLocation = #_sourceLocation) -> Problem? {
    switch result {
    case .success(let capture):
        Issue.record("expected \(code), got status \(capture.status) from \(capture.finalURL)",
                     sourceLocation: sourceLocation)
        return nil
    case .failure(let problem):
        #expect(problem.code == code, "\(problem.message)", sourceLocation: sourceLocation)
        #expect(problem.stage == .fetch, sourceLocation: sourceLocation)
        return problem
    }
}

func expectCapture(_ result: Result<Capture, Problem>,
                   sourceLocation: SourceLocation = #_sourceLocation) -> Capture? {
    switch result {
    case .success(let capture):
        return capture
    case .failure(let problem):
        Issue.record("expected a capture, got \(problem.code): \(problem.message)", sourceLocation: sourceLocation)
        return nil
    }
}

@Suite struct FetchTransferTests {
    @Test func pagesInEveryCharsetArriveByteForByteWithTheirLabels() throws {
        let text = "<html><head><title>副业 躺赚 日入过万</title></head><body><p>真的吗？</p></body></html>"
        let pages: [(path: String, reply: TestHTTPReply)] = [
            ("/utf8", try .html(text)),
            ("/gbk", try .html(text, charset: "GBK")),
            ("/gbk-labelled-utf8", try .html(text, charset: "GBK", label: "utf-8")),
            ("/big5", try .html("<html><title>副業 躺賺</title></html>", charset: "BIG5")),
            ("/big5-unlabelled", try .html("<html><title>副業 躺賺</title></html>", charset: "BIG5", label: "")),
        ]
        let server = try TestHTTPServer(routes: Dictionary(uniqueKeysWithValues: pages.map { ($0.path, $0.reply) }))
        defer { server.stop() }
        let fetcher = try Fetcher(options: loopbackOptions(server))
        defer { fetcher.shutdown() }
        let requests = pages.enumerated().map { FetchRequest(id: Int64($0.offset), url: server.baseURL + $0.element.path) }
        let results = fetcher.fetchAll(requests)
        for (page, result) in zip(pages, results) {
            guard let capture = expectCapture(result) else { continue }
            #expect(capture.body == page.reply.body, "\(page.path)")
            #expect(capture.status == 200)
            #expect(capture.contentType == page.reply.headers[0].value)
            #expect(capture.header("content-type") == page.reply.headers[0].value)
            #expect(capture.problem == nil)
            #expect(capture.text == nil && capture.charset == nil && capture.charsetBasis == nil)
            #expect(capture.redirectChain == [server.baseURL + page.path])
            #expect(capture.attempts.count == 1)
        }
        #expect(Set(server.requestedPaths) == Set(pages.map(\.path)))
        #expect(server.requests.allSatisfy { $0.headers["user-agent"]?.contains("sluice") == true })
    }

    @Test func aPDFIsHandedOnWithItsTypeAndSizeForSniffing() throws {
        let pdf = Data("%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj << >> endobj\n".utf8) + Data(count: 3000)
        let server = try TestHTTPServer(routes: [
            "/report.pdf": .bytes(pdf, contentType: "application/pdf"),
            "/mislabelled": .bytes(pdf, contentType: "text/html"),
            "/picture": .bytes(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]), contentType: "image/png"),
        ])
        defer { server.stop() }
        for path in ["/report.pdf", "/mislabelled", "/picture"] {
            let capture = try #require(expectCapture(try fetchOne(server.baseURL + path, loopbackOptions(server))))
            // The fetcher thread only transfers: the verdict is the sniff the pipeline's parse workers run.
            #expect(capture.problem == nil, "\(path)")
            #expect(ContentSniff.isClearlyNotHTML(contentType: capture.contentType, body: capture.body), "\(path)")
            #expect(capture.body.count == (path == "/picture" ? 6 : pdf.count))
        }
    }

    @Test func notFoundIsHandedOnAtOnceWithoutRetry() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let capture = expectCapture(try fetchOne(server.baseURL + "/missing", loopbackOptions(server)))
        #expect(capture?.status == 404)
        #expect(capture?.body == Data("status 404\n".utf8))
        #expect(capture?.attempts.map(\.problem) == [.http4xx])
        #expect(server.requestedPaths == ["/missing"])
    }

    @Test func serverErrorsAreRetriedThenHandedOnWithEveryAttempt() throws {
        let server = try TestHTTPServer(routes: ["/500": .status(500), "/503": .status(503)])
        defer { server.stop() }
        for (path, status) in [("/500", 500), ("/503", 503)] {
            let capture = expectCapture(try fetchOne(server.baseURL + path, loopbackOptions(server)))
            #expect(capture?.status == status)
            #expect(capture?.attempts.map(\.status) == [status, status, status])
            #expect(capture?.attempts.map(\.problem) == [.http5xx, .http5xx, .http5xx])
        }
        #expect(server.requestedPaths == ["/500", "/500", "/500", "/503", "/503", "/503"])
    }

    @Test func aTransientErrorThenSuccessRecordsEveryAttempt() throws {
        let calls = Counter()
        let server = try TestHTTPServer { _ in
            calls.next() < 2 ? .status(503) : (try? .html("<html>ok</html>")) ?? .status(500)
        }
        defer { server.stop() }
        let capture = expectCapture(try fetchOne(server.baseURL + "/flaky", loopbackOptions(server)))
        #expect(capture?.attempts.map(\.status) == [503, 503, 200])
        #expect(capture?.attempts.map(\.problem) == [.http5xx, .http5xx, nil])
    }

    @Test func retryAfterIsHonouredUpToTheCap() throws {
        let calls = Counter()
        let server = try TestHTTPServer { _ in
            calls.next() == 0
                ? .status(429, headers: [HTTPHeader(name: "Retry-After", value: "30")])
                : (try? .html("<html>ok</html>")) ?? .status(500)
        }
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.retryAfterCapSeconds = 1
        let started = ContinuousClock.now
        let capture = expectCapture(try fetchOne(server.baseURL + "/busy", options))
        let waited = ContinuousClock.now - started
        #expect(capture?.attempts.map(\.status) == [429, 200])
        #expect(waited >= .seconds(1) && waited < .seconds(5), "waited \(waited)")
    }

    @Test func tooManyRequestsWithoutRetriesLeftIsHandedOnAsA429() throws {
        let server = try TestHTTPServer(routes: ["/busy": .status(429, headers: [HTTPHeader(name: "Retry-After", value: "0")])])
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.retries = 1
        let capture = expectCapture(try fetchOne(server.baseURL + "/busy", options))
        #expect(capture?.status == 429)
        #expect(capture?.attempts.map(\.problem) == [.http4xx, .http4xx])
        #expect(server.requestedPaths.count == 2)
    }

    @Test func aRefusedConnectionIsAConnectFailureAfterRetries() throws {
        let server = try TestHTTPServer(routes: [:])
        let url = server.baseURL + "/"
        let options = loopbackOptions(server)
        server.stop()
        Thread.sleep(forTimeInterval: 0.05)
        let problem = expectFailure(try fetchOne(url, options), .connect)
        let attempts = try #require(problem?.message.firstRange(of: " after 3 attempts: ").map { problem?.message[$0.upperBound...] })
        #expect(attempts?.split(separator: ", ").map { $0.prefix(11) } == ["connect at ", "connect at ", "connect at "],
                "\(problem?.message ?? "")")
    }

    @Test func anUnresolvableHostIsADNSFailure() throws {
        let problem = expectFailure(try fetchOne("http://sluice-no-such-host.invalid/", FetchOptions(retries: 0)), .dns)
        #expect(problem?.message.contains("sluice-no-such-host.invalid") == true)
    }

    @Test func onlyHTTPAndHTTPSAreFetched() throws {
        for url in ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/", "dict://127.0.0.1/"] {
            _ = expectFailure(try fetchOne(url, FetchOptions()), .blockedScheme)
        }
    }

    @Test func credentialsInAURLAreNeverSent() throws {
        let server = try TestHTTPServer(routes: ["/go": .redirect(302, to: "http://admin:secret@127.0.0.1/")])
        defer { server.stop() }
        let direct = expectFailure(try fetchOne("http://user:pw@127.0.0.1:\(server.port)/", loopbackOptions(server)), .other)
        #expect(direct?.message.contains("user name or password") == true)
        _ = expectFailure(try fetchOne(server.baseURL + "/go", loopbackOptions(server)), .other)
        #expect(server.requestedPaths == ["/go"])
    }

    @Test func gzipBodiesAreDecoded() throws {
        let page = Data(String(repeating: "<p>副业</p>", count: 2000).utf8)
        let server = try TestHTTPServer(routes: ["/gz": try .gzipped(page)])
        defer { server.stop() }
        let capture = expectCapture(try fetchOne(server.baseURL + "/gz", loopbackOptions(server)))
        #expect(capture?.body == page)
        #expect(server.requests.first?.headers["accept-encoding"]?.contains("gzip") == true)
    }

    @Test func shutdownCancelsWorkInFlightPromptly() throws {
        let server = try TestHTTPServer { _ in TestHTTPReply(status: 200, body: Data("late".utf8), delay: .seconds(3)) }
        defer { server.stop() }
        let fetcher = try Fetcher(options: loopbackOptions(server))
        let outcome = Outcomes()
        for id in 0..<3 {
            fetcher.enqueue(FetchRequest(id: Int64(id), url: server.baseURL + "/slow/\(id)")) { request, result in
                outcome.add(request.id, result)
            }
        }
        Thread.sleep(forTimeInterval: 0.3)
        let started = ContinuousClock.now
        fetcher.shutdown()
        #expect(ContinuousClock.now - started < .seconds(2))
        let results = outcome.all
        #expect(results.count == 3)
        for (_, result) in results {
            let problem = expectFailure(result, .other)
            #expect(problem?.message.hasSuffix("cancelled") == true)
        }
        let late = Outcomes()
        fetcher.enqueue(FetchRequest(id: 9, url: server.baseURL + "/after")) { request, result in
            late.add(request.id, result)
        }
        #expect(late.all.count == 1)
        #expect(late.all.first.map { expectFailure($0.1, .other)?.message.contains("cancelled") } == true)
    }

    @Test func httpsToAPlainServerIsATLSFailure() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.retries = 0
        _ = expectFailure(try fetchOne("https://127.0.0.1:\(server.port)/", options), .tls)
    }

    @Test func cookiesAreNeverSentBack() throws {
        let server = try TestHTTPServer(routes: [
            "/login": TestHTTPReply(status: 302, headers: [HTTPHeader(name: "Set-Cookie", value: "session=abc; Path=/"),
                                                           HTTPHeader(name: "Location", value: "/home")]),
            "/home": try .html("<html>home</html>"),
        ])
        defer { server.stop() }
        #expect(expectCapture(try fetchOne(server.baseURL + "/login", loopbackOptions(server))) != nil)
        #expect(server.requests.map(\.path) == ["/login", "/home"])
        #expect(server.requests.allSatisfy { $0.headers["cookie"] == nil })
    }

    @Test func theGlobalConcurrencyLimitHoldsAcrossHosts() throws {
        let load = ServerLoad()
        let handler: @Sendable (TestHTTPRequest) -> TestHTTPReply = { _ in
            load.enter()
            Thread.sleep(forTimeInterval: 0.1)
            load.leave()
            return .status(204)
        }
        let first = try TestHTTPServer(handler)
        let second = try TestHTTPServer(handler)
        defer {
            first.stop()
            second.stop()
        }
        let options = FetchOptions(concurrency: 3, perHostConcurrency: 8, perHostDelayMilliseconds: 0, retries: 0,
                                   respectRobots: false, allowHosts: ["127.0.0.0/8"])
        let fetcher = try Fetcher(options: options)
        defer { fetcher.shutdown() }
        let requests = (0..<12).map { FetchRequest(id: Int64($0), url: ($0 % 2 == 0 ? first : second).baseURL + "/\($0)") }
        let results = fetcher.fetchAll(requests)
        #expect(results.allSatisfy { (try? $0.get())?.status == 204 })
        #expect(load.peak == 3)
    }

    @Test func theFetcherRefusesABadAllowListEntryOrLimit() {
        for entry in ["localhost", "127.0.0.1:0", "10.0.0.0/33", "[::1", "example.com:80", "127.1"] {
            #expect(throws: FetchError.self, "\(entry)") { try Fetcher(options: FetchOptions(allowHosts: [entry])) }
        }
        #expect(throws: FetchError.invalidOption(name: "concurrency", reason: "must be from 1 to 4096, got 0")) {
            try Fetcher(options: FetchOptions(concurrency: 0))
        }
        #expect(throws: FetchError.self) { try Fetcher(options: FetchOptions(totalTimeoutSeconds: .infinity)) }
    }
}

/// Counts calls from the test server's threads.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock { count in
            count += 1
            return count - 1
        }
    }
}

/// Collects completions from the fetcher thread.
final class Outcomes: Sendable {
    private let results = Mutex<[(Int64, Result<Capture, Problem>)]>([])
    func add(_ id: Int64, _ result: Result<Capture, Problem>) { results.withLock { $0.append((id, result)) } }
    var all: [(Int64, Result<Capture, Problem>)] { results.withLock { $0 } }
}
