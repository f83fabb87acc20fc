import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluiceFetch

@Suite struct FetchRedirectTests {
    @Test func aRedirectChainIsFollowedAndRecordedHopByHop() throws {
        let server = try TestHTTPServer(routes: [
            "/start": .redirect(301, to: "/second?from=start"),
            "/second?from=start": .redirect(302, to: "third"),
            "/third": .redirect(307, to: "/final"),
            "/final": try .html("<html>arrived</html>"),
        ])
        defer { server.stop() }
        let capture = try #require(expectCapture(try fetchOne(server.baseURL + "/start", loopbackOptions(server))))
        let base = server.baseURL
        #expect(capture.requestedURL == base + "/start")
        #expect(capture.redirectChain == [base + "/start", base + "/second?from=start", base + "/third", base + "/final"])
        #expect(capture.finalURL == base + "/final")
        #expect(capture.attempts.map(\.status) == [301, 302, 307, 200])
        #expect(capture.body == Data("<html>arrived</html>".utf8))
    }

    @Test func aLoopIsDetectedWhenAURLComesBack() throws {
        let server = try TestHTTPServer(routes: [
            "/a": .redirect(302, to: "/b"),
            "/b": .redirect(302, to: "/a"),
            "/self": .redirect(301, to: "/self"),
        ])
        defer { server.stop() }
        for path in ["/a", "/self"] {
            let problem = expectFailure(try fetchOne(server.baseURL + path, loopbackOptions(server)), .redirectLoop)
            #expect(problem?.message.contains("loop") == true)
        }
        #expect(server.requestedPaths == ["/a", "/b", "/self"])
    }

    @Test func tooManyRedirectsStopAtTheLimit() throws {
        let server = try TestHTTPServer { request in
            let hop = Int(request.path.dropFirst(5)) ?? 0
            return .redirect(302, to: "/hop/\(hop + 1)")
        }
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.maxRedirects = 3
        let problem = expectFailure(try fetchOne(server.baseURL + "/hop/0", options), .redirectLoop)
        #expect(problem?.message.contains("more than 3 redirects") == true)
        #expect(server.requestedPaths == ["/hop/0", "/hop/1", "/hop/2", "/hop/3"])
    }

    @Test func aRedirectToAnotherSchemeIsRefused() throws {
        let server = try TestHTTPServer(routes: [
            "/file": .redirect(302, to: "file:///etc/passwd"),
            "/ftp": .redirect(301, to: "ftp://127.0.0.1/"),
        ])
        defer { server.stop() }
        for path in ["/file", "/ftp"] {
            _ = expectFailure(try fetchOne(server.baseURL + path, loopbackOptions(server)), .blockedScheme)
        }
    }
}

@Suite struct FetchRobotsTests {
    @Test func robotsTxtIsFetchedOncePerHostAndObeyed() throws {
        let server = try TestHTTPServer(routes: [
            "/robots.txt": .bytes(Data("User-agent: *\nDisallow: /private\n".utf8), contentType: "text/plain"),
            "/public": try .html("<html>ok</html>"),
            "/private/page": try .html("<html>secret</html>"),
        ])
        defer { server.stop() }
        var options = loopbackOptions(server, robots: true)
        options.perHostConcurrency = 1
        let fetcher = try Fetcher(options: options)
        defer { fetcher.shutdown() }
        let results = fetcher.fetchAll([FetchRequest(id: 1, url: server.baseURL + "/public"),
                                        FetchRequest(id: 2, url: server.baseURL + "/private/page"),
                                        FetchRequest(id: 3, url: server.baseURL + "/public")])
        #expect(expectCapture(results[0]) != nil)
        let problem = expectFailure(results[1], .robots)
        #expect(problem?.message.contains("/private/page") == true)
        #expect(expectCapture(results[2]) != nil)
        #expect(server.requestedPaths == ["/robots.txt", "/public", "/public"])
    }

    @Test func aMissingRobotsTxtAllowsAndAnUnreachableOneForbids() throws {
        let missing = try TestHTTPServer(routes: ["/page": try .html("<html>ok</html>")])
        defer { missing.stop() }
        #expect(expectCapture(try fetchOne(missing.baseURL + "/page", loopbackOptions(missing, robots: true))) != nil)
        #expect(missing.requestedPaths == ["/robots.txt", "/page"])

        let broken = try TestHTTPServer(routes: ["/robots.txt": .status(503), "/page": try .html("<html>ok</html>")])
        defer { broken.stop() }
        _ = expectFailure(try fetchOne(broken.baseURL + "/page", loopbackOptions(broken, robots: true)), .robots)
        #expect(broken.requestedPaths == ["/robots.txt"])
    }

    @Test func aRedirectHopIsCheckedAgainstItsOwnHostsRobotsTxt() throws {
        let target = try TestHTTPServer(routes: [
            "/robots.txt": .bytes(Data("User-agent: sluice\nDisallow: /private\n".utf8), contentType: "text/plain"),
            "/private/page": try .html("<html>secret</html>"),
        ])
        defer { target.stop() }
        let origin = try TestHTTPServer(routes: ["/go": .redirect(302, to: target.baseURL + "/private/page")])
        defer { origin.stop() }
        var options = loopbackOptions(origin, robots: true)
        options.allowHosts = ["127.0.0.0/8"]
        let problem = expectFailure(try fetchOne(origin.baseURL + "/go", options), .robots)
        #expect(problem?.message.contains(origin.baseURL + "/go") == true)
        #expect(origin.requestedPaths == ["/robots.txt", "/go"])
        #expect(target.requestedPaths == ["/robots.txt"])
    }

    @Test func robotsCanBeSwitchedOff() throws {
        let server = try TestHTTPServer(routes: [
            "/robots.txt": .bytes(Data("User-agent: *\nDisallow: /\n".utf8), contentType: "text/plain"),
            "/page": try .html("<html>ok</html>"),
        ])
        defer { server.stop() }
        #expect(expectCapture(try fetchOne(server.baseURL + "/page", loopbackOptions(server, robots: false))) != nil)
        #expect(server.requestedPaths == ["/page"])
    }

    @Test func theGroupNamingSluiceWinsOverTheWildcard() {
        let text = """
        # comment
        User-agent: *
        Disallow: /

        User-agent: Googlebot
        User-agent: Sluice
        Disallow: /admin # trailing comment
        Allow: /admin/public$
        Disallow: /*.pdf$
        Disallow: /search?q=*&page=
        """
        let rules = RobotsRules(parsing: Data(text.utf8), productToken: FetchOptions.robotsToken)
        #expect(rules.allows("/"))
        #expect(rules.allows("/article/1"))
        #expect(!rules.allows("/admin/settings"))
        #expect(rules.allows("/admin/public"))
        #expect(!rules.allows("/admin/public/x"))
        #expect(!rules.allows("/files/report.pdf"))
        #expect(rules.allows("/files/report.pdf?download=1"))
        #expect(!rules.allows("/search?q=money&page=2"))
        #expect(rules.allows("/search?q=money"))
    }

    @Test func withoutANamedGroupTheWildcardAppliesAndEmptyDisallowAllowsAll() {
        let wildcard = RobotsRules(parsing: Data("User-agent: *\nDisallow: /tmp/\nAllow: /tmp/ok\n".utf8), productToken: "sluice")
        #expect(!wildcard.allows("/tmp/x"))
        #expect(wildcard.allows("/tmp/ok.html"))
        #expect(wildcard.allows("/index.html"))
        let open = RobotsRules(parsing: Data("User-agent: sluice\nDisallow:\n\nUser-agent: *\nDisallow: /\n".utf8), productToken: "sluice")
        #expect(open.allows("/anything"))
        let sluiceLike = RobotsRules(parsing: Data("User-agent: sluicebot\nDisallow: /\n".utf8), productToken: "sluice")
        #expect(sluiceLike.allows("/anything"))
    }
}
