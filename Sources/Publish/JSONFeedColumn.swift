import Foundation
import SluiceCore

/// The column as JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written by Foundation's encoder with
/// sorted keys. CJK text stays as UTF-8; `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` so the
/// feed can be embedded in an HTML `<script>` block or JavaScript source unchanged. Our own fields live
/// under `_sluice`, as the specification asks of extensions.
enum JSONFeedColumn {
    static func render(_ column: Column, layout: ColumnLayout, addresses: FeedAddresses) -> String {
        let feed = Feed(
            title: line(column.title),
            homePageURL: addresses.html,
            feedURL: addresses.json,
            description: ColumnWording.subtitle(column),
            authors: column.site.title.map { [Author(name: line($0))] },
            items: layout.sections.flatMap { section in
                section.items.map { feedItem($0, layout: layout, id: addresses.itemID($0.id)) }
            },
            extension: FeedExtension(month: column.month, generatedAt: ColumnWording.timestamp(column.generatedAt),
                                     categories: column.categories, figures: Figures(column.figures, topSites: layout.topSites),
                                     roll: layout.roll))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding fails only for non-finite floating-point values, and the feed holds none.
        guard let data = try? encoder.encode(feed) else { return "{}\n" }
        return escapeForEmbedding(String(decoding: data, as: UTF8.self)) + "\n"
    }

    private static func feedItem(_ item: ColumnItem, layout: ColumnLayout, id: String) -> FeedItem {
        let notes = [ColumnWording.warningNote(item.flags), ColumnWording.riskNote(item.flags), ColumnWording.sourceNote(item), ColumnWording.credit(item.volunteers)]
        let text = ([ColumnWording.byline(item), item.summary.map(Escape.paragraphs)] + notes)
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n")
        return FeedItem(
            id: id,
            url: Escape.httpURL(item.canonicalURL),
            externalURL: Escape.httpURL(item.url).flatMap { $0 == Escape.httpURL(item.canonicalURL) ? nil : $0 },
            title: line(ColumnWording.entryTitle(item)),
            summary: item.summary.map(Escape.paragraphs),
            contentText: Escape.cleaned(text, keepingLines: true),
            datePublished: ColumnWording.timestamp(item.publishedAt),
            tags: [layout.categoryTitle(item.category)] + ColumnWording.tags(item),
            authors: item.volunteers.map { Author(name: line($0)) },
            extension: ItemExtension(category: item.category,
                                     flags: item.flags.map {
                                         RiskFlag(family: $0.family, rule: $0.rule, matched: line($0.matched), warned: $0.warned)
                                     },
                                     volunteers: item.volunteers.map(line), site: item.site.map(line),
                                     kind: item.isNote ? "note" : "link",
                                     articleDate: ColumnWording.articleDay(item),
                                     submittedURL: item.isNote ? nil : item.url,
                                     capturedAt: item.capturedAt.map(ColumnWording.timestamp),
                                     evidenceSHA256: item.evidenceSHA256,
                                     sourceState: item.source?.state.rawValue,
                                     sourceCheckedAt: item.source.map { ColumnWording.timestamp($0.checkedAt) }))
    }

    /// Untrusted one-line text without controls or bidi overrides; the encoder does the JSON escaping.
    private static func line(_ text: String) -> String {
        Escape.line(text)
    }

    /// The encoder's output holds `<`, `>` and `&` only inside strings, so replacing them everywhere keeps
    /// the JSON equal while making it inert inside HTML.
    static func escapeForEmbedding(_ json: String) -> String {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(json.utf8.count + json.utf8.count / 16)
        let source = Array(json.utf8)
        var index = 0
        while index < source.count {
            let byte = source[index]
            switch byte {
            case UInt8(ascii: "<"): escaped += Array("\\u003c".utf8)
            case UInt8(ascii: ">"): escaped += Array("\\u003e".utf8)
            case UInt8(ascii: "&"): escaped += Array("\\u0026".utf8)
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            case 0xE2 where index + 2 < source.count && source[index + 1] == 0x80
                && (source[index + 2] == 0xA8 || source[index + 2] == 0xA9):
                escaped += Array((source[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 2
            default:
                escaped.append(byte)
            }
            index += 1
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private struct Feed: Encodable {
        let version = "https://jsonfeed.org/version/1.1"
        var title: String
        var homePageURL: String
        var feedURL: String
        var description: String
        var authors: [Author]?
        let language = "zh-CN"
        var items: [FeedItem]
        var `extension`: FeedExtension

        enum CodingKeys: String, CodingKey {
            case version, title, description, authors, language, items
            case homePageURL = "home_page_url"
            case feedURL = "feed_url"
            case `extension` = "_sluice"
        }
    }

    private struct FeedItem: Encodable {
        var id: String
        var url: String?
        var externalURL: String?
        var title: String
        var summary: String?
        var contentText: String
        var datePublished: String
        var tags: [String]
        var authors: [Author]
        var `extension`: ItemExtension

        enum CodingKeys: String, CodingKey {
            case id, url, title, summary, tags, authors
            case externalURL = "external_url"
            case contentText = "content_text"
            case datePublished = "date_published"
            case `extension` = "_sluice"
        }
    }

    private struct Author: Encodable {
        var name: String
    }

    private struct FeedExtension: Encodable {
        var month: String
        var generatedAt: String
        var categories: [CategoryInfo]
        var figures: Figures
        var roll: [VolunteerCredit]

        enum CodingKeys: String, CodingKey {
            case month, categories, figures, roll
            case generatedAt = "generated_at"
        }
    }

    /// `ColumnFigures` with the feed's snake_case keys; reasons are sorted by the encoder.
    private struct Figures: Encodable {
        var submissions: Int
        var volunteers: Int
        var approved: Int
        var rejected: Int
        var rejectedByReason: [String: Int]
        var duplicatesMerged: Int
        var topSites: [SiteCount]

        init(_ figures: ColumnFigures, topSites: [SiteCount]) {
            submissions = figures.submissions
            volunteers = figures.volunteers
            approved = figures.approved
            rejected = figures.rejected
            rejectedByReason = figures.rejectedByReason
            duplicatesMerged = figures.duplicatesMerged
            self.topSites = topSites
        }

        enum CodingKeys: String, CodingKey {
            case submissions, volunteers, approved, rejected
            case rejectedByReason = "rejected_by_reason"
            case duplicatesMerged = "duplicates_merged"
            case topSites = "top_sites"
        }
    }

    private struct ItemExtension: Encodable {
        var category: String
        var flags: [RiskFlag]
        var volunteers: [String]
        var site: String?
        var kind: String
        var articleDate: String?
        var submittedURL: String?
        var capturedAt: String?
        var evidenceSHA256: String?
        var sourceState: String?
        var sourceCheckedAt: String?

        enum CodingKeys: String, CodingKey {
            case category, flags, volunteers, site, kind
            case articleDate = "article_date"
            case submittedURL = "submitted_url"
            case capturedAt = "captured_at"
            case evidenceSHA256 = "evidence_sha256"
            case sourceState = "source_state"
            case sourceCheckedAt = "source_checked_at"
        }
    }
}
