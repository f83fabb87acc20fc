import Foundation
import Testing
import SluiceCore
import SluiceFetch
import SluiceTestSupport

@Suite struct BlockedPageTests {
    static let rulesPath = SharedCorpus.packageRoot.appendingPathComponent("pipelines/blocked-pages.json").path

    /// What each hand-made sample page is; pages not listed are real content.
    static let expected: [String: ProblemCode] = [
        "wechat-captcha.html": .captcha,
        "wechat-deleted.html": .deleted,
        "zhihu-40352.html": .captcha,
        "cloudflare-challenge.html": .captcha,
        "xhs-login.html": .loginWall,
        "douyin-shell.html": .jsShell,
        "sohu-soft404.html": .soft404,
    ]

    @Test func samplePagesAreRecognised() throws {
        let detector = try BlockedPageDetector.load(path: Self.rulesPath)
        let archive = try ArchiveSamplesTests.archive()
        var contentPages = 0
        for entry in try ArchiveSamplesTests.manifest().responses {
            guard let file = entry.file, file.hasSuffix(".html"), let capture = archive.capture(for: entry.url) else { continue }
            let text = CharsetDecoder.decode(capture.body, contentType: capture.contentType).text
            let found = detector.match(url: capture.finalURL, status: capture.status, text: text)
            #expect(found?.outcome == Self.expected[file], "\(file): \(found.map { "\($0.rule) \($0.evidence)" } ?? "content")")
            if Self.expected[file] == nil { contentPages += 1 }
        }
        #expect(contentPages >= 10)
    }

    @Test func matchNamesTheRuleAndEvidence() throws {
        let detector = try BlockedPageDetector.load(path: Self.rulesPath)
        let page = "<html><body><h2>环境异常</h2><p>完成验证后即可继续访问</p></body></html>"
        let found = try #require(detector.match(url: "https://mp.weixin.qq.com/s/abc", status: 200, text: page))
        #expect(found.rule == "wechat-environment-abnormal")
        #expect(found.rulesVersion == detector.rules.version)
        #expect(found.evidence.contains("环境异常"))
        #expect(detector.detect(url: "https://mp.weixin.qq.com.evil.example/s/abc", status: 200, text: page) == nil)
    }

    @Test func articlesQuotingANoticeAreContent() throws {
        let detector = try BlockedPageDetector.load(path: Self.rulesPath)
        let paragraph = "<p>很多人打开公众号文章时会看到“环境异常，完成验证后即可继续访问”，或者“该内容已被发布者删除”。"
            + "这篇文章讲清楚这些提示出现的原因，以及作为读者可以怎么保存自己想看的内容，例如收藏、截图和记录原文链接。</p>"
        let article = "<html><head><title>页面不存在？公众号文章打不开的几种情况</title><script>var a = 1;</script></head><body>"
            + String(repeating: paragraph, count: 4) + "</body></html>"
        #expect(detector.match(url: "https://mp.weixin.qq.com/s/real", status: 200, text: article) == nil)
        let shortButScripted = "<html><body><script src=a.js></script><p>" + String(repeating: "有内容的段落。", count: 10)
            + "</p></body></html>"
        #expect(detector.detect(url: "https://example.com/", status: 200, text: shortButScripted) == nil)
    }

    @Test func aStrayQuoteInATagDoesNotHideThePage() throws {
        let detector = try BlockedPageDetector.load(path: Self.rulesPath)
        let article = "<html><head><script src=a.js></script><meta property=\"og:title\" content=\"\"It's a title\">"
            + "<meta name=a content='x'></head><body><p>" + String(repeating: "Selling used books on weekends. ", count: 8)
            + "</p><p title=\"quoted\">More of the text</p></body></html>"
        #expect(detector.detect(url: "https://example.com/post", status: 200, text: article) == nil,
                "a quote after an empty value is part of an attribute name, not the start of a value")
        let shell = "<html><head><meta content=\"\"quoted'\"><script src=app.js></script></head><body><div id=app></div></body></html>"
        #expect(detector.detect(url: "https://example.com/app", status: 200, text: shell) == .jsShell)
    }

    @Test func softNotFoundNeedsStatus200() throws {
        let detector = try BlockedPageDetector.load(path: Self.rulesPath)
        let page = "<html><head><title>404 - 页面不存在</title></head><body><p>你访问的页面不存在</p></body></html>"
        #expect(detector.detect(url: "https://www.36kr.com/p/1", status: 200, text: page) == .soft404)
        #expect(detector.detect(url: "https://www.36kr.com/p/1", status: 404, text: page) == nil)
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func realCorpusPagesAreContent() throws {
        let corpus = try #require(SharedCorpus.directory)
        let detector = try BlockedPageDetector.load(path: Self.rulesPath)
        var checked = 0
        for set in ["magic-html-zh", "chinese-web-content-extraction", "newspaper4k-tests", "goose3-tests", "mozilla-readability"] {
            let directory = corpus.appendingPathComponent(set)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".html") {
                let body = try Data(contentsOf: directory.appendingPathComponent(name))
                let text = CharsetDecoder.decode(body, contentType: nil).text
                let found = detector.match(url: "https://corpus.invalid/\(name)", status: 200, text: text)
                // Readability's synthetic test pages are tiny on purpose; only real pages must pass.
                if found?.outcome == .jsShell && body.count < 5_000 { continue }
                #expect(found == nil, "\(set)/\(name): \(found.map { "\($0.rule) \($0.evidence)" } ?? "")")
                checked += 1
            }
        }
        #expect(checked > 80)
    }
}

@Suite struct BlockedPageRulesTests {
    func write(_ json: String) throws -> (ScratchDirectory, String) {
        let scratch = try ScratchDirectory()
        let path = scratch.path("rules.json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return (scratch, path)
    }

    @Test func shippedRulesLoad() throws {
        let rules = try BlockedPageRules.load(path: BlockedPageTests.rulesPath)
        #expect(!rules.version.isEmpty)
        #expect(Set(rules.rules.map(\.outcome)) == BlockedPageRules.outcomes)
    }

    @Test func unknownKeyIsNamed() throws {
        let (scratch, path) = try write("""
            {"version": "1", "rules": [{"id": "a", "outcome": "captcha", "anyText": ["x"], "maxVisibleChars": 10}]}
            """)
        let error = try #require(throws: ConfigurationError.self) { try BlockedPageRules.load(path: path) }
        #expect(error.key == "rules[0].maxVisibleChars")
        #expect(error.file == path)
        _ = scratch
    }

    @Test func outcomeOutsideTheBlockedKindsIsRefused() throws {
        let (scratch, path) = try write("""
            {"version": "1", "rules": [{"id": "a", "outcome": "timeout", "anyText": ["x"]}]}
            """)
        let error = try #require(throws: ConfigurationError.self) { try BlockedPageRules.load(path: path) }
        #expect(error.key == "rules[0].outcome")
        _ = scratch
    }

    @Test func ruleWithoutConditionsOrWithRepeatedIdIsRefused() throws {
        let (scratch, path) = try write("""
            {"version": "1", "rules": [{"id": "a", "outcome": "captcha", "maxVisibleCharacters": 10}]}
            """)
        let empty = try #require(throws: ConfigurationError.self) { try BlockedPageRules.load(path: path) }
        #expect(empty.reason.contains("every page"))
        try Data("""
            {"version": "1", "rules": [{"id": "a", "outcome": "captcha", "anyText": ["x"]},
                                       {"id": "a", "outcome": "deleted", "anyText": ["y"]}]}
            """.utf8).write(to: URL(fileURLWithPath: path))
        let repeated = try #require(throws: ConfigurationError.self) { try BlockedPageRules.load(path: path) }
        #expect(repeated.key == "rules[1].id")
        _ = scratch
    }
}
