import Foundation
import Testing
@testable import SluiceFetch

/// robots.txt read as RFC 9309 says, each test from one of its rules.
@Suite struct RobotsRulesTests {
    private func rules(_ text: String, token: String = "sluice") -> RobotsRules {
        RobotsRules(parsing: Data(text.utf8), productToken: token)
    }

    /// 2.2: lines end in CR, LF or CR LF.
    @Test(arguments: ["\r\n", "\r", "\n"])
    func everyLineEndSeparatesRecords(lineEnd: String) {
        let robots = rules(["User-agent: *", "Disallow: /private", "Allow: /private/open", ""].joined(separator: lineEnd))
        #expect(!robots.allows("/private/x"))
        #expect(robots.allows("/private/open/1"))
        #expect(robots.allows("/public"))
    }

    /// 2.2: the file is UTF-8; a byte order mark at its start is not part of the first line.
    @Test func aByteOrderMarkDoesNotHideTheFirstGroup() {
        let robots = rules("\u{FEFF}User-agent: sluice\nDisallow: /x\n")
        #expect(!robots.allows("/x"))
    }

    /// 2.2.1: the user-agent value is matched on its product token, case-insensitively.
    @Test(arguments: ["sluice", "Sluice", "SLUICE/1.0", "sluice/2.3 (+https://example.com/bot)", "sluice (compatible)"])
    func theProductTokenOfAUserAgentLineMatches(agent: String) {
        let robots = rules("User-agent: *\nAllow: /\n\nUser-agent: \(agent)\nDisallow: /mine\n")
        #expect(!robots.allows("/mine"), "User-agent: \(agent)")
    }

    @Test(arguments: ["sluicebot", "sluice-crawler", "xsluice", "slui"])
    func anotherTokenDoesNotMatch(agent: String) {
        let robots = rules("User-agent: \(agent)\nDisallow: /\n")
        #expect(robots.allows("/anything"), "User-agent: \(agent)")
    }

    /// 2.2.2: non-ASCII octets are percent-encoded before comparison, on both sides; escapes compare
    /// case-insensitively.
    @Test func nonASCIIAndLowerCaseEscapesMatchTheEncodedRequestPath() {
        let robots = rules("User-agent: *\nDisallow: /商品/\nDisallow: /%e5%ba%97\nDisallow: /q?k=中\n")
        #expect(!robots.allows("/%E5%95%86%E5%93%81/123"))
        #expect(!robots.allows("/%e5%95%86%e5%93%81/123"))
        #expect(!robots.allows("/%E5%BA%97/1"))
        #expect(!robots.allows("/q?k=%E4%B8%AD"))
        #expect(robots.allows("/%E5%95%86"))
        #expect(robots.allows("/shop"))
    }

    /// 2.2.2: the most specific (longest) match wins; on a tie Allow wins.
    @Test func theLongestMatchWinsAndAllowWinsATie() {
        let robots = rules("""
        User-agent: *
        Disallow: /example/page/disallowed.gif
        Allow: /example/page/
        Disallow: /folder
        Allow: /folder
        Disallow: /
        Allow: /p
        """)
        #expect(!robots.allows("/example/page/disallowed.gif"))
        #expect(robots.allows("/example/page/other.gif"))
        #expect(robots.allows("/folder/x"))
        #expect(robots.allows("/page"))
        #expect(!robots.allows("/other"))
    }

    /// 2.2.3: `*` matches any run of characters, a final `$` the end of the path.
    @Test func wildcardAndEndAnchor() {
        let robots = rules("User-agent: *\nDisallow: /*.php$\nDisallow: /fish*.html\nAllow: /$\nDisallow: /\n")
        #expect(robots.allows("/"))
        #expect(!robots.allows("/index.php"))
        #expect(!robots.allows("/a/b.php"))
        #expect(!robots.allows("/fishheads/cat.html"))
        #expect(!robots.allows("/anything-else"))
        let open = rules("User-agent: *\nDisallow: /*.php$\n")
        #expect(open.allows("/index.php?x=1"))
        #expect(open.allows("/index.php5"))
    }

    /// 2.2.1: groups that name the same product token are combined.
    @Test func groupsForTheSameAgentAreCombined() {
        let robots = rules("""
        User-agent: sluice
        Disallow: /a

        User-agent: *
        Disallow: /b

        User-agent: Sluice/1.0
        Disallow: /c
        """)
        #expect(!robots.allows("/a"))
        #expect(!robots.allows("/c"))
        #expect(robots.allows("/b"))
    }

    /// 2.5: at least 500 KiB are parsed; what lies beyond may be ignored, and is.
    @Test func onlyTheFirst500KiBAreRead() {
        let filler = String(repeating: "# padding line of a very large robots.txt file\n", count: 11_000)
        let robots = rules("User-agent: *\nDisallow: /early\n" + filler + "Disallow: /late\n")
        #expect(filler.utf8.count > 500 * 1024)
        #expect(!robots.allows("/early"))
        #expect(robots.allows("/late"))
    }

    /// Rules before any user-agent line belong to no group.
    @Test func rulesOutsideAGroupAreIgnored() {
        let robots = rules("Disallow: /\nUser-agent: *\nDisallow: /x\n")
        #expect(robots.allows("/y"))
        #expect(!robots.allows("/x"))
    }
}
