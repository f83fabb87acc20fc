import Foundation
import SluiceCore
import SluiceParse
import Testing

/// Each field on a page where it is present and on one where it is missing.
@Suite struct FieldExtractionTests {
    let extractor = Extractor()
    static let prose = "<p>这是一段关于副业赚钱的正文内容，作者详细介绍了自己的经验。第二句话继续说明细节，包括投入和收益！"
        + "第三句话提醒读者注意风险，不要相信日入过万的宣传？</p><p>第二段同样是正文，讲述了具体的操作步骤，以及常见的问题和解决办法。</p>"

    func page(head: String = "", body: String = prose, url: String? = "https://example.com/post/1") throws -> Page {
        try extractor.extract(html: "<html><head>\(head)</head><body>\(body)</body></html>", baseURL: url)
    }

    @Test func titlePrefersOpenGraphAndStripsCJKSiteSuffix() throws {
        let found = try page(head: "<title>标题原文 - 知乎</title><meta property=\"og:title\" content=\"副业标题_网易订阅\">")
        #expect(found.title == "副业标题")
    }

    @Test func headTitleLosesSiteSuffixAndIgnoresDecoys() throws {
        let body = "<noscript><title>decoy one</title></noscript><template><title>decoy two</title></template>"
            + "<textarea><title>decoy three</title></textarea>" + Self.prose
        let found = try page(head: "<title>月入三万的真相 | 36氪</title>", body: body)
        #expect(found.title == "月入三万的真相")
    }

    @Test(arguments: [
        ("<title>如何开始做副业 - 知乎</title>", "如何开始做副业"),
        ("<title>月入三万的真相_财经频道_新浪网</title>", "月入三万的真相"),
        ("<title>知乎 - 如何开始做副业</title><meta property=\"og:site_name\" content=\"知乎\">", "如何开始做副业"),
        ("<title>Terrariums | eHow</title>", "Terrariums | eHow"),
        ("<title>Five habits of careful side hustlers - The Example Times</title>", "Five habits of careful side hustlers"),
    ])
    func headTitleSiteNameRules(head: String, expected: String) throws {
        #expect(try page(head: head).title == expected)
    }

    @Test func aHeadTitleCutShortIsCompletedFromTheBody() throws {
        let weibo = try page(head: "<title>【闲鱼卖二手书三个月... - @副业日报的微博 - 微博</title>",
                             body: "<div><p>【闲鱼卖二手书三个月，净赚两千七】这是正文，讲选品和定价的细节，还有售后的经验。</p></div>")
        #expect(weibo.title == "闲鱼卖二手书三个月，净赚两千七")
        // The start of the cut title inside a sentence is not a headline: the cut title stays.
        let inside = try page(head: "<title>【闲鱼卖二手书三个月... - 微博</title>",
                              body: "<p>我想说闲鱼卖二手书三个月的经验，正文写得很长很长很长。</p>")
        #expect(inside.title == "【闲鱼卖二手书三个月...")
    }

    @Test func titleFallsBackToHeading() throws {
        #expect(try page(body: "<h1>只有一级标题</h1>" + Self.prose).title == "只有一级标题")
    }

    @Test func titleMissing() throws {
        #expect(try page().title == nil)
    }

    @Test func descriptionFromMetaOrLeadingSentences() throws {
        let declared = try page(head: "<meta name=\"description\" content=\"  摘要\n文字 \">")
        #expect(declared.description == "摘要 文字")
        let derived = try page()
        let description = try #require(derived.description)
        #expect(description.hasPrefix("这是一段关于副业赚钱的正文内容"))
        #expect(description.count <= 161)
        #expect(try page(body: "<div></div>").description == nil)
    }

    @Test func canonicalURLResolvedAgainstBase() throws {
        let found = try page(head: "<link rel=\"canonical\" href=\"/a/b?x=1\">")
        #expect(found.canonicalURL == "https://example.com/a/b?x=1")
        let fromOpenGraph = try page(head: "<meta property=\"og:url\" content=\"https://m.example.com/p\">")
        #expect(fromOpenGraph.canonicalURL == "https://m.example.com/p")
        #expect(try page(head: "<link rel=\"canonical\" href=\"javascript:alert(1)\">").canonicalURL == nil)
        #expect(try page().canonicalURL == nil)
    }

    @Test func siteNameAndAuthor() throws {
        let found = try page(head: "<meta property=\"og:site_name\" content=\"知乎\"><meta name=\"author\" content=\"张三\">")
        #expect(found.siteName == "知乎")
        #expect(found.author == "张三")
        let missing = try page()
        #expect(missing.siteName == nil)
        #expect(missing.author == nil)
    }

    @Test func jsonLinkedDataGivesHeadlineDateAndAuthor() throws {
        let json = #"{"@context":"https://schema.org","@type":"NewsArticle","headline":"结构化标题","datePublished":"2024-03-05T08:00:00+08:00","author":{"@type":"Person","name":"李四"}}"#
        let found = try page(head: "<script type=\"application/ld+json\">\(json)</script>")
        #expect(found.title == "结构化标题")
        #expect(found.publishedDate == "2024-03-05")
        #expect(found.author == "李四")
    }

    @Test(arguments: [
        ("<meta property=\"article:published_time\" content=\"2023-11-17T00:00:00\">", "", "2023-11-17"),
        ("", "<time datetime=\"2022-02-13\">昨天</time>", "2022-02-13"),
        ("", "<div>发布时间：2024年3月5日 10:00</div>", "2024-03-05"),
        ("", "<span>2005/9/15 11:46</span>", "2005-09-15"),
        ("", "<td>发布日期： 9/17/2004 5:54:13 AM</td>", "2004-09-17"),
        // A labelled publication date beats an earlier unlabelled one (a sidebar, today's date in the header).
        ("", "<div>建立于:2004年10月6日</div><p>ggjjzhzz 发表于 2005-9-15 11:46:00</p>", "2005-09-15"),
        ("", "<div>2026-11-25 星期三</div><span>Posted on</span> <span>March 5, 2024 · 2024/03/05</span>", "2024-03-05"),
    ])
    func publishedDateInItsForms(head: String, before: String, expected: String) throws {
        #expect(try page(head: head, body: before + Self.prose).publishedDate == expected)
    }

    @Test func publishedDateMissingAndImplausible() throws {
        #expect(try page().publishedDate == nil)
        #expect(try page(body: "<div>2024年13月45日</div>" + Self.prose).publishedDate == nil)
    }

    @Test func language() throws {
        #expect(try page().language == "zh")
        let english = "<p>The quick brown fox jumps over the lazy dog, and this is a sentence of English prose that "
            + "is long enough for the statistics to be meaningful in the test.</p>"
        #expect(try page(body: english).language == "en")
        let french = "<p>Le renard brun rapide saute par-dessus le chien paresseux, et voici une phrase en français "
            + "assez longue pour que les statistiques soient utiles.</p>"
        #expect(try page(body: french).language == "other")
        #expect(try page(body: "<div></div>").language == nil)
    }

    @Test func imagesFromOpenGraphAndLazySources() throws {
        let body = "<article>" + Self.prose + "<img data-src=\"/lazy.jpg\" src=\"data:image/gif;base64,R0lGOD\">"
            + "<img src=\"https://cdn.example.com/b.png\"></article>"
        let found = try page(head: "<meta property=\"og:image\" content=\"https://example.com/og.png\">", body: body)
        #expect(found.images == ["https://example.com/og.png", "https://example.com/lazy.jpg", "https://cdn.example.com/b.png"])
        #expect(try page().images.isEmpty)
    }

    @Test func outboundLinksFromTheBody() throws {
        let body = "<article>" + Self.prose + "<p>参考 <a href=\"https://other.example.org/x\">这里</a> 和 "
            + "<a href=\"mailto:a@b.c\">邮件</a> 和 <a href=\"/local\">本站</a>，以及更多的说明文字，让这一段足够长。</p></article>"
        let found = try page(body: body)
        #expect(found.links == ["https://other.example.org/x", "https://example.com/local"])
        #expect(try page().links.isEmpty)
    }

    @Test func linksAndImagesRespectTheirLimits() throws {
        let anchors = (0..<20).map { "<a href=\"https://example.org/\($0)\">链接\($0)</a>，" }.joined()
        let body = "<article>" + Self.prose + "<p>\(anchors)这是一段很长的正文，包含很多链接和说明文字，用来测试上限是否生效。" + String(repeating: "正文内容，", count: 60) + "</p></article>"
        let found = try Extractor(options: ParseOptions(maxLinks: 5, maxImages: 1)).extract(
            html: "<html><head><meta property=\"og:image\" content=\"https://e.com/1.png\"></head><body>\(body)"
                + "<img src=\"https://e.com/2.png\"></body></html>", baseURL: nil)
        #expect(found.links.count == 5)
        #expect(found.images == ["https://e.com/1.png"])
    }

    @Test func weChatIdentityFromScriptVariables() throws {
        let script = "<script>var biz = \"\"||\"MzA3NjE0Nzk2MA==\"; var sn = \"\" || \"9f1c2ab3\"; "
            + "var mid = \"2650423891\" || \"\"; var idx = \"\" || \"1\";</script>"
        let found = try page(body: Self.prose + script, url: "https://mp.weixin.qq.com/s/AbCdEf")
        #expect(found.weChat == WeChatIdentity(biz: "MzA3NjE0Nzk2MA==", mid: "2650423891", idx: "1", sn: "9f1c2ab3"))
    }

    @Test func weChatIdentityFromLongLinkAndMissing() throws {
        let found = try page(url: "https://mp.weixin.qq.com/s?__biz=MzA3&mid=26504&idx=2&sn=abc#rd")
        #expect(found.weChat == WeChatIdentity(biz: "MzA3", mid: "26504", idx: "2", sn: "abc"))
        #expect(try page().weChat == nil)
    }

    /// A WeChat article's site is its account: the page's `nickname` variable, else the name at the top of the
    /// article, before the platform's own `og:site_name`; other pages keep what they declare.
    @Test func weChatArticlesAreFromTheirAccount() throws {
        let account = "<div id=\"meta_content\"><span class=\"rich_media_meta_nickname\"><a id=\"js_name\"> 副业研究所 </a></span></div>"
        let script = "<script>var biz = \"MzA3\" || \"\"; var nickname = htmlDecode(\"副业研究所官方\");</script>"
        let platform = "<meta property=\"og:site_name\" content=\"微信公众平台\">"
        let url = "https://mp.weixin.qq.com/s/AbCdEf"
        #expect(try page(head: platform, body: account + Self.prose, url: url).siteName == "副业研究所")
        #expect(try page(head: platform, body: account + Self.prose + script, url: url).siteName == "副业研究所官方")
        let profile = "<strong class=\"profile_nickname\">闲鱼日记</strong>"
        #expect(try page(body: profile + Self.prose, url: url).siteName == "闲鱼日记")
        #expect(try page(head: platform, url: url).siteName == "微信公众平台")
        #expect(try page(body: Self.prose, url: url).siteName == nil, "nothing named: the review screen shows the host")
        #expect(try page(head: "<meta property=\"og:site_name\" content=\"知乎\">", body: profile + Self.prose).siteName == "知乎")
    }

    @Test func mainTextKeepsParagraphsAndDropsChrome() throws {
        let body = "<nav><a href=\"/\">首页</a><a href=\"/hot\">热门</a></nav><div class=\"share-bar\">分享到微信</div>"
            + "<div class=\"content\">" + Self.prose + "</div><div class=\"comments\"><p>评论：说得好，很有道理，支持一下！</p></div>"
            + "<footer>版权所有 © 2024</footer>"
        let found = try page(body: body)
        let paragraphs = found.mainText.components(separatedBy: "\n\n")
        #expect(paragraphs.count == 2)
        #expect(paragraphs.first?.hasPrefix("这是一段关于副业赚钱") == true)
        #expect(!found.mainText.contains("首页"))
        #expect(!found.mainText.contains("分享到微信"))
        #expect(!found.mainText.contains("评论"))
        #expect(!found.mainText.contains("版权所有"))
        #expect(try page(body: "<nav><a href=\"/\">首页</a></nav>").mainText.isEmpty)
    }

    @Test func excerptIsAboutTheConfiguredLengthAndEndsAtASentence() throws {
        let long = "<p>" + String(repeating: "这是一句很长的话，用来测试摘要的长度限制。", count: 30) + "</p>"
        let found = try page(body: long)
        #expect(found.excerpt.count <= 201)
        #expect(found.excerpt.count > 100)
        #expect(found.excerpt.hasSuffix("。"))
        #expect(try page(body: "<div></div>").excerpt.isEmpty)
    }
}
