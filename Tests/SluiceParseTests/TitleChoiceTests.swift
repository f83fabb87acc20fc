import Foundation
import SluiceCore
@testable import SluiceParse
import Testing

/// Each title rule on written HTML: site names found from what the page says about itself, agreement between
/// the headline sources, and Readability's conventions for spaced scripts.
@Suite struct TitleChoiceTests {
    static let prose = "<p>这是一段关于副业赚钱的正文内容，作者详细介绍了自己的经验。第二句话继续说明细节，包括投入和收益！"
        + "第三句话提醒读者注意风险，不要相信日入过万的宣传？</p><p>第二段同样是正文，讲述了具体的操作步骤，以及常见的问题和解决办法。</p>"
    static let english = "<p>The quick brown fox jumps over the lazy dog, and this is a sentence of English prose that is "
        + "long enough to be the article. A second sentence follows it, with a comma, and a third.</p>"

    func title(head: String, body: String = "", text: String = prose, url: String? = "https://www.example.com/a/1.html") throws -> String? {
        let html = "<html><head>\(head)</head><body>\(body)<article>\(text)</article></body></html>"
        return try Extractor().extract(html: html, baseURL: url).title
    }

    // MARK: site names

    @Test(arguments: [
        // og:site_name names the trailing part, whatever the separator and however long.
        ("<title>闲鱼卖书三个月 - 某某财经观察周刊</title><meta property=\"og:site_name\" content=\"某某财经观察周刊\">", "闲鱼卖书三个月"),
        // A channel holding the site's name (搜狐财经 beside 搜狐).
        ("<title>闲鱼卖书三个月的复盘 - 搜狐财经评论</title><meta name=\"application-name\" content=\"搜狐\">", "闲鱼卖书三个月的复盘"),
        // The JSON-LD publisher.
        ("<title>闲鱼卖书三个月的复盘 — 长长的出版方名字</title><script type=\"application/ld+json\">"
            + #"{"@type":"WebPage","publisher":{"@type":"Organization","name":"长长的出版方名字"}}"# + "</script>"
            + "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"publisher\":{\"name\":\"长长的出版方名字\"}}</script>",
         "闲鱼卖书三个月的复盘"),
        // A leading site name.
        ("<title>某某网 - 闲鱼卖书三个月的复盘</title><meta property=\"og:site_name\" content=\"某某网\">", "闲鱼卖书三个月的复盘"),
    ])
    func siteNamesFromWhatThePageDeclares(head: String, expected: String) throws {
        #expect(try title(head: head) == expected)
    }

    @Test func aTitleThatIsOnlyAChannelGivesWayToTheHeadline() throws {
        let menu = "<div class=\"nav\"><a href=\"/\">首页</a><a href=\"/news\">新闻动态</a><a href=\"/notice\">通知公告</a></div>"
        let body = menu + "<div class=\"crumb\"><h3>首页 - 新闻动态</h3></div><h5>2019年人文地理学术年会在重庆成功举行！</h5>"
            + "<div><b>发布时间：2019-05-18</b></div>"
        #expect(try title(head: "<title>新闻动态--中国某某学会官网</title>", body: body) == "2019年人文地理学术年会在重庆成功举行！")
        // A breadcrumb in plain text names the channel too.
        let crumb = "<div>当前位置：首页 &gt; 工作动态</div><div class=\"title\">我院举办专业技能大赛</div>"
        #expect(try title(head: "<title>工作动态_某某医院</title>", body: crumb) == "我院举办专业技能大赛")
        // A short headline that is no menu item stays.
        #expect(try title(head: "<title>致敬！_某某网</title>", body: menu + "<h5>相关阅读推荐</h5>") == "致敬！")
    }

    @Test func aLeadingTagStaysWhenTheTitleCarriesIt() throws {
        let headline = "<div class=\"title\">【不忘初心 牢记使命】我院党支部举办专业技能大赛</div>"
        #expect(try title(head: "<title>【不忘初心 牢记使命】我院党支部举办专业技能大赛 某某医院</title>", body: headline)
            == "【不忘初心 牢记使命】我院党支部举办专业技能大赛")
        #expect(try title(head: "<title>欢迎访问某某医院</title>", body: "<div class=\"title\">【原创】我院党支部举办专业技能大赛</div>")
            == "我院党支部举办专业技能大赛")
    }

    @Test func hostLabelsNameTheSite() throws {
        #expect(try title(head: "<title>闲鱼卖书三个月的复盘 - Examplenews.com 资讯台</title>",
                          url: "https://www.examplenews.com/a/1.html") == "闲鱼卖书三个月的复盘")
        // The same part on another host is a long part after a dash: kept.
        #expect(try title(head: "<title>闲鱼卖书三个月的复盘 - Examplenews.com 资讯台</title>",
                          url: "https://other.org/a/1.html") == "闲鱼卖书三个月的复盘 - Examplenews.com 资讯台")
    }

    @Test func homeLinkTextNamesTheSite() throws {
        let body = "<div class=\"logo\"><a href=\"/\">小镇副业研究所</a></div>"
        #expect(try title(head: "<title>闲鱼卖书三个月的复盘 - 小镇副业研究所</title>", body: body) == "闲鱼卖书三个月的复盘")
    }

    @Test func aHeadlineMentioningTheSiteIsKept() throws {
        let head = "<title>搜狐宣布开放新的副业平台计划 - 搜狐</title><meta property=\"og:site_name\" content=\"搜狐\">"
        #expect(try title(head: head) == "搜狐宣布开放新的副业平台计划")
    }

    // MARK: separators

    @Test(arguments: [
        ("<title>闲鱼卖书三个月_一个很长的频道名称的说明文字</title>", "闲鱼卖书三个月"),  // after an underscore: the site's
        ("<title>闲鱼卖书三个月|停车位|停车费|物业管理_网易订阅</title>", "闲鱼卖书三个月"),
        ("<title>闲鱼卖书三个月丨副业观察</title>", "闲鱼卖书三个月"),
        ("<title>闲鱼卖书三个月——一位大学生的复盘_某某网</title>", "闲鱼卖书三个月——一位大学生的复盘"),  // subtitle dash kept
        ("<title>对比试车—测试两款小车的油耗</title>", "对比试车—测试两款小车的油耗"),
        ("<title>闲鱼卖书三个月的复盘—某某网</title>", "闲鱼卖书三个月的复盘"),  // a bare dash before a site name
        ("<title>COVID-19 下的副业选择-某某网</title>", "COVID-19 下的副业选择"),
        ("<title>社会资本与再就业(页 1) - 学术前沿 - 某某论坛 - powered by Discuz! Archiver</title>", "社会资本与再就业"),
        ("<title>投身外交(3)_读书频道_新浪网</title>", "投身外交(3)"),
        ("<title>有没有一起装修的朋友【装修吧】_百度贴吧</title>", "有没有一起装修的朋友"),
        ("<title>副业入门笔记 for beginners-CSDN博客</title>", "副业入门笔记 for beginners"),
        ("<title>閒魚賣書三個月的複盤 - Yahoo新聞</title>", "閒魚賣書三個月的複盤"),
        ("<title>我们一起去摆摊吧</title>", "我们一起去摆摊吧"),
        ("<title>如何识别虚假投资平台 - 第2页</title>", "如何识别虚假投资平台"),
    ])
    func separatorsAndSiteParts(head: String, expected: String) throws {
        #expect(try title(head: head) == expected)
    }

    // MARK: agreement

    @Test func aHeadingThatIsALeadingPartOfTheTitleWins() throws {
        let found = try title(head: "<title>悲壮！布伦森左手骨折 提前离场_尼克斯_季后赛</title>"
                                + "<meta property=\"og:title\" content=\"悲壮！布伦森左手骨折 提前离场_尼克斯_季后赛\">",
                              body: "<h1>悲壮！布伦森左手骨折 提前离场</h1>")
        #expect(found == "悲壮！布伦森左手骨折 提前离场")
    }

    @Test func aHeadingThatOnlyNamesTheSiteDoesNot() throws {
        let found = try title(head: "<title>闲鱼卖书三个月的复盘 - 副业日报</title><meta property=\"og:site_name\" content=\"副业日报\">",
                              body: "<h1>副业日报</h1>")
        #expect(found == "闲鱼卖书三个月的复盘")
    }

    @Test func aMetadataTitleThatIsOnlyTheSiteNameGivesWay() throws {
        let head = "<title>闲鱼卖书三个月的复盘_某某网</title><meta property=\"og:title\" content=\"某某网\">"
            + "<meta property=\"og:site_name\" content=\"某某网\">"
        #expect(try title(head: head) == "闲鱼卖书三个月的复盘")
    }

    @Test func metadataTitlesAreStrippedToo() throws {
        let head = "<title>无关</title><meta property=\"og:title\" content=\"闲鱼卖书三个月的复盘 | 副业日报\">"
        #expect(try title(head: head) == "闲鱼卖书三个月的复盘")
    }

    @Test func weChatMessageTitleAndMicrodataHeadline() throws {
        let weChat = "<script>var msg_title = '闲鱼卖书三个月的复盘'.html(false);</script>"
        #expect(try title(head: "", body: weChat) == "闲鱼卖书三个月的复盘")
        #expect(try title(head: "", body: "<h2 itemprop=\"headline\">小区团购团长的一个月</h2>") == "小区团购团长的一个月")
    }

    @Test func aTitleNamingOnlyTheSiteGivesWayToTheHeadlineBeforeTheText() throws {
        let found = try title(head: "<title>欢迎访问某某中心</title>", body: "<div class=\"title\">孙丰：巴黎举行座谈会</div>")
        #expect(found == "孙丰：巴黎举行座谈会")
    }

    // MARK: spaced scripts: Readability's conventions

    @Test(arguments: [
        // The metadata title as it is, site name included.
        ("<title>Five habits - The Example Times</title><meta property=\"og:title\" content=\"Five habits of careful side hustlers | Jane Roe\">",
         "Five habits of careful side hustlers | Jane Roe"),
        // dc:title comes before og:title; twitter:title after the plain title meta.
        ("<meta name=\"DC.title\" content=\"The Dublin Core title\"><meta property=\"og:title\" content=\"The Open Graph title\">",
         "The Dublin Core title"),
        ("<meta name=\"twitter:title\" content=\"The Twitter title\"><meta name=\"title\" content=\"The plain title meta\">",
         "The plain title meta"),
        // No metadata: the last separated part goes.
        ("<title>Five habits of careful side hustlers - The Example Times</title>", "Five habits of careful side hustlers"),
        // Too little left: the title stays whole.
        ("<title>Terrariums | eHow</title>", "Terrariums | eHow"),
        // A colon: the part after it, unless a heading repeats the whole title.
        ("<title>Example Times: Five habits of careful side hustlers</title>", "Five habits of careful side hustlers"),
    ])
    func readabilityConventions(head: String, expected: String) throws {
        #expect(try title(head: head, text: Self.english) == expected)
    }

    @Test func aColonTitleThatAHeadingRepeatsStaysWhole() throws {
        let found = try title(head: "<title>Example Times: Five habits of careful side hustlers</title>",
                              body: "<h2>Example Times: Five habits of careful side hustlers</h2>", text: Self.english)
        #expect(found == "Example Times: Five habits of careful side hustlers")
    }

    @Test func jsonLDHeadlineBeatsItsNameWhenTheTitleAgrees() throws {
        let json = #"{"@context":"https://schema.org","@type":"NewsArticle","name":"Example Times","headline":"Five habits of careful side hustlers"}"#
        let head = "<title>Five habits of careful side hustlers - Example Times</title><script type=\"application/ld+json\">\(json)</script>"
        #expect(try title(head: head, text: Self.english) == "Five habits of careful side hustlers")
        // A WebPage is not an article to Readability: its name is not the title.
        let page = #"{"@context":"https://schema.org","@type":"WebPage","name":"Example Times"}"#
        let other = "<title>Five habits of careful side hustlers - Example Times</title><script type=\"application/ld+json\">\(page)</script>"
        #expect(try title(head: other, text: Self.english) == "Five habits of careful side hustlers")
    }

    @Test func aShortTitleGivesWayToTheOnlyH1() throws {
        #expect(try title(head: "<title>Home</title>", body: "<h1>Five habits of careful side hustlers</h1>", text: Self.english)
            == "Five habits of careful side hustlers")
        #expect(try title(head: "<title>Home</title>", body: "<h1>One heading here</h1><h1>Another one there</h1>", text: Self.english)
            == "Home")
    }

    @Test func aSlugInTheMetadataGivesWayToTheNextTitle() throws {
        let slug = "<meta property=\"og:title\" content=\"side-hustle-habits-2019\"><meta name=\"twitter:title\" "
            + "content=\"Five habits of careful side hustlers\"><title>Five habits - Example Times</title>"
        #expect(try title(head: slug, text: Self.english) == "Five habits of careful side hustlers")
        // Only the slug: <title> by Readability's rules.
        let only = "<meta property=\"og:title\" content=\"d-161500790\"><title>Five habits of careful side hustlers | Example Times</title>"
        #expect(try title(head: only, text: Self.english) == "Five habits of careful side hustlers")
        // A title of one lower-case word is no slug.
        #expect(try title(head: "<meta property=\"og:title\" content=\"manifesto\">", text: Self.english) == "manifesto")
    }

    @Test func referencesEscapedTwiceAreResolved() throws {
        let head = "<meta property=\"og:title\" content=\"Spreads via &amp;#8216;games&amp;#8217; &amp;amp; links\">"
        #expect(try title(head: head, text: Self.english) == "Spreads via \u{2018}games\u{2019} & links")
        // What is not a reference stays as written.
        #expect(CharacterReferences.resolved(in: "Fish &chips; AT&T &#1; &#xD800; &#x41;") == "Fish &chips; AT&T &#1; &#xD800; A")
    }

    @Test func aHyphenInsideAWordDividesNoTitle() throws {
        // Readability cuts after the first separator when the last part leaves fewer than three words; a bare
        // hyphen in `Internet-Law` is no separator.
        let head = "<title>Internet-Law » Verstößt der Ausschluss von Pseudonymen gegen deutsches Recht?</title>"
        #expect(try title(head: head, text: Self.english) == "Verstößt der Ausschluss von Pseudonymen gegen deutsches Recht?")
    }

    @Test func siteNameFolding() {
        let site = SiteNames(declared: ["Aktuálně.cz - Víte, co se právě děje"], url: "https://sport.aktualne.cz/x", homeLinkTexts: [])
        #expect(site.named(by: "Aktuálně.cz"))
        #expect(site.named(by: "AKTUALNE.CZ"))
        #expect(!site.named(by: "West Ham hrozí gigantům, okouzlil i Linekera"))
    }
}
