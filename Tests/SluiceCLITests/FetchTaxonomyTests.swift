import Foundation
import SluiceCLI
import SluiceCore
import SluiceTestSupport
import Testing

/// Every way a fetch can end, through the real command line: `submit`, `run` against a real HTTP server
/// on loopback, then what `status --json` and `review show ID --json` say about each item.
@Suite struct FetchTaxonomyTests {
    let directory = TemporaryDirectory("fetch-taxonomy")
    let pipeline: String

    /// A pipeline with the repository's rule files and limits small enough to hit within a second or two.
    init() throws {
        let rules = SharedCorpus.packageRoot.appendingPathComponent("pipelines").path
        let file = directory.path("fetch-test.json")
        try Data("""
            {
              "name": "fetch-test",
              "fetch": {
                "concurrency": 16, "per_host_concurrency": 16, "per_host_delay_ms": 0,
                "connect_timeout_s": 1, "total_timeout_s": 1, "retries": 1, "backoff_base_ms": 10,
                "retry_after_cap_s": 1, "max_redirects": 5, "max_body_bytes": 100000, "respect_robots": true
              },
              "rules": {
                "url_rules": "\(rules)/url-rules.json",
                "classify_rules": "\(rules)/rules.json",
                "blocked_pages": "\(rules)/blocked-pages.json"
              }
            }
            """.utf8).write(to: URL(fileURLWithPath: file))
        pipeline = file
    }

    @discardableResult
    func sluice(_ arguments: [String], store: String = "s.db", expect status: Int32 = 0,
                sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        let console = Console.capturing()
        let result = Command.run(arguments: arguments + ["--store", directory.path(store)], console: console, environment: [:])
        #expect(result == status, "sluice \(arguments.joined(separator: " ")): \(console.errors)", sourceLocation: sourceLocation)
        return console
    }

    func json(_ console: Console) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
    }

    func submit(_ url: String, store: String = "s.db") throws -> Int64 {
        let reply = try json(sluice(["submit", url, "--by", "小明", "--pipeline", pipeline, "--json"], store: store))
        return try #require((reply["id"] as? NSNumber)?.int64Value)
    }

    func show(_ id: Int64, store: String = "s.db") throws -> [String: Any] {
        try json(sluice(["review", "show", "\(id)", "--json"], store: store))
    }

    static func article(_ title: String) -> TestHTTPReply {
        let paragraph = "\(title)：在小区里做社区团购，每周两次接龙，水果和蔬菜直接从批发市场拿货，利润一成左右。"
        let html = "<html><head><meta charset=\"utf-8\"><title>\(title)</title></head><body><article>"
            + String(repeating: "<p>\(paragraph)</p>", count: 6) + "</article></body></html>"
        return TestHTTPReply(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html; charset=utf-8")],
                             body: Data(html.utf8))
    }

    @Test func everyFetchOutcomeEndsInItsStateAndError() throws {
        let challenge = "<html><head><title>Just a moment...</title></head><body>"
            + "<script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1\"></script></body></html>"
        let server = try TestHTTPServer(routes: [
            "/robots.txt": .bytes(Data("User-agent: *\nDisallow: /private/\n".utf8), contentType: "text/plain"),
            "/down": .status(503),
            "/slow": TestHTTPReply(status: 200, body: Data("late".utf8), delay: .seconds(3)),
            "/huge": TestHTTPReply(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html")],
                                   delivery: .endless),
            "/guide.pdf": .bytes(Data("%PDF-1.4\n%\u{e2}\u{e3}\n".utf8) + Data(count: 2000), contentType: "application/pdf"),
            "/loop-a": .redirect(302, to: "/loop-b"),
            "/loop-b": .redirect(301, to: "/loop-a"),
            "/private/plan": Self.article("不该被抓取的页面"),
            "/challenge": .bytes(Data(challenge.utf8), contentType: "text/html", status: 403),
        ])
        defer { server.stop() }
        let closed = try TestHTTPServer(routes: [:])
        let closedPort = closed.port
        closed.stop()
        let base = server.baseURL
        let cases: [(url: String, state: String, code: String)] = [
            ("http://sluice-no-such-host.invalid/page", "failed", "dns"),
            ("http://127.0.0.1:\(closedPort)/page", "failed", "connect"),
            ("\(base)/slow", "failed", "timeout"),
            ("\(base)/missing", "failed", "http_4xx"),
            ("\(base)/down", "failed", "http_5xx"),
            ("\(base)/huge", "failed", "too_large"),
            ("\(base)/guide.pdf", "pending_review", "not_html"),
            ("http://10.255.255.1/intranet", "failed", "blocked_address"),
            ("\(base)/loop-a", "failed", "redirect_loop"),
            ("\(base)/private/plan", "failed", "robots"),
            ("\(base)/challenge", "pending_review", "captcha"),
        ]
        let ids = try cases.map { try submit($0.url) }
        sluice(["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(server.port)",
                "--allow-host", "127.0.0.1:\(closedPort)"])

        var shown: [String: [String: Any]] = [:]
        for (id, expected) in zip(ids, cases) {
            let item = try show(id)
            shown[expected.code] = item
            #expect(item["state"] as? String == expected.state, "\(expected.url): \(item)")
            let error = item["error"] as? String ?? ""
            #expect(error.hasPrefix(expected.code + ": "), "\(expected.url): \(error)")
        }
        #expect(!server.requestedPaths.contains("/private/plan"))
        // Attempts and their errors are kept on the item: retried failures list each attempt.
        let down = shown["http_5xx"]?["error"] as? String ?? ""
        #expect(down.contains("HTTP 503 after 2 attempts: HTTP 503 at 0.0 s, HTTP 503 at "), "\(down)")
        let slow = shown["timeout"]?["error"] as? String ?? ""
        #expect(slow.contains("after 2 attempts: timeout at 0.0 s, timeout at "), "\(slow)")
        #expect(server.requestedPaths.filter { $0 == "/down" }.count == 2)
        #expect(server.requestedPaths.filter { $0 == "/missing" }.count == 1)

        let status = try json(sluice(["status", "--json"]))
        let failures = try #require(status["failures"] as? [[String: Any]])
        let failed = cases.filter { $0.state == "failed" }.map(\.code)
        for code in failed {
            let entry = failures.first { $0["code"] as? String == code }
            #expect(entry?["stage"] as? String == "fetch", "\(code): \(failures)")
            #expect(entry?["count"] as? Int == 1, "\(code): \(failures)")
        }
        #expect(Set(failures.compactMap { $0["code"] as? String }) == Set(failed))
        #expect(status["reviewable_problems"] as? [String: Int] == ["not_html": 1, "captcha": 1])
        #expect((status["states"] as? [String: Int])?["failed"] == failed.count)

        // The error responses are kept as evidence: 404, 503 and the challenge page are in the archive.
        let exported = try json(sluice(["archive", "export", "--out", directory.path("evidence.warc"), "--json"]))
        #expect(exported["responses"] as? Int == 4)
    }

    @Test func aPrivateAddressIsRefusedWithoutAnAllowHost() throws {
        let server = try TestHTTPServer(routes: ["/page": Self.article("本机页面")])
        defer { server.stop() }
        let id = try submit(server.baseURL + "/page")
        sluice(["run", "--pipeline", pipeline])
        let item = try show(id)
        #expect(item["state"] as? String == "failed")
        let error = item["error"] as? String ?? ""
        #expect(error.hasPrefix("blocked_address: ") && error.contains("127.0.0.1"), "\(error)")
        #expect(server.requestedPaths.isEmpty)
    }

    @Test func aRedirectChainLandsOnItsFinalURLWhichIsThenADuplicate() throws {
        let server = try TestHTTPServer(routes: [
            "/short": .redirect(301, to: "/hop"),
            "/hop": .redirect(307, to: "/story/final"),
            "/story/final": Self.article("小区团购团长一个月多赚一千"),
        ])
        defer { server.stop() }
        let allow = ["--allow-host", "127.0.0.1:\(server.port)"]
        let first = try submit(server.baseURL + "/short")
        sluice(["run", "--pipeline", pipeline] + allow)
        let landed = try show(first)
        #expect(landed["state"] as? String == "pending_review", "\(landed)")
        #expect(landed["url"] as? String == server.baseURL + "/short")
        #expect(landed["final_url"] as? String == server.baseURL + "/story/final")
        #expect(server.requestedPaths == ["/robots.txt", "/short", "/hop", "/story/final"])

        let second = try submit(server.baseURL + "/story/final")
        sluice(["run", "--pipeline", pipeline] + allow)
        let again = try show(second)
        #expect(again["state"] as? String == "duplicate", "\(again)")
        #expect((again["duplicate_of"] as? NSNumber)?.int64Value == first)
        #expect(again["duplicate_kind"] as? String == "url")
    }
}
