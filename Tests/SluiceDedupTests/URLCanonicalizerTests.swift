import Foundation
import SluiceCore
import SluiceDedup
import Testing

@Suite struct RFC3986NormalizationTests {
    @Test(arguments: [
        ("HTTPS://WWW.Example.COM/a", "https://www.example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com:/a", "https://example.com/a"),
        ("https://example.com:08443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/%7Euser/%e4%b8%ad", "https://example.com/~user/%E4%B8%AD"),
        ("https://example.com/中文/a b", "https://example.com/%E4%B8%AD%E6%96%87/a%20b"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/../../a", "https://example.com/a"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?&&", "https://example.com/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a#", "https://example.com/a"),
        ("https://example.com/app#/item/42", "https://example.com/app#/item/42"),
        ("https://example.com/app#!/item/42", "https://example.com/app#!/item/42"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a \n", "https://example.com/a"),
        ("https://中文.com/", "https://xn--fiq228c.com/"),
        ("https://中文。ＣＯＭ/", "https://xn--fiq228c.com/"),
        ("https://例子｡测试/", "https://xn--fsqu00a.xn--0zwm56d/"),
        ("http://0x7f.1/", "https://127.0.0.1/"),
        ("https://example.com\\a\\..\\b", "https://example.com/b"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("http://203.0.113.7:80/a", "https://203.0.113.7/a"),
        ("https://example.com/a?z=1&b=2&a=3", "https://example.com/a?a=3&b=2&z=1"),
        ("https://example.com/a?q=%e4%b8%ad%2D", "https://example.com/a?q=%E4%B8%AD-"),
        ("https://example.com/a?b=1&utm_source=wx&UTM_Medium=x&fbclid=abc&spm=a.b.c", "https://example.com/a?b=1"),
    ])
    func normalizes(input: String, expected: String) throws {
        #expect(try RulesFixture.key(input) == expected)
    }

    @Test func recordsEachStepInWords() throws {
        let key = try RulesFixture.canonicalizer().canonicalize("HTTP://Example.COM:80/a/../b?utm_source=x#top")
        #expect(key.value == "https://example.com/b")
        #expect(key.steps.contains("scheme lowercased"))
        #expect(key.steps.contains("http folded into https"))
        #expect(key.steps.contains("host lowercased"))
        #expect(key.steps.contains("default port 80 removed"))
        #expect(key.steps.contains("dot segments removed: /a/../b → /b"))
        #expect(key.steps.contains("tracking parameters removed: utm_source"))
        #expect(key.steps.contains("fragment removed"))
        #expect(try key.rulesVersion == RulesFixture.canonicalizer().rulesVersion)
    }

    @Test func keepsHTTPApartWhenTheRulesSaySo() throws {
        let strict = URLCanonicalizer(rules: URLRules(version: "t", foldHTTPToHTTPS: false))
        #expect(try strict.canonicalize("http://example.com:80/").value == "http://example.com/")
        #expect(try strict.canonicalize("https://example.com/").value == "https://example.com/")
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("ftp://example.com/file", "only http and https links are accepted, not ftp:"),
        ("javascript:alert(1)", "only http and https links are accepted, not javascript:"),
        ("https://user:secret@example.com/a", "it carries a user name or password"),
        ("https://example.com:99999/", "the port \"99999\" is not a number from 0 to 65535"),
        ("https://example.com:8o/", "the port \"8o\" is not a number from 0 to 65535"),
        ("https://", "it has no host"),
        ("https://exa mple.com/", "the host \"exa mple.com\" is not valid: it contains U+0020, which a host cannot hold"),
        ("https://a..b/", "the host \"a..b\" is not valid: it has an empty label"),
        ("https://example.com/a\u{7}b", "it contains the control or invisible character U+0007"),
        ("just words", "it has no scheme (expected http:// or https://)"),
        ("example.com/a", "it has no scheme (expected http:// or https://)"),
        ("http://1.2.3.4.5/", "the numeric host \"1.2.3.4.5\" is not a valid IPv4 address"),
        ("http://foo.1.2.3.4/", "the numeric host \"foo.1.2.3.4\" is not a valid IPv4 address"),
        ("http://256.1.1.1/", "the numeric host \"256.1.1.1\" is not a valid IPv4 address"),
    ])
    func refusesWithTheURLAndTheReason(input: String, reason: String) throws {
        let canonicalizer = try RulesFixture.canonicalizer()
        #expect(throws: DedupError.invalidURL(input, reason)) { try canonicalizer.canonicalize(input) }
    }

    /// The canonicalizer reads URLs with the one parser: what intake stores always gets a key, and what the parser
    /// refuses never does.
    @Test(arguments: ["http://foo.1.2.3.4/", "https://例子。测试/", "https://中国．公司/", "https://例子｡测试/",
                      "https://example.com./a", "https://-example.com/", "https://example-.com/", "https://xn--/",
                      "https://xn--zz/", "https://example.com/a\u{85}", "http://[2001:db8::1]/", "http://１２７.０.０.１/"])
    func acceptsExactlyWhatTheParserAccepts(url: String) throws {
        let parsed = try? HTTPURL(url)
        let key = try? RulesFixture.canonicalizer().canonicalize(url)
        #expect((parsed == nil) == (key == nil), "\(url): parser \(parsed?.href ?? "refuses"), key \(key?.value ?? "none")")
    }

    @Test func errorMessageNamesTheURL() {
        let error = DedupError.invalidURL("ftp://x", "the scheme ftp is not http or https")
        #expect(error.description == "invalid URL \"ftp://x\": the scheme ftp is not http or https")
    }
}

@Suite struct SiteRuleTests {
    /// Real-looking links from each platform, with the key each must become.
    static let platformLinks: [(String, String)] = [
        // WeChat: both link forms; only the article identity survives.
        ("https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650&idx=1&sn=4b5e1c&chksm=8723a&scene=21&sessionid=17#wechat_redirect",
         "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&idx=1&mid=2650&sn=4b5e1c"),
        ("http://mp.weixin.qq.com/s/Xy3ZbQ9pLm2KAa_7uVvWcQ?from=timeline&isappinstalled=0",
         "https://mp.weixin.qq.com/s/Xy3ZbQ9pLm2KAa_7uVvWcQ"),
        // Taobao and Tmall keep the item id only.
        ("https://item.taobao.com/item.htm?spm=a21n57.1.0.0&id=712345678901&ns=1&abbucket=3#detail",
         "https://item.taobao.com/item.htm?id=712345678901"),
        ("https://h5.m.taobao.com/awp/core/detail.htm?id=712345678901&ut_sk=1.abc",
         "https://item.taobao.com/item.htm?id=712345678901"),
        ("https://detail.tmall.com/item.htm?id=623456789012&skuId=500&ali_refid=a3_430&spm=a230r.1.14.1",
         "https://detail.tmall.com/item.htm?id=623456789012"),
        ("https://detail.m.tmall.com/item.htm?id=623456789012", "https://detail.tmall.com/item.htm?id=623456789012"),
        // Bilibili keeps the part number; mobile and bare hosts fold into www.
        ("https://www.bilibili.com/video/BV1GJ411x7h7/?spm_id_from=333.337.search-card.all.click&vd_source=9a8b7c",
         "https://www.bilibili.com/video/BV1GJ411x7h7"),
        ("https://m.bilibili.com/video/BV1GJ411x7h7?p=2&share_source=copy_web",
         "https://www.bilibili.com/video/BV1GJ411x7h7?p=2"),
        ("https://b23.tv/aBc12De?share_medium=android&share_source=weixin&bbid=XY12&ts=1700000000",
         "https://b23.tv/aBc12De"),
        // Zhihu question, answer and column.
        ("https://www.zhihu.com/question/30123456/answer/2987654321?utm_psn=1712345&utm_source=wechat_session",
         "https://www.zhihu.com/question/30123456/answer/2987654321"),
        ("https://zhihu.com/question/30123456/", "https://www.zhihu.com/question/30123456"),
        ("https://zhuanlan.zhihu.com/p/654321098/?share_code=1a2b3c&utm_medium=social",
         "https://zhuanlan.zhihu.com/p/654321098"),
        // Xiaohongshu: both note paths meet; the token that follows the reader goes.
        ("https://www.xiaohongshu.com/explore/6543a1b2000000001f03c4d5?xsec_token=ABxyz&xsec_source=pc_feed",
         "https://www.xiaohongshu.com/explore/6543a1b2000000001f03c4d5"),
        ("https://www.xiaohongshu.com/discovery/item/6543a1b2000000001f03c4d5?app_platform=ios&share_from_user_hidden=true",
         "https://www.xiaohongshu.com/explore/6543a1b2000000001f03c4d5"),
        ("http://xhslink.com/a/Qx9zT2bN1kE1?xhsshare=WeixinSession", "https://xhslink.com/a/Qx9zT2bN1kE1"),
        // Douyin: share page and video page meet.
        ("https://www.iesdouyin.com/share/video/7301234567890123456/?region=CN&mid=730&u_code=0&did=123",
         "https://www.douyin.com/video/7301234567890123456"),
        ("https://www.douyin.com/video/7301234567890123456?modeFrom=userPost&secUid=MS4wLj",
         "https://www.douyin.com/video/7301234567890123456"),
        ("https://v.douyin.com/iRNBho6u/", "https://v.douyin.com/iRNBho6u/"),
        // 36kr article and its mobile mirror.
        ("https://m.36kr.com/p/2512345678901234?channel=wechat", "https://36kr.com/p/2512345678901234"),
        ("https://www.36kr.com/p/2512345678901234/", "https://36kr.com/p/2512345678901234"),
        // Weibo: desktop status, mobile status and detail, short link.
        ("https://weibo.com/1618051664/Oe6wIynDn?refer_flag=1001030103_&type=comment#_rnd1716",
         "https://weibo.com/1618051664/Oe6wIynDn"),
        ("https://m.weibo.cn/detail/5034567890123456?sourceType=weixin&wm=9006_2001", "https://m.weibo.cn/status/5034567890123456"),
        ("http://t.cn/A6Hx1bQz?m=4987&u=1618", "https://t.cn/A6Hx1bQz"),
        // YouTube and Spotify share links carry a sharer id of their own.
        ("https://youtu.be/dQw4w9WgXcQ?si=Ab12Cd34&t=3", "https://youtu.be/dQw4w9WgXcQ?t=3"),
        ("https://open.spotify.com/episode/7makk4oTQel546B0PZlDM5?si=9f8e", "https://open.spotify.com/episode/7makk4oTQel546B0PZlDM5"),
        // Pinduoduo goods pages.
        ("https://mobile.yangkeduo.com/goods.html?goods_id=412345678901&page_from=23&share_uin=ABCD&refer_share_id=9",
         "https://mobile.yangkeduo.com/goods.html?goods_id=412345678901"),
        ("https://mobile.pinduoduo.com/goods2.html?goods_id=412345678901&_wv=41729",
         "https://mobile.yangkeduo.com/goods.html?goods_id=412345678901"),
    ]

    @Test(arguments: platformLinks)
    func keepsOnlyWhatIdentifiesTheItem(input: String, expected: String) throws {
        #expect(try RulesFixture.key(input) == expected)
    }

    @Test func everySiteRuleIsExercisedByAPlatformLink() throws {
        var applied = Set<String>()
        for (link, _) in Self.platformLinks {
            let key = try RulesFixture.canonicalizer().canonicalize(link)
            let sites = try RulesFixture.canonicalizer().rules.sites
            for rule in sites where key.steps.contains(where: { $0.contains("site rule \(rule.name)") }) {
                applied.insert(rule.name)
            }
            let shortLinkRule = sites.first { $0.shortLink && $0.hosts.contains { link.contains("//\($0)/") } }
            if key.isShortLink, let shortLinkRule { applied.insert(shortLinkRule.name) }
        }
        let names = try Set(RulesFixture.canonicalizer().rules.sites.map(\.name))
        #expect(applied == names, "never applied: \(names.subtracting(applied).sorted())")
    }

    @Test func everyTrackingParameterIsRemoved() throws {
        for pattern in try RulesFixture.canonicalizer().rules.trackingParameters {
            let name = pattern.replacingOccurrences(of: "*", with: "campaign")
            let key = try RulesFixture.key("https://news.example.com/a/1?id=7&\(name)=abc")
            #expect(key == "https://news.example.com/a/1?id=7", "\(name)")
        }
    }

    @Test func shortLinksAreMarked() throws {
        for url in ["https://b23.tv/aBc12De", "https://xhslink.com/a/Qx9z", "https://v.douyin.com/iRNBho6u/",
                    "https://t.cn/A6Hx1bQz"] {
            #expect(try RulesFixture.canonicalizer().canonicalize(url).isShortLink, "\(url)")
        }
        #expect(try !RulesFixture.canonicalizer().canonicalize("https://www.bilibili.com/video/BV1").isShortLink)
    }

    @Test func siteRuleStepNamesTheRuleAndWhatItRemoved() throws {
        let key = try RulesFixture.canonicalizer().canonicalize(
            "https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1&sn=ab&chksm=cd&scene=21")
        #expect(key.steps.contains("site rule wechat-article keeps __biz, mid, idx, sn: removed chksm, scene"))
    }

    @Test func otherPathsOnARuleHostKeepTheirParameters() throws {
        #expect(try RulesFixture.key("https://www.bilibili.com/read/cv123?keep=1") == "https://www.bilibili.com/read/cv123?keep=1")
        #expect(try RulesFixture.key("https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA=")
                == "https://mp.weixin.qq.com/mp/profile_ext?__biz=MzA=&action=home")
    }
}

@Suite struct IdentityKeyTests {
    @Test func weChatLinkFormsMeetThroughTheIdentity() throws {
        let identity = WeChatIdentity(biz: "MzA3MDM3NjE5NQ==", mid: "2650", idx: "1", sn: "4b5e1c")
        let fromIdentity = try RulesFixture.canonicalizer().weChatKey(identity)
        let longForm = try RulesFixture.key("https://mp.weixin.qq.com/s?sn=4b5e1c&idx=1&mid=2650&__biz=MzA3MDM3NjE5NQ%3D%3D&scene=1")
        #expect(fromIdentity.value == longForm)
        let shortFormKeys = try RulesFixture.canonicalizer().identityKeys(
            submitted: "https://mp.weixin.qq.com/s/Xy3ZbQ9pLm2KAa_7uVvWcQ", weChat: identity)
        #expect(shortFormKeys.map(\.value).contains(longForm))
    }

    @Test func shortLinkMeetsItsTargetThroughTheRedirectChain() throws {
        let keys = try RulesFixture.canonicalizer().identityKeys(
            submitted: "https://b23.tv/aBc12De?share_source=weixin",
            redirectChain: ["https://b23.tv/aBc12De?share_source=weixin",
                            "https://m.bilibili.com/video/BV1GJ411x7h7?p=1&share_medium=android"])
        #expect(keys.map(\.value) == ["https://b23.tv/aBc12De", "https://www.bilibili.com/video/BV1GJ411x7h7?p=1"])
        let direct = try RulesFixture.key("https://www.bilibili.com/video/BV1GJ411x7h7/?p=1&vd_source=ff")
        #expect(keys.map(\.value).contains(direct))
    }

    /// A page may only vouch for URLs of its own registrable domain (Public Suffix List, private section included):
    /// a scam on `alice.github.io` declaring `bob.github.io/post` canonical must not join bob's story.
    @Test(arguments: [
        ("https://a.example.com/post/1", "https://b.example.com/post/1", true),
        ("https://www.example.com/p", "https://example.com/p", true),
        ("https://alice.github.io/scam", "https://bob.github.io/post", false),
        ("https://x.blogspot.com/2026/11/a.html", "https://y.blogspot.com/2026/11/a.html", false),
        ("https://bar.com/copy", "https://foo.com/original", false),
        ("https://news.sina.com.cn/a", "https://finance.sina.com.cn/a", true),
        ("https://evil-sina.com.cn/a", "https://finance.sina.com.cn/a", false),
    ])
    func aDeclarationJoinsOnlyWithinOneRegistrableDomain(page: String, declared: String, joins: Bool) throws {
        let canonicalizer = try RulesFixture.canonicalizer()
        let keys = canonicalizer.identityKeys(submitted: page, declared: [declared]).map(\.value)
        #expect(keys.contains(try canonicalizer.canonicalize(declared).value) == joins, "\(page) declaring \(declared)")
    }

    @Test func theRedirectChainStillJoinsAcrossSites() throws {
        let keys = try RulesFixture.canonicalizer().identityKeys(
            submitted: "https://alice.github.io/go", redirectChain: ["https://alice.github.io/go", "https://bob.github.io/post"])
        #expect(keys.map(\.value) == ["https://alice.github.io/go", "https://bob.github.io/post"])
    }

    @Test func declaredURLsCountOnlyOnTheSameSite() throws {
        let keys = try RulesFixture.canonicalizer().identityKeys(
            submitted: "https://www.sohu.com/a/780060546_458722?spm=smpc",
            declared: ["https://m.sohu.com/a/780060546_458722", "https://evil.example.com/a/1", "not a url"])
        #expect(keys.map(\.value) == ["https://www.sohu.com/a/780060546_458722", "https://m.sohu.com/a/780060546_458722"])
    }
}

@Suite struct IdempotenceTests {
    /// Seeded so a failure is reproducible; the generator mixes every feature the canonicalizer touches.
    @Test func canonicalizingAKeyChangesNothing() throws {
        let canonicalizer = try RulesFixture.canonicalizer()
        var random = SeededRandom(seed: 0x5EED_D00D)
        let hosts = ["Example.COM", "mp.weixin.qq.com", "item.taobao.com", "h5.m.taobao.com", "m.bilibili.com",
                     "b23.tv", "zhihu.com", "www.xiaohongshu.com", "www.iesdouyin.com", "m.36kr.com", "m.weibo.cn",
                     "t.cn", "mobile.pinduoduo.com", "中文.com", "xn--fiq228c.COM", "[::1]", "news.163.com."]
        let segments = ["a", ".", "..", "%7e", "%2F", "中", "s", "p", "video", "explore", "discovery", "item",
                        "share", "detail", "goods2.html", "item.htm", "", "100%", "a b", "%e4%b8%ad", "x~y"]
        let names = ["id", "utm_source", "spm", "__biz", "mid", "idx", "sn", "p", "goods_id", "Q", "a%5Fb", "x"]
        let values = ["1", "", "%e4", "a=b", "中文", "%2B", "v+w", "%"]
        let fragments = ["", "top", "/route/1", "!/x", "%7E"]
        var checked = 0
        for _ in 0..<3000 {
            var url = random.pick(["http://", "HTTPS://", "https://", "https:\\\\", "http:/"]) + random.pick(hosts)
            if random.chance(0.2) { url += random.pick([":80", ":443", ":8080", ":"]) }
            for _ in 0..<random.below(5) { url += "/" + random.pick(segments) }
            if random.chance(0.7) {
                url += "?" + (0..<random.below(5)).map { _ in
                    random.pick(names) + (random.chance(0.8) ? "=" + random.pick(values) : "")
                }.joined(separator: "&")
            }
            if random.chance(0.3) { url += "#" + random.pick(fragments) }
            guard let first = try? canonicalizer.canonicalize(url) else { continue }
            let second = try canonicalizer.canonicalize(first.value)
            #expect(second.value == first.value, "\(url)")
            #expect(second.steps.isEmpty, "\(url) → \(first.value): \(second.steps)")
            checked += 1
        }
        #expect(checked > 2000)
    }
}

/// SplitMix64: a tiny reproducible generator for property tests.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ probability: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < probability }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
