import Foundation
import SluiceCore
import SluiceReview
import SluiceTestSupport

/// Cards like the ones the store will hand the screen: Chinese titles, hype flags, reposts, and hostile text.
enum Fixtures {
    static let hostileTitle = "月入过万\u{1B}]52;c;cm0gLXJmIH4=\u{07}\u{1B}[2J\u{1B}[H\u{202E}moc.evil\u{200B}"

    static func card(_ id: Int64, title: String, priority: Double, site: String = "www.sohu.com") -> ReviewCard {
        ReviewCard(
            id: id, version: 1, state: ItemState.pendingReview.rawValue, title: title, site: site,
            url: "https://\(site)/a/\(id)?utm_source=wx", canonicalURL: "https://\(site)/a/\(id)",
            reports: [VolunteerReport(volunteer: "张三", note: "朋友圈看到的，感觉像割韭菜", submittedAt: "2026-11-01"),
                      VolunteerReport(volunteer: "lee", note: nil, submittedAt: "2026-11-03")],
            category: "副业", categorySource: CategorySource.rule.rawValue, matchedTerms: ["副业", "兼职"],
            flags: [RiskFlag(family: "hype", rule: "hype-daily-income", matched: "日入过万")],
            pApprove: 0.37, priority: priority,
            excerpt: "很多人问我下班后做什么副业能赚钱。这篇文章整理了十个真实案例，每个都附上了投入和回报的数字。",
            problems: [], clusterSize: 3,
            history: ["site \(site): 3 approved, 1 rejected (hype/scam)"])
    }

    /// Three ordinary cards in falling priority: #1 first.
    static func queue() -> [ReviewCard] {
        [card(1, title: "下班后做的十个副业，真实收入公开", priority: 0.9),
         card(2, title: "日入过万的躺赚项目？拆穿三个骗局", priority: 0.7, site: "www.zhihu.com"),
         card(3, title: "A plain English title about side hustles", priority: 0.5, site: "36kr.com")]
    }

    /// Titles and bodies of real Chinese pages from the shared corpus, as cards; empty without the corpus.
    static func corpusCards(limit: Int) -> [ReviewCard] {
        guard let directory = SharedCorpus.directory else { return [] }
        var cards: [ReviewCard] = []
        for object in corpusRows(directory) {
            guard let title = object["title"] as? String else { continue }
            var card = card(Int64(cards.count + 1), title: title, priority: 1 - Double(cards.count) / 1_000)
            card.excerpt = (object["body"] as? String).map { String($0.prefix(400)) }
            card.url = object["url"] as? String ?? card.url
            cards.append(card)
            if cards.count == limit { break }
        }
        return cards
    }

    /// The ground truth of every Chinese page of the corpus that has a title.
    static func corpusRows(_ directory: URL) -> [[String: Any]] {
        guard let manifest = try? String(contentsOf: directory.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        else { return [] }
        return manifest.split(separator: "\n").dropFirst().compactMap { row in
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > 6, fields[6] == "zh", fields[4] == "true" else { return nil }
            let truth = directory.appendingPathComponent(fields[0]).appendingPathComponent(fields[1] + ".json")
            guard let data = try? Data(contentsOf: truth) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }
}
