import SluiceCore
import Foundation
import Testing
import SluicePublish
import SluiceTestSupport

/// The JSON Feed is read back by Foundation's JSON parser: a valid document, the 1.1 required fields,
/// CJK text as UTF-8, and nothing that would close a `<script>` element it is embedded in.
@Suite("JSON Feed column")
struct JSONFeedColumnTests {
    private func parse(_ json: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    private func items(_ feed: [String: Any]) throws -> [[String: Any]] {
        try #require(feed["items"] as? [[String: Any]])
    }

    @Test func sampleIsJSONFeed11WithItemsInColumnOrder() throws {
        let column = Fixtures.sample()
        let json = try ColumnRenderer.render(column, as: .json)
        let feed = try parse(json)
        #expect(feed["version"] as? String == "https://jsonfeed.org/version/1.1")
        #expect(feed["title"] as? String == column.title)
        let entries = try items(feed)
        #expect(entries.map { $0["id"] as? String } == [15, 11, 13, 14, 12].map { Fixtures.entryID($0) })
        for entry in entries {
            #expect(entry["content_text"] is String)
            #expect((entry["url"] as? String)?.hasPrefix("https://") == true)
        }
        let weixin = try #require(entries.first { $0["id"] as? String == Fixtures.entryID(13) })
        #expect(weixin["url"] as? String == "https://mp.weixin.qq.com/s/AbCdEf?scene=1&from=timeline")
        #expect(weixin["date_published"] as? String == "2026-11-06T02:00:00Z")
        #expect((weixin["authors"] as? [[String: String]])?.map { $0["name"] } == ["老张"])
        #expect(weixin["tags"] as? [String] == ["淘宝客/返利 Affiliate", "夸大宣传", "收益承诺"])
        let sluice = try #require(weixin["_sluice"] as? [String: Any])
        #expect(sluice["source_state"] as? String == "deleted")
        #expect(sluice["evidence_sha256"] as? String == SHA256.hex(Data("一周躺赚五千？拆解某返利群的真实收益".utf8)))
    }

    @Test func figuresAndRollAreInTheExtension() throws {
        let feed = try parse(try ColumnRenderer.render(Fixtures.sample(), as: .json))
        let sluice = try #require(feed["_sluice"] as? [String: Any])
        let figures = try #require(sluice["figures"] as? [String: Any])
        let expected = Fixtures.sampleFigures
        #expect(figures["submissions"] as? Int == expected.submissions)
        #expect(figures["rejected"] as? Int == expected.rejectedByReason.values.reduce(0, +))
        #expect(figures["rejected_by_reason"] as? [String: Int] == expected.rejectedByReason)
        #expect(figures["duplicates_merged"] as? Int == expected.duplicatesMerged)
        let roll = try #require(sluice["roll"] as? [[String: Any]])
        #expect(roll.map { $0["name"] as? String } == ["阿明", "小红", "老张"])
    }

    @Test func cjkIsUTF8AndHTMLSignificantCharactersAreEscaped() throws {
        let json = try ColumnRenderer.render(Fixtures.hostile(), as: .json)
        #expect(json.contains("日入过万"))
        #expect(!json.contains("\\u65e5"), "CJK must not be written as \\u escapes")
        for raw in ["<", ">", "&", "\u{2028}", "\u{2029}", "\u{202E}", "\\/"] {
            #expect(!json.contains(raw), "\(raw.unicodeScalars.map { String($0.value, radix: 16) }) in the feed")
        }
        #expect(json.contains("\\u003cscript\\u003e"))
        let entries = try items(parse(json))
        let first = try #require(entries.first { $0["id"] as? String == Fixtures.entryID(100) })
        #expect(first["title"] as? String == "<script>alert(1)</script>日入过万")
        for entry in entries {
            if let url = entry["url"] as? String { #expect(url.hasPrefix("https://")) }
        }
        #expect(entries.filter { $0["url"] != nil }.count == Fixtures.linkedCount(Fixtures.hostile()))
    }

    @Test func emptyMonthHasNoItems() throws {
        let feed = try parse(try ColumnRenderer.render(Fixtures.empty(), as: .json))
        #expect(try items(feed).isEmpty)
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func corpusTitlesRoundTrip() throws {
        let column = try Fixtures.corpusColumn(#require(SharedCorpus.directory))
        let entries = try items(parse(try ColumnRenderer.render(column, as: .json)))
        #expect(entries.count == column.items.count)
        let titles = Dictionary(uniqueKeysWithValues: column.items.map { (Fixtures.entryID($0.id), Escape.line($0.title)) })
        for entry in entries {
            let id = try #require(entry["id"] as? String)
            #expect(entry["title"] as? String == titles[id])
        }
    }
}
