import Foundation
import SluiceCLI
import SluiceTestSupport
import Testing

/// `sluice bench fetch` over a URL list served by a real HTTP server on loopback.
@Suite struct FetchBenchCommandTests {
    let directory = TemporaryDirectory("fetch-bench")

    func sluice(_ arguments: [String]) -> (status: Int32, console: Console) {
        let console = Console.capturing()
        let status = Command.run(arguments: arguments + ["--store", directory.path("unused.db")], console: console,
                                 environment: [:])
        return (status, console)
    }

    func urlFile(_ lines: [String]) throws -> String {
        let path = directory.path("urls-\(UUID().uuidString).txt")
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func countsPagesFailuresRateAndPeakMemory() throws {
        let server = try TestHTTPServer { request in
            request.path.hasPrefix("/p/") ? (try? .html("<html><title>\(request.path)</title></html>")) ?? .status(500)
                : .status(404)
        }
        defer { server.stop() }
        let urls = (0..<40).map { "\(server.baseURL)/p/\($0)" } + ["", "# a comment", "\(server.baseURL)/gone"]
        let file = try urlFile(urls)
        let (status, console) = sluice(["bench", "fetch", "--urls", file, "--allow-host", "127.0.0.1:\(server.port)", "--json"])
        #expect(status == 1, "one page failed: \(console.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        #expect(report["pages"] as? Int == 41)
        #expect(report["succeeded"] as? Int == 40)
        #expect(report["failures"] as? [String: Int] == ["http_4xx": 1])
        #expect((report["pages_per_second"] as? Double ?? 0) > 0)
        #expect((report["peak_rss_kib"] as? Int ?? 0) > 1000)
        #expect(server.requestedPaths.count == 41, "no robots.txt, no retries: one request per URL")

        let (textStatus, text) = sluice(["bench", "fetch", "--urls", try urlFile(Array(urls.prefix(5))),
                                         "--allow-host", "127.0.0.1:\(server.port)"])
        #expect(textStatus == 0, "\(text.errors)")
        #expect(text.output.contains("pages: 5  ok: 5  failed: 0"))
        #expect(text.output.contains(" pages/s"))
    }

    @Test func aPipelineFileSuppliesTheFetchOptions() throws {
        let server = try TestHTTPServer(routes: ["/robots.txt": .bytes(Data("User-agent: *\nDisallow: /no\n".utf8),
                                                                        contentType: "text/plain"),
                                                 "/yes": try .html("<html>ok</html>")])
        defer { server.stop() }
        let pipeline = directory.path("bench-pipeline.json")
        try Data(#"{"fetch": {"per_host_delay_ms": 0, "respect_robots": true}}"#.utf8).write(to: URL(fileURLWithPath: pipeline))
        let urls = try urlFile([server.baseURL + "/yes", server.baseURL + "/no"])
        let (status, console) = sluice(["bench", "fetch", "--urls", urls, "--pipeline", pipeline,
                                        "--allow-host", "127.0.0.1:\(server.port)", "--json"])
        #expect(status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        #expect(report["failures"] as? [String: Int] == ["robots": 1])
        #expect(server.requestedPaths == ["/robots.txt", "/yes"])
    }

    @Test func withoutTheAllowHostLoopbackIsRefused() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let (status, console) = sluice(["bench", "fetch", "--urls", try urlFile([server.baseURL + "/a"]), "--json"])
        #expect(status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        #expect(report["failures"] as? [String: Int] == ["blocked_address": 1])
        #expect(server.requestedPaths.isEmpty)
    }

    @Test func badArgumentsAreNamed() throws {
        let missing = directory.path("no-such-list.txt")
        let cases: [(arguments: [String], status: Int32, says: String)] = [
            (["bench", "fetch"], 2, "--urls FILE is required"),
            (["bench", "store"], 2, "unknown subcommand \"store\""),
            (["bench", "fetch", "--urls", missing], 2, "no-such-list.txt"),
            (["bench", "fetch", "--urls", try urlFile(["", "# nothing"])], 2, "lists no URLs"),
            (["bench", "fetch", "--urls", try urlFile(["http://example.com/"]), "--allow-host", "localhost"], 1, "localhost"),
        ]
        for (arguments, expected, says) in cases {
            let (status, console) = sluice(arguments)
            #expect(status == expected, "\(arguments): \(console.errors)")
            #expect(console.errors.contains(says), "\(arguments): \(console.errors)")
        }
        let help = sluice(["bench", "--help"])
        #expect(help.status == 0 && help.console.output.contains("usage: sluice bench fetch --urls FILE"))
    }
}
