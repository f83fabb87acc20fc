import Foundation
import SluiceCore
import SluicePublish
import SluiceTestSupport
import Testing

/// An item that warns against a scheme keeps the flag, and every format shows the warning in a box of its
/// own ("⚠ 避坑") apart from the risk note of what an item promotes, escaped like every other field.
@Suite struct WarningBoxTests {
    static let hostile = "<b>拉人头</b>\u{202E}&"

    static func column() -> Column {
        let item = Fixtures.item(300, title: "拼多多砍价群避坑", category: "risk_warning",
                                 flags: [RiskFlag(family: "recruiting", rule: "recruiting", matched: hostile, warned: true),
                                         RiskFlag(family: "hype", rule: "hype_words", matched: "躺赚")])
        return Column(month: "2026-11", title: "月刊", categories: Fixtures.categories, items: [item],
                      figures: ColumnFigures(submissions: 1, volunteers: 1, approved: 1, rejectedByReason: [:],
                                             duplicatesMerged: 0, topSites: []),
                      roll: [], generatedAt: Fixtures.day(25), site: Fixtures.site)
    }

    @Test func markdownQuotesTheWarningApartFromTheRiskNote() throws {
        let markdown = try ColumnRenderer.render(Self.column(), as: .md)
        let lines = markdown.split(separator: "\n")
        let warning = lines.filter { $0.hasPrefix("> ⚠ 避坑：本文提醒警惕 拉人头「") }
        #expect(warning.count == 1)
        #expect(!markdown.contains("<b>") && !markdown.contains("\u{202E}"))
        let risk = lines.filter { $0.hasPrefix("> 风险提示：") }
        #expect(risk.count == 1)
        #expect(risk.allSatisfy { $0.contains("躺赚") && !$0.contains("拉人头") })
    }

    @Test func htmlBoxesTheWarningAndEscapesIt() throws {
        let html = try ColumnRenderer.render(Self.column(), as: .html)
        #expect(html.contains("<p class=\"warning\" dir=\"auto\">⚠ 避坑：本文提醒警惕 拉人头「&lt;b&gt;拉人头&lt;/b&gt;"))
        #expect(!html.contains("<b>拉人头"))
        #expect(html.contains(".warning {"))
    }

    @Test func jsonFeedKeepsTheWarnedMarkAndTagsIt() throws {
        let feed = try ColumnRenderer.render(Self.column(), as: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(feed.utf8)) as? [String: Any])
        let item = try #require((object["items"] as? [[String: Any]])?.first)
        #expect((item["content_text"] as? String)?.contains("⚠ 避坑：本文提醒警惕 拉人头") == true)
        #expect((item["tags"] as? [String])?.contains("⚠ 避坑") == true)
        let flags = try #require((item["_sluice"] as? [String: Any])?["flags"] as? [[String: Any]])
        #expect(flags.map { $0["warned"] as? Bool ?? false } == [true, false])
        #expect(!feed.contains("<b>"))
    }

    @Test func atomCarriesTheWarningInWellFormedText() throws {
        let feed = try ColumnRenderer.render(Self.column(), as: .atom)
        #expect(feed.contains("⚠ 避坑：本文提醒警惕 拉人头「&lt;b&gt;拉人头&lt;/b&gt;"))
        guard let errors = try XMLLint.wellFormednessErrors(feed) else {
            print(XMLLint.missing)
            return
        }
        #expect(errors.isEmpty, "xmllint: \(errors)")
    }
}
