import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluiceFetch

/// International hosts are fetched by their A-label, the form DNS and the `Host` header carry.
@Suite struct InternationalHostTests {
    @Test(arguments: ["例子.测试", "例子。测试", "XN--FSQU00A.xn--0zwm56d"])
    func aChineseDomainIsFetchedByItsALabel(host: String) throws {
        let server = try TestHTTPServer(routes: ["/文章": try .html("<html><title>例子</title></html>"),
                                                 "/%E6%96%87%E7%AB%A0": try .html("<html><title>例子</title></html>")])
        defer { server.stop() }
        let fetcher = try Fetcher(options: loopbackOptions(server),
                                  resolving: ["xn--fsqu00a.xn--0zwm56d:\(server.port):127.0.0.1"])
        defer { fetcher.shutdown() }
        let result = fetcher.fetchAll([FetchRequest(id: 1, url: "http://\(host):\(server.port)/文章")])[0]
        let capture = try #require(expectCapture(result))
        #expect(capture.status == 200)
        #expect(server.requests.first?.headers["host"] == "xn--fsqu00a.xn--0zwm56d:\(server.port)")
        #expect(server.requests.first?.path == "/%E6%96%87%E7%AB%A0")
        #expect(capture.finalURL == "http://xn--fsqu00a.xn--0zwm56d:\(server.port)/%E6%96%87%E7%AB%A0")
    }

    /// A `Location` is resolved by the one URL parser against the URL that answered, international host and
    /// non-ASCII path included.
    @Test func redirectsAreResolvedByTheURLParser() throws {
        let done = try TestHTTPReply.html("<html>done</html>")
        let server = try TestHTTPServer { request in
            let port = request.headers["host"]?.split(separator: ":").last.map(String.init) ?? ""
            switch request.path {
            case "/start": return .redirect(302, to: "http://例子.测试:\(port)/中间")
            case "/%E4%B8%AD%E9%97%B4": return .redirect(301, to: "../end?q=中")
            case "/end?q=%E4%B8%AD": return done
            default: return .status(404)
            }
        }
        defer { server.stop() }
        let fetcher = try Fetcher(options: loopbackOptions(server),
                                  resolving: ["xn--fsqu00a.xn--0zwm56d:\(server.port):127.0.0.1"])
        defer { fetcher.shutdown() }
        let result = fetcher.fetchAll([FetchRequest(id: 1, url: server.baseURL + "/start")])[0]
        let capture = try #require(expectCapture(result))
        #expect(capture.status == 200)
        #expect(server.requestedPaths == ["/start", "/%E4%B8%AD%E9%97%B4", "/end?q=%E4%B8%AD"])
        #expect(server.requests.last?.headers["host"] == "xn--fsqu00a.xn--0zwm56d:\(server.port)")
        #expect(capture.redirectChain.last == "http://xn--fsqu00a.xn--0zwm56d:\(server.port)/end?q=%E4%B8%AD")
    }

    /// Full-width and circled spellings of loopback fold to it before anything else looks at the host, so the one
    /// address rule (the socket gate) refuses them exactly as it refuses `127.0.0.1` and `localhost`.
    @Test(arguments: ["127.0.0.1", "１２７.０.０.１", "①②⑦.⓪.⓪.①", "localhost", "ｌｏｃａｌｈｏｓｔ"])
    func loopbackInAnySpellingIsRefusedAtTheSocket(host: String) throws {
        let server = try TestHTTPServer(routes: ["/": try .html("<html>inside</html>")])
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.allowHosts = []
        let problem = expectFailure(try fetchOne("http://\(host):\(server.port)/", options), .blockedAddress)
        #expect(problem?.message.contains("loopback") == true, "\(problem?.message ?? "")")
        #expect(server.requestedPaths.isEmpty)
    }
}
