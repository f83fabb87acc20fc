import Foundation
import SluiceCore
import SluicePublish

/// Columns the tests render: a sample month like the ones moderators publish, a hostile one, an empty
/// one, and one built from real pages of the shared corpus.
enum Fixtures {
    static let categories: [CategoryInfo] = [
        CategoryInfo(id: "ecommerce", title: "电商 E-commerce"),
        CategoryInfo(id: "affiliate", title: "淘宝客/返利 Affiliate"),
        CategoryInfo(id: "content", title: "内容创作 Content"),
        CategoryInfo(id: "short_video_live", title: "短视频与直播 Short video & live"),
        CategoryInfo(id: "ai_tools", title: "AI 工具 AI tools"),
        CategoryInfo(id: "freelance", title: "自由职业与接单 Freelance"),
        CategoryInfo(id: "private_domain", title: "私域流量 Private domain"),
        CategoryInfo(id: "local_services", title: "本地生活 Local services"),
        CategoryInfo(id: "courses", title: "知识付费 Courses"),
        CategoryInfo(id: "other", title: "其他 Other"),
    ]

    /// Where the test community serves its exports.
    static let site = SiteOptions(baseURL: "https://community.example/column/", title: "副业情报社")

    /// The tag URI (RFC 4151) the feeds give an item of a column of `site`.
    static func entryID(_ id: Int64, month: String = "2026-11") -> String {
        "tag:community.example,\(month):/column/item/\(id)"
    }

    /// 2026-11-03 02:00 UTC, i.e. 10:00 in Beijing.
    static let monthStart = Date(timeIntervalSince1970: 1_793_671_200)

    static func day(_ offset: Int, hour: Int = 0) -> Date {
        monthStart.addingTimeInterval(TimeInterval(offset * 86_400 + hour * 3_600))
    }

    static func item(_ id: Int64, title: String, category: String, url: String? = nil, site: String? = "36kr.com",
                     summary: String? = "一段摘要。", flags: [RiskFlag] = [], volunteers: [String] = ["阿明"],
                     publishedDay: Int = 0, source: SourceStatus? = nil, articleDate: String? = nil) -> ColumnItem {
        let link = url ?? "https://36kr.com/p/\(id)"
        return ColumnItem(id: id, title: title, url: link, canonicalURL: link, site: site, category: category,
                          summary: summary, flags: flags, volunteers: volunteers, publishedAt: day(publishedDay),
                          capturedAt: day(publishedDay - 2), evidenceSHA256: SHA256.hex(Data(title.utf8)),
                          source: source, articleDate: articleDate)
    }

    static let sampleItems: [ColumnItem] = [
        item(11, title: "抖音小店新手开店指南：选品与定价", category: "ecommerce", site: "36kr.com",
             summary: "作者复盘了三个月的小店数据。\n\n第二段：退货率是关键。", volunteers: ["阿明", "小红", "老张"],
             publishedDay: 2),
        item(12, title: "用 AI 生成商品图，成本降到原来的十分之一", category: "ai_tools", site: "zhihu.com",
             volunteers: ["小红"], publishedDay: 1),
        item(13, title: "一周躺赚五千？拆解某返利群的真实收益", category: "affiliate",
             url: "https://mp.weixin.qq.com/s/AbCdEf?scene=1&from=timeline", site: "mp.weixin.qq.com",
             flags: [RiskFlag(family: "hype", rule: "hype.tangzhuan", matched: "躺赚"),
                     RiskFlag(family: "money_claim", rule: "money.per_week", matched: "一周躺赚五千"),
                     RiskFlag(family: "hype", rule: "hype.tangzhuan", matched: "躺赚")],
             volunteers: ["老张"], publishedDay: 3,
             source: SourceStatus(state: .deleted, checkedAt: day(20)), articleDate: "2026-10-30"),
        // Not a calendar day: no format shows it.
        item(14, title: "小红书图文笔记的冷启动方法", category: "content", site: "sohu.com", volunteers: ["阿明"],
             publishedDay: 2, source: SourceStatus(state: .alive, checkedAt: day(20)), articleDate: "2026-02-30"),
        item(15, title: "早于同类的一篇电商文章", category: "ecommerce", site: "163.com", volunteers: ["阿明"],
             publishedDay: 0),
    ]

    static let sampleFigures = ColumnFigures(
        submissions: 27, volunteers: 6, approved: 5,
        rejectedByReason: ["疑似诈骗": 3, "low_quality": 7, "duplicate_link": 2], duplicatesMerged: 4,
        topSites: [SiteCount(site: "mp.weixin.qq.com", count: 1), SiteCount(site: "36kr.com", count: 1),
                   SiteCount(site: "zhihu.com", count: 1)])

    static let sampleRoll: [VolunteerCredit] = [
        VolunteerCredit(name: "小红", accepted: 2, tags: ["ai_tools", "ecommerce"]),
        VolunteerCredit(name: "阿明", accepted: 3, tags: ["ecommerce", "content"]),
        VolunteerCredit(name: "老张", accepted: 2, tags: ["affiliate"]),
    ]

    static func sample() -> Column {
        Column(month: "2026-11", title: "搞钱情报月刊 2026 年 11 月", categories: categories, items: sampleItems,
               figures: sampleFigures, roll: sampleRoll, generatedAt: day(25), site: site)
    }

    static func empty() -> Column {
        Column(month: "2026-12", title: "搞钱情报月刊 2026 年 12 月", categories: categories, items: [],
               figures: ColumnFigures(submissions: 0, volunteers: 0, approved: 0, rejectedByReason: [:],
                                      duplicatesMerged: 0, topSites: []),
               roll: [], generatedAt: day(30), site: site)
    }

    /// Strings a volunteer or a web page could send to break out of the column's markup.
    static let hostileTitles = [
        "<script>alert(1)</script>日入过万",
        "[点我领钱](javascript:alert(document.cookie))",
        "![追踪像素](https://evil.example/pixel.png)",
        "**暴利** _项目_ `rm -rf` # 伪标题 | 表格 ~~删~~",
        "换行注入\n\n# 伪造的标题\n<img src=x onerror=alert(1)>",
        "控制字符\u{0}\u{7}\u{1B}[31m红色\u{1B}[0m\u{7F}\u{85}",
        "RTL 覆盖 \u{202E}gpj.exe\u{202C} 与零宽\u{200B}字符",
        "XML 禁用字符\u{FFFE}\u{FFFF}\u{1}\u{B} 与 ]]> 和 &amp; 与 \"引号\" 'apos'",
    ]

    static func hostile() -> Column {
        var items = hostileTitles.enumerated().map { index, title in
            item(Int64(100 + index), title: title, category: categories[index % categories.count].id,
                 site: "\"><script>alert('site')</script>", summary: "摘要 <iframe src=//evil> [x](javascript:y)\n\u{202E}反转",
                 flags: [RiskFlag(family: "fraud", rule: "fraud.<b>", matched: "<b>稳赚不赔</b>\u{202E}")],
                 volunteers: ["<b>志愿者</b>", "[链接](javascript:z)"], publishedDay: index)
        }
        items.append(item(200, title: "javascript: 链接", category: "other", url: "javascript:alert(1)"))
        items.append(item(201, title: "data: 链接", category: "other", url: "data:text/html,<script>alert(1)</script>"))
        items.append(item(202, title: "带特殊字符的链接", category: "other",
                          url: "https://ok.example/路径?a=1&b=<x>\"y\"('z')"))
        items.append(item(203, title: "未知分类 <i>x</i>", category: "<script>unknown</script>"))
        return Column(month: "2026-11", title: "<h1>月刊</h1>\u{202E}", categories: categories, items: items,
                      figures: ColumnFigures(submissions: 3, volunteers: 1, approved: 1,
                                             rejectedByReason: ["<script>": 1], duplicatesMerged: 0,
                                             topSites: [SiteCount(site: "<img src=x>", count: 2)]),
                      roll: [VolunteerCredit(name: "<script>志愿者</script>", accepted: 1, tags: ["<b>tag</b>"])],
                      generatedAt: day(25), site: site)
    }

    /// A column of real Chinese pages from the shared corpus: their titles and URLs as volunteers submit them.
    static func corpusColumn(_ corpus: URL) throws -> Column {
        let pages = try CorpusSample.chinesePages(in: corpus, limit: 40)
        let items = pages.enumerated().map { index, page in
            item(Int64(1_000 + index), title: page.title, category: categories[index % categories.count].id,
                 url: page.url, site: URL(string: page.url)?.host,
                 summary: String(page.body.prefix(120)), volunteers: ["志愿者\(index % 5)"], publishedDay: index % 28)
        }
        return Column(month: "2026-11", title: "语料样例", categories: categories, items: items,
                      figures: sampleFigures, roll: sampleRoll, generatedAt: day(28), site: site)
    }

    /// Items whose canonical URL is emitted as a link.
    static func linkedCount(_ column: Column) -> Int {
        column.items.filter { Escape.httpURL($0.canonicalURL) != nil }.count
    }
}
