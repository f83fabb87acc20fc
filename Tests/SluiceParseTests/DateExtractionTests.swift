import Foundation
import SluiceCore
@testable import SluiceParse
import Testing

/// Each place a page states its publication date, on written HTML, and the order between them.
@Suite struct DateExtractionTests {
    static let prose = "<p>这是一段关于副业赚钱的正文内容，作者详细介绍了自己的经验。第二句话继续说明细节，包括投入和收益！"
        + "第三句话提醒读者注意风险，不要相信日入过万的宣传？</p><p>第二段同样是正文，讲述了具体的操作步骤，以及常见的问题和解决办法。</p>"
    /// 2026-12-01 00:00 UTC: every page below was fetched then.
    static let fetchedAt = Date(timeIntervalSince1970: 1_796_083_200)

    func date(head: String = "", body: String = "", url: String? = "https://example.com/post/1") throws -> String? {
        let html = "<html><head>\(head)</head><body><h1>标题</h1>\(body)<article>\(Self.prose)</article></body></html>"
        return try Extractor().extract(html: html, baseURL: url, fetchedAt: Self.fetchedAt).publishedDate
    }

    @Test(arguments: [
        ("https://example.com/2024/03/05/slug.html", "2024-03-05"),
        ("https://example.com/news/2024/3/5/slug", "2024-03-05"),
        ("https://example.com/20240305/n123.shtml", "2024-03-05"),
        ("https://example.com/2024-03-05-slug", "2024-03-05"),
        ("https://example.com/a/t20240305_123.htm", "2024-03-05"),
        ("https://example.com/n1/2024/0305/c1001-1.html", "2024-03-05"),
        ("https://example.com/jizhe/2005-08/16/content_4894059.htm", "2005-08-16"),
        ("https://example.com/p/202403/05/x.html", "2024-03-05"),
        ("https://example.com/world/2019/jan/03/slug", "2019-01-03"),
    ])
    func dateInTheURLPath(url: String, expected: String) throws {
        #expect(try date(url: url) == expected)
    }

    @Test(arguments: [
        "https://example.com/2024/13/05/slug",    // no month 13
        "https://example.com/2023/02/29/slug",    // 2023 is not a leap year
        "https://example.com/2027/03/05/slug",    // after the fetch
        "https://example.com/1994/03/05/slug",    // before 1995
        "https://example.com/2024/03/slug",       // no day
        "https://example.com/item/123420240305",  // digits of a longer number
        "https://example.com/?date=2024-03-05",   // the query is not the path
    ])
    func implausibleOrPartialURLDatesAreNotDates(url: String) throws {
        #expect(try date(url: url) == nil)
    }

    @Test(arguments: [
        ("<time itemprop=\"datePublished\" datetime=\"2024-03-05T08:00:00+08:00\">昨天</time>", "2024-03-05"),
        ("<span itemprop=\"datePublished\" content=\"2024-03-05\">三月五日</span>", "2024-03-05"),
        ("<span itemprop=\"datePublished\">March 5, 2024</span>", "2024-03-05"),
        ("<div itemprop=\"dateCreated\">2024/03/05</div>", "2024-03-05"),
    ])
    func microdataOutsideMeta(body: String, expected: String) throws {
        #expect(try date(body: body, url: nil) == expected)
    }

    func linkedData(_ json: String) -> String {
        "<script type=\"application/ld+json\">\(json)</script>"
    }

    @Test(arguments: [
        (#"{"@context":"https://schema.org","@type":"WebPage","datePublished":"2024-03-05"}"#, "2024-03-05"),
        (#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},{"@type":"WebPage","datePublished":"2024-03-05T10:00:00Z"}]}"#, "2024-03-05"),
        (#"[{"@type":"Organization","name":"x"},{"@type":"VideoObject","uploadDate":"2024-03-05"}]"#, "2024-03-05"),
        (#"{"@type":"WebPage","mainEntity":{"@type":"NewsArticle","datePublished":"2024-03-05"}}"#, "2024-03-05"),
        (#"{"@type":"WebPage","dateCreated":"2024-03-05","dateModified":"2024-06-01"}"#, "2024-03-05"),
        (#"{"@type":"WebPage","datePublished":"2020-01-01","mainEntity":{"@type":"Article","datePublished":"2024-03-05"}}"#, "2024-03-05"),
    ])
    func linkedDataOnAnyType(json: String, expected: String) throws {
        #expect(try date(head: linkedData(json), url: nil) == expected)
    }

    @Test(arguments: [
        "<meta name=\"pubdate\" content=\"2024-03-05 10:00\">",
        "<meta name=\"publishdate\" content=\"20240305\">",
        "<meta name=\"date\" content=\"2024-03-05\">",
        "<meta name=\"DC.date.issued\" content=\"2024-03-05\">",
        "<meta name=\"sailthru.date\" content=\"Tue, 05 Mar 2024 10:00:00 GMT\">",
        "<meta name=\"parsely-pub-date\" content=\"2024-03-05T10:00:00Z\">",
        "<meta name=\"weibo: article:create_at\" content=\"2024-03-05 10:00:00\">",
        "<meta property=\"og:published_time\" content=\"2024-03-05\">",
    ])
    func commonMetaNames(head: String) throws {
        #expect(try date(head: head, url: nil) == "2024-03-05")
    }

    @Test(arguments: [
        "<meta property=\"article:post_date\" content=\"2024-03-05\">",
        "<meta itemprop=\"rnews:datePublished\" content=\"2024-03-05T10:00:00Z\">",
        "<meta name=\"content_create_date\" content=\"2024/03/05\">",
        "<meta name=\"article.publishTime\" content=\"2024年3月5日\">",
    ])
    func otherMetaNamesThatSayPublishedOrCreated(head: String) throws {
        #expect(try date(head: head, url: nil) == "2024-03-05")
        // The same name saying "updated" or "expires" is not a publication date.
        let other = head.replacingOccurrences(of: "post_date", with: "post_updated").replacingOccurrences(of: "datePublished", with: "dateExpires")
            .replacingOccurrences(of: "create_date", with: "modified_date").replacingOccurrences(of: "publishTime", with: "endTime")
        #expect(try date(head: other, url: nil) == nil)
    }

    @Test func hAtomPublishedAbbreviation() throws {
        #expect(try date(body: "<abbr class=\"published\" title=\"2024-03-05T10:00:00+08:00\">3月5日</abbr>", url: nil) == "2024-03-05")
        let both = "<abbr class=\"updated\" title=\"2024-06-01\">June</abbr><abbr class=\"entry-date published\" title=\"2024-03-05\">March</abbr>"
        #expect(try date(body: both, url: nil) == "2024-03-05")
        // An abbr's title is only read where its class says it is a time.
        #expect(try date(body: "<abbr title=\"2024-03-05\">缩写</abbr>", url: nil) == nil)
    }

    @Test(arguments: [
        ("<div class=\"meta\" data-publish-time=\"1709604000\">作者</div>", "2024-03-05"),
        ("<span data-publishtime=\"1709604000000\"></span>", "2024-03-05"),
        ("<span data-pubdate=\"2024-03-05 10:00\"></span>", "2024-03-05"),
    ])
    func attributesNamingThePublicationTime(body: String, expected: String) throws {
        #expect(try date(body: body, url: nil) == expected)
    }

    @Test func weChatSendTime() throws {
        // 1581526800 is 2020-02-12 17:00 UTC: 01:00 on the 13th in Beijing, where WeChat's readers are.
        let script = "<script>var msg_title = '三星发布新手机';\nvar ct = \"1581526800\";</script>"
        #expect(try date(body: script, url: "https://mp.weixin.qq.com/s/abc") == "2020-02-13")
        #expect(try date(body: "<script>var ct = \"1581526800\";</script>", url: nil) == nil,
                "a `ct` variable outside WeChat's scripts is not read")
    }

    @Test func aLabelledDateUnderTheText() throws {
        let html = "<html><body><h1>标题</h1><table><tr><td><p>2019年2月27日下午，调研组一行走访了企业。</p>\(Self.prose)</td></tr>"
            + "<tr><td><font>发布日期：<!-- begin -->2019-03-06<!-- end --> 责任编辑：某某</font></td></tr></table></body></html>"
        #expect(try Extractor().extract(html: html, baseURL: nil, fetchedAt: Self.fetchedAt).publishedDate == "2019-03-06")
    }

    @Test func timeElementsAfterTheArticleBelongToOtherItems() throws {
        let html = "<html><body><h1>标题</h1><div class=\"info\">2019-09-05 11:10 来源：某某</div><article>\(Self.prose)</article>"
            + "<ul><li><a href=\"/x\">相关文章</a><time>2019-09-06</time></li><li><time>2019-09-04</time></li></ul></body></html>"
        #expect(try Extractor().extract(html: html, baseURL: nil, fetchedAt: Self.fetchedAt).publishedDate == "2019-09-05")
    }

    @Test(arguments: [
        // fetchedAt is 2026-12-01 00:00 UTC, 08:00 in Beijing.
        ("<div class=\"info\">昨天 12:08 来源：某某</div>", "2026-11-30"),
        ("<span>3天前</span>", "2026-11-28"),
        ("<span>9小时前</span>", "2026-11-30"),
        ("<span>5小时前</span>", "2026-12-01"),
        ("<span>刚刚</span>", "2026-12-01"),
        ("<p class=\"byline\">Posted 2 days ago</p>", "2026-11-29"),
        ("<p>yesterday</p>", "2026-11-30"),
    ])
    func relativeDatesFromTheFetchTime(body: String, expected: String) throws {
        #expect(try date(body: body, url: nil) == expected)
    }

    @Test func anAbsoluteDateBeatsARelativeOne() throws {
        #expect(try date(body: "<span>3天前</span><p>发布时间：2024-03-05</p>", url: nil) == "2024-03-05")
        #expect(try date(body: "<span>3天前</span>", url: "https://example.com/2024/03/05/x") == "2024-03-05")
        // A sentence that says "today" is not a date line, nor is a share button naming 今日头条.
        #expect(try date(body: "<p>今天我们来聊一聊闲鱼上卖二手书这件事，从选品到定价再到售后。</p>", url: nil) == nil)
        #expect(try date(body: "<div><a href=\"/share\">分享到今日头条</a></div><span>今天</span>", url: nil) == "2026-12-01")
        #expect(try date(body: "<div><a href=\"/share\">分享到今日头条</a></div>", url: nil) == nil)
    }

    @Test func publishedBeatsModifiedAndModifiedIsTheLastResort() throws {
        let both = "<meta property=\"article:modified_time\" content=\"2024-06-01\">"
            + "<meta property=\"article:published_time\" content=\"2024-03-05\">"
        #expect(try date(head: both, url: nil) == "2024-03-05")
        #expect(try date(head: "<meta property=\"article:modified_time\" content=\"2024-06-01\">", url: nil) == "2024-06-01")
        #expect(try date(body: "<p>更新时间：2024-06-01</p><p>发布时间：2024-03-05</p>", url: nil) == "2024-03-05")
        #expect(try date(body: "<p>更新时间：2024-06-01</p>", url: nil) == "2024-06-01")
    }

    @Test func aDeclaredDateAfterTheFetchGivesWayToTheNextEvidence() throws {
        #expect(try date(head: "<meta name=\"pubdate\" content=\"2031-01-01\">",
                         url: "https://example.com/2024/03/05/x") == "2024-03-05")
    }

    @Test(arguments: [
        ("<div class=\"info\">发布时间：2024年3月5日 10:00 来源：某某网</div>", "2024-03-05"),
        ("<span>发表于</span> <span>2024-03-05 10:00</span>", "2024-03-05"),
        ("<p>Posted on March 5, 2024 by Someone</p>", "2024-03-05"),
        ("<p>Published 5 Mar 2024</p>", "2024-03-05"),
        ("<p>日期：2024.03.05</p>", "2024-03-05"),
    ])
    func labelledDatesNearTheHeadline(body: String, expected: String) throws {
        #expect(try date(body: body, url: nil) == expected)
    }

    @Test func elementsWhoseClassSaysTheyHoldTheDate() throws {
        #expect(try date(body: "<div class=\"article-info\"><span class=\"pub-date\">05.03.2024</span></div>", url: nil) == "2024-03-05")
        #expect(try date(body: "<span id=\"pubtime_baidu\">2024-03-05 10:00</span>", url: nil) == "2024-03-05")
        // A modification date in such an element is not the publication date.
        #expect(try date(body: "<span class=\"date-updated\">2024-06-01</span>", url: nil) == "2024-06-01")
        #expect(try date(body: "<span class=\"date-updated\">2024-06-01</span><span class=\"date\">2024-03-05</span>", url: nil)
            == "2024-03-05")
    }

    @Test func theCanonicalURLMayCarryTheDate() throws {
        let head = "<link rel=\"canonical\" href=\"https://example.com/2024/03/05/slug\">"
        #expect(try date(head: head, url: "https://example.com/s/abc") == "2024-03-05")
    }

    @Test func evidenceIsTakenInOrder() throws {
        // A labelled date beats the URL; the URL beats an unlabelled date (today's date in a page header).
        #expect(try date(body: "<p>发布时间：2024-03-06</p>", url: "https://example.com/2024/03/05/x") == "2024-03-06")
        #expect(try date(body: "<div>2026-11-25 星期三</div>", url: "https://example.com/2024/03/05/x") == "2024-03-05")
        // A <time> marked as the publication date beats the first one (a related story's).
        let times = "<ul><li><time datetime=\"2023-01-01\">旧闻</time></li></ul><time class=\"published\" datetime=\"2024-03-05\">今天</time>"
        #expect(try date(body: times, url: nil) == "2024-03-05")
        // Declared metadata beats everything in the text.
        #expect(try date(head: "<meta property=\"article:published_time\" content=\"2024-03-04\">",
                         body: "<p>发布时间：2024-03-06</p>", url: "https://example.com/2024/03/05/x") == "2024-03-04")
    }

    @Test(arguments: [
        ("2024-03-05T08:00:00+08:00", "2024-03-05"), ("2024年3月5日", "2024-03-05"), ("2024.3.5", "2024-03-05"),
        ("7/5/2005 9:23:57 PM", "2005-07-05"), ("25/12/2005", "2005-12-25"), ("March 5, 2024", "2024-03-05"),
        ("Sept. 5th, 2024", "2024-09-05"), ("5 March 2024", "2024-03-05"), ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"), ("05.03.2024", "2024-03-05"), ("1.2.2024", "2024-02-01"),
        ("5. März 2024", "2024-03-05"), ("12. Dezember 2023", "2023-12-12"), ("Okt. 3, 2022", "2022-10-03"),
        ("JUNE 2ND, 2024", "2024-06-02"), ("March 21st, 2024", "2024-03-21"),
    ])
    func writtenForms(text: String, expected: String) {
        #expect(PublishedDate.normalize(text) == expected)
    }

    @Test(arguments: ["2024-02-30", "2024年13月5日", "March 45, 2024", "Mayday 5, 2024", "12345-03-05", "Version 5 2024",
                      "version 1.2.3.2024", "31.02.2024"])
    func notDates(text: String) {
        #expect(PublishedDate.normalize(text) == nil)
    }
}
