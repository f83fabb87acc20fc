import Foundation
import Testing
import SluicePublish
import SluiceCore
import SluiceTestSupport

/// The Markdown column is rendered to HTML by `cmark --unsafe` (the CommonMark reference implementation,
/// with raw HTML and every link scheme let through), so any escaping we miss shows up in its output.
@Suite("Markdown column")
struct MarkdownColumnTests {
    @Test func sampleHasHeaderSectionsInFixedOrderAndItemsByDate() throws {
        let column = Fixtures.sample()
        let markdown = try ColumnRenderer.render(column, as: .md)
        let headings = markdown.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
        let used = Set(column.items.map(\.category))
        let expectedSections = Fixtures.categories.filter { used.contains($0.id) }.map { Escape.markdown($0.title) }
        #expect(headings == ["本月数据 This month"] + expectedSections + ["志愿者光荣榜 Roll of honour"])
        // Item 15 was published before item 11 in the same category.
        let first = try #require(markdown.range(of: Escape.markdown("早于同类的一篇电商文章")))
        let second = try #require(markdown.range(of: Escape.markdown("抖音小店新手开店指南：选品与定价")))
        #expect(first.lowerBound < second.lowerBound)
    }

    @Test func headerFiguresShowExactCounts() throws {
        let markdown = try ColumnRenderer.render(Fixtures.sample(), as: .md)
        let figures = Fixtures.sampleFigures
        #expect(markdown.contains("- 投稿 Submissions：\(figures.submissions)\n"))
        #expect(markdown.contains("- 志愿者 Volunteers：\(figures.volunteers)\n"))
        #expect(markdown.contains("- 采纳 Approved：\(figures.approved)\n"))
        #expect(markdown.contains("- 合并重复 Duplicates merged：\(figures.duplicatesMerged)\n"))
        let total = figures.rejectedByReason.values.reduce(0, +)
        let reasons = figures.rejectedByReason.keys.sorted().map { "\($0) \(figures.rejectedByReason[$0] ?? 0)" }
        #expect(markdown.contains("- 未采纳 Rejected：" + Escape.markdown("\(total)（\(reasons.joined(separator: "，"))）") + "\n"))
        // Sites with equal counts are listed by name.
        #expect(markdown.contains("- 主要来源 Top sites：" + Escape.markdown("36kr.com 1，mp.weixin.qq.com 1，zhihu.com 1") + "\n"))
    }

    @Test func rollIsSortedByAcceptedItemsWithTagTitles() throws {
        let markdown = try ColumnRenderer.render(Fixtures.sample(), as: .md)
        let roll = try #require(markdown.components(separatedBy: "## 志愿者光荣榜 Roll of honour\n\n").last)
        #expect(roll.split(separator: "\n").map(String.init) == [
            "- " + Escape.markdown("阿明：3 条（电商 E-commerce、内容创作 Content）"),
            "- " + Escape.markdown("小红：2 条（AI 工具 AI tools、电商 E-commerce）"),
            "- " + Escape.markdown("老张：2 条（淘宝客/返利 Affiliate）"),
        ])
    }

    @Test func riskSourceAndCreditNotes() throws {
        let markdown = try ColumnRenderer.render(Fixtures.sample(), as: .md)
        #expect(markdown.contains("> " + Escape.markdown("风险提示：夸大宣传「躺赚」；收益承诺「一周躺赚五千」")))
        #expect(markdown.contains(Escape.markdown("原文已删除：source deleted on 2026-11-23; evidence captured on 2026-11-04")))
        #expect(markdown.contains(Escape.markdown("发现者：阿明；也报告了 also reported by：小红、老张")))
        #expect(!markdown.contains("原文已改动"), "an alive source carries no note")
    }

    @Test func commonMarkRenderingOfTheSampleHasOneLinkPerItem() throws {
        guard let html = try CommonMark.render(try ColumnRenderer.render(Fixtures.sample(), as: .md)) else { return }
        #expect(html.components(separatedBy: "<a href=").count - 1 == Fixtures.sampleItems.count)
        #expect(html.components(separatedBy: "<h3>").count - 1 == Fixtures.sampleItems.count)
        #expect(html.contains("<a href=\"https://mp.weixin.qq.com/s/AbCdEf?scene=1&amp;from=timeline\">"))
        #expect(html.contains("第二段：退货率是关键。"))
    }

    @Test func hostileTitlesNotesAndLinksStayText() throws {
        let column = Fixtures.hostile()
        let markdown = try ColumnRenderer.render(column, as: .md)
        #expect(!markdown.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{1B}" || $0 == "\u{0}" || $0 == "\u{FFFE}" })
        guard let html = try CommonMark.render(markdown) else { return }
        for forbidden in ["<script", "<img", "<iframe", "<b>", "<i>", "<em>", "<strong>", "<code>", "<del>",
                          "href=\"javascript", "href=\"data"] {
            #expect(!html.contains(forbidden), "cmark output contains \(forbidden)")
        }
        let anchors = html.components(separatedBy: "<a href=\"").dropFirst()
        #expect(anchors.count == Fixtures.linkedCount(column))
        #expect(anchors.allSatisfy { $0.hasPrefix("https://") })
        // The injected heading stayed inside the item's own heading line.
        #expect(html.components(separatedBy: "<h1>").count == 2)
        #expect(html.contains("换行注入 # 伪造的标题 &lt;img src=x onerror=alert(1)&gt;</a></h3>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;日入过万"))
        #expect(html.contains("[点我领钱](javascript:alert(document.cookie))"))
        #expect(html.contains("https://ok.example/%E8%B7%AF%E5%BE%84?a=1&amp;b=%3Cx%3E%22y%22%28%27z%27%29"))
    }

    @Test func emptyMonthSaysSo() throws {
        let markdown = try ColumnRenderer.render(Fixtures.empty(), as: .md)
        #expect(markdown.contains(Escape.markdown("本月没有发布的条目。No items were published this month.")))
        #expect(markdown.contains("- 投稿 Submissions：0\n"))
        #expect(!markdown.contains("### "))
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func corpusTitlesRenderAsTheirOwnText() throws {
        let column = try Fixtures.corpusColumn(#require(SharedCorpus.directory))
        guard let html = try CommonMark.render(try ColumnRenderer.render(column, as: .md)) else { return }
        #expect(html.components(separatedBy: "<a href=").count - 1 == Fixtures.linkedCount(column))
        for item in column.items {
            #expect(html.contains(">" + htmlText(item.title) + "</a></h3>"), "\(item.title)")
        }
    }

    /// How cmark writes a plain title as HTML text.
    private func htmlText(_ title: String) -> String {
        Escape.line(title).replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// The reference CommonMark renderer; nil (with a printed reason) where it is not installed.
enum CommonMark {
    static func render(_ markdown: String) throws -> String? {
        guard let cmark = Tool.find("cmark") else {
            print("cmark is not installed (apt-get install cmark): skipping the CommonMark rendering check")
            return nil
        }
        let output = try Tool.run(cmark, arguments: ["--unsafe"], input: Data(markdown.utf8))
        return String(decoding: output.stdout, as: UTF8.self)
    }
}
