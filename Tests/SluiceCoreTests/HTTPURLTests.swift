import Foundation
import SluiceCore
import SluiceMeasure
import SluiceTestSupport
import Testing

@Suite struct HTTPURLTests {
    private func href(_ text: String, base: String? = nil) throws -> String {
        try HTTPURL(text, relativeTo: base.map { try HTTPURL($0) }).href
    }

    private func refusal(_ text: String) -> URLProblem.Reason? {
        do throws(URLProblem) {
            _ = try HTTPURL(text)
            return nil
        } catch {
            #expect(error.url == text)
            return error.reason
        }
    }

    /// The dots Chinese input methods type (ideographic, full-width, half-width) separate labels like `.`.
    @Test(arguments: ["https://例子。测试/", "https://例子．测试/", "https://例子｡测试/", "https://例子.测试/",
                      "https://XN--FSQU00A.xn--0zwm56d/"])
    func chineseDomainsBecomeTheirALabels(url: String) throws {
        let parsed = try HTTPURL(url)
        #expect(parsed.href == "https://xn--fsqu00a.xn--0zwm56d/")
        #expect(parsed.host.display == "例子.测试")
        #expect(parsed.display == "https://例子.测试/")
    }

    @Test func fullWidthAndCircledFormsFoldBeforeAnyCheck() throws {
        #expect(try HTTPURL("http://１２７.０.０.１/").host == .ipv4(0x7F00_0001))
        #expect(try HTTPURL("http://①②⑦.⓪.⓪.①/").host == .ipv4(0x7F00_0001))
        #expect(try HTTPURL("http://ｌｏｃａｌｈｏｓｔ/").host == .domain("localhost"))
        #expect(try href("https://中国．公司/ａ") == "https://xn--fiqs8s.xn--55qx5d/%EF%BD%81")
    }

    @Test func everyIPv4SpellingIsTheOneAddress() throws {
        for spelling in ["127.0.0.1", "127.1", "0x7f.1", "0177.0.0.1", "2130706433", "0x7F000001", "127.0.0.1."] {
            #expect(try HTTPURL("http://\(spelling)/").host == .ipv4(0x7F00_0001), "\(spelling)")
        }
        #expect(try href("http://0x7f.1/") == "http://127.0.0.1/")
    }

    @Test func aHostEndingInANumberMustBeAnAddress() {
        #expect(refusal("http://foo.1.2.3.4/") == .invalidIPv4("foo.1.2.3.4"))
        #expect(refusal("http://1.2.3.256/") == .invalidIPv4("1.2.3.256"))
        #expect(refusal("http://0x100000000/") == .invalidIPv4("0x100000000"))
        #expect(refusal("http://1.2.3.4.5/") == .invalidIPv4("1.2.3.4.5"))
    }

    @Test func ipv6LiteralsAreParsedAndSerializedCompressed() throws {
        #expect(try href("https://[2001:DB8:0:0:0:0:0:1]:8443/a") == "https://[2001:db8::1]:8443/a")
        #expect(try href("http://[::ffff:1.2.3.4]/") == "http://[::ffff:102:304]/")
        #expect(try href("http://[1:0::]/") == "http://[1::]/")
        #expect(try HTTPURL("http://[::1]/").host == .ipv6(1))
        #expect(refusal("http://[::1/") == .invalidIPv6("[::1"))
        #expect(refusal("http://[1::2::3]/") == .invalidIPv6("[1::2::3]"))
        #expect(refusal("http://[１::]/") == .invalidIPv6("[１::]"))
    }

    @Test func aTrailingDotIsKept() throws {
        #expect(try href("https://example.com./a") == "https://example.com./a")
    }

    @Test(arguments: [
        ("https://-example.com/", "-example.com"), ("https://example-.com/", "example-.com"),
        ("https://xn--/", "xn--"), ("https://xn--zz.com/", "xn--zz.com"), ("https://a..b/", "a..b"),
        ("https://a!b.com/", "a!b.com"), ("https://💩.la/", "💩.la"),
        ("https://" + String(repeating: "a", count: 64) + ".com/", String(repeating: "a", count: 64) + ".com"),
    ])
    func invalidHostNamesAreRefusedNamingTheHost(url: String, host: String) {
        guard case .invalidHost(let named, let why)? = refusal(url) else {
            Issue.record("\(url) was not refused as an invalid host: \(String(describing: refusal(url)))")
            return
        }
        #expect(named == host)
        #expect(!why.isEmpty)
    }

    @Test func controlAndInvisibleCharactersAreRefused() {
        #expect(refusal("https://example.com/a\u{85}b") == .control("\u{85}"))
        #expect(refusal("https://example.com/\u{202E}fdp.exe") == .control("\u{202E}"))
        #expect(refusal("https://example.com/a\u{7F}") == .control("\u{7F}"))
        #expect(refusal("https://exa\u{0}mple.com/") == .control("\u{0}"))
        #expect(refusal("https://example.com/a\u{200D}b") == .control("\u{200D}"))
        #expect(refusal("https://example.com/?q=\u{200C}") == .control("\u{200C}"))
    }

    /// Joiners stand in a host only where IDNA's ContextJ rule lets a script use them.
    @Test func joinersInAHostAreJudgedByIDNA() throws {
        #expect(try HTTPURL("https://نامه\u{200C}ای.example/").host == .domain("xn--mgba3gch31f060k.example"))
        #expect(try HTTPURL("https://نامه\u{200C}ای.example/").host.display == "xn--mgba3gch31f060k.example")
        guard case .invalidHost? = refusal("https://a\u{200C}b.example/") else {
            Issue.record("a joiner between Latin letters was accepted")
            return
        }
    }

    @Test func userInformationAndOtherSchemesAreRefused() {
        #expect(refusal("https://user:pw@example.com/") == .credentials)
        #expect(refusal("https://:@example.com/") == .credentials)
        #expect(refusal("ftp://example.com/") == .unsupportedScheme("ftp"))
        #expect(refusal("javascript:alert(1)") == .unsupportedScheme("javascript"))
        #expect(refusal("example.com/a") == .noScheme)
        #expect(refusal("https://example.com:65536/") == .invalidPort("65536"))
        #expect(refusal("https://") == .missingHost)
        #expect(refusal("https://?q") == .missingHost)
    }

    @Test func theStandardsRepairsAreApplied() throws {
        #expect(try href("  HTTPS://Example.COM:443\\a\\..\\b c?q=\"x\"#y z\n") == "https://example.com/b%20c?q=%22x%22#y%20z")
        #expect(try href("http://example.com/%7e/a/./b/%2e%2E/c") == "http://example.com/%7e/a/c")
        #expect(try href("http://exa\tmple.com/") == "http://example.com/")
        #expect(try href("https:example.com") == "https://example.com/")
        #expect(try href("http://example.com:0080/") == "http://example.com/")
    }

    @Test func relativeReferencesResolveAgainstTheBase() throws {
        let base = "https://mp.weixin.qq.com/s/abc/def?x=1#f"
        #expect(try href("../x", base: base) == "https://mp.weixin.qq.com/s/x")
        #expect(try href("//m.example.com/p", base: base) == "https://m.example.com/p")
        #expect(try href("?y=2", base: base) == "https://mp.weixin.qq.com/s/abc/def?y=2")
        #expect(try href("#top", base: base) == "https://mp.weixin.qq.com/s/abc/def?x=1#top")
        #expect(try href("", base: base) == "https://mp.weixin.qq.com/s/abc/def?x=1")
        #expect(try href("/root", base: base) == "https://mp.weixin.qq.com/root")
        #expect(try href("http:other", base: base) == "http://other/")
    }

    @Test func explainedParsingSaysWhatChanged() throws {
        let (url, notes) = try HTTPURL.parseExplained("HTTP://Example.COM:80/a/../b")
        #expect(url.href == "http://example.com/b")
        #expect(notes.contains("scheme lowercased"))
        #expect(notes.contains("host lowercased"))
        #expect(notes.contains("default port 80 removed"))
        #expect(notes.contains("dot segments removed: /a/../b → /b"))
        #expect(try HTTPURL.parseExplained("https://example.com/a").notes.isEmpty)
    }

    /// SECURITY.md 3: a label mixing scripts (Cyrillic `а` in `аpple`) stays in punycode for people.
    @Test func onlyLabelsInOurReadersScriptsAreShownInUnicode() throws {
        #expect(try HTTPURL("https://аpple.com/").host.display == "xn--pple-43d.com")
        #expect(try HTTPURL("https://www.例子.中国/").host.display == "www.例子.中国")
        #expect(try HTTPURL("https://qq音乐.com/").host.display == "qq音乐.com")
        #expect(try HTTPURL("https://faß.de/").host.display == "xn--fa-hia.de")
    }

    @Test func queryItemsDecodeFormEncoding() throws {
        let url = try HTTPURL("https://mp.weixin.qq.com/s?__biz=MzA%3D%3D&mid=1&t=a+b&empty")
        #expect(url.queryItems.map(\.name) == ["__biz", "mid", "t", "empty"])
        #expect(url.queryItems.map(\.value) == ["MzA==", "1", "a b", ""])
    }
}

@Suite struct RegistrableDomainTests {
    private func site(_ url: String) throws -> String { RegistrableDomain.of(try HTTPURL(url).host) }

    @Test func privateSuffixesAreSitesOfTheirOwn() throws {
        #expect(try site("https://alice.github.io/scam") == "alice.github.io")
        #expect(try site("https://bob.github.io/post") == "bob.github.io")
        #expect(try site("https://x.blogspot.com/") == "x.blogspot.com")
    }

    @Test func ordinaryDomainsShareTheirRegistrablePart() throws {
        #expect(try site("https://a.example.com/") == "example.com")
        #expect(try site("https://news.sina.com.cn/") == "sina.com.cn")
        #expect(try site("https://www.bbc.co.uk/") == "bbc.co.uk")
        #expect(try site("https://www.例子.中国/") == "xn--fsqu00a.xn--fiqs8s")
        #expect(try site("https://example.com./") == "example.com")
    }

    @Test func addressesAndSingleLabelsAreTheirOwnSite() throws {
        #expect(try site("http://127.0.0.1:8080/") == "127.0.0.1")
        #expect(try site("http://[2001:db8::1]/") == "[2001:db8::1]")
        #expect(try site("http://localhost/") == "localhost")
    }
}

@Suite struct URLConformanceTests {
    /// The WPT suite: on every http/https case we either give the Standard's answer, or refuse where one of the
    /// deliberate differences listed on `HTTPURL` applies. Never a different URL, never an accepted refusal.
    @Test(.enabled(if: URLTestData.path != nil, Comment(rawValue: URLTestData.skipMessage)))
    func agreesWithTheStandardExceptWhereItRefusesOnPurpose() throws {
        let suite = try URLConformance(contentsOf: try #require(URLTestData.path))
        let results = suite.run()
        #expect(results.count > 300)
        for result in results {
            switch result.outcome {
            case .sameURL, .bothRefuse: continue
            case .weRefuse:
                let deliberate = ["user name or password", "control or invisible", "host name cannot hold",
                                  "international domain label", "empty label", "starts or ends with a hyphen",
                                  "only http and https"]
                #expect(deliberate.contains { result.ours.contains($0) },
                        "\(result.testCase.input): refused for a reason that is no deliberate difference: \(result.ours)")
            case .weAccept, .different:
                Issue.record("\(result.testCase.input) (base \(result.testCase.base ?? "none")): ours \(result.ours), Standard \(result.testCase.expected ?? "refuses")")
            }
        }
    }
}
