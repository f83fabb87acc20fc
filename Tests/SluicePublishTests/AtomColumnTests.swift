import Foundation
import Testing
import SluicePublish
import SluiceTestSupport

/// Every feed is checked by xmllint: well-formed XML 1.0, then the elements RFC 4287 requires, read back
/// through XPath, and the text of hostile titles read back unchanged.
@Suite("Atom column")
struct AtomColumnTests {
    private func atom(_ path: String) -> String {
        "//*[local-name()='\(path)']"
    }

    /// Well-formed and valid against `AtomSchema`; false (after recording or printing why) otherwise.
    private func requireWellFormed(_ feed: String) throws -> Bool {
        guard let errors = try XMLLint.wellFormednessErrors(feed) else {
            print(XMLLint.missing)
            return false
        }
        #expect(errors.isEmpty, "xmllint: \(errors)")
        let violations = try AtomSchema.violations(feed) ?? ""
        #expect(violations.isEmpty, "RELAX NG: \(violations)")
        return errors.isEmpty && violations.isEmpty
    }

    /// RFC 4287 §4.1.1 and §4.1.2: a feed has exactly one id, title and updated; so does each entry, and an
    /// entry without an alternate link has content. Dates are RFC 3339 in UTC.
    private func checkRequiredElements(_ feed: String, entries: Int) throws {
        #expect(try XMLLint.xpath("count(/*[local-name()='feed' and namespace-uri()='http://www.w3.org/2005/Atom'])", in: feed) == "1")
        for element in ["id", "title", "updated", "author"] {
            #expect(try XMLLint.xpath("count(/*/*[local-name()='\(element)'])", in: feed) == "1", "feed \(element)")
        }
        #expect(try XMLLint.xpath("count(\(atom("entry")))", in: feed) == "\(entries)")
        for element in ["id", "title", "updated", "published", "content"] {
            #expect(try XMLLint.xpath("count(\(atom("entry"))[count(*[local-name()='\(element)']) != 1])", in: feed) == "0",
                    "every entry has one \(element)")
        }
        #expect(try XMLLint.xpath("count(//*[@type and @type != 'text' and local-name() != 'link'])", in: feed) == "0")
        let dates = try XMLLint.xpath("\(atom("updated"))/text() | \(atom("published"))/text()", in: feed)
        #expect(dates.split(separator: "\n").allSatisfy { $0.count == 20 && $0.hasSuffix("Z") })
        let ids = try XMLLint.xpath("\(atom("entry"))/*[local-name()='id']/text()", in: feed).split(separator: "\n")
        #expect(Set(ids).count == entries, "entry ids are unique")
    }

    @Test func sampleIsWellFormedAndComplete() throws {
        let column = Fixtures.sample()
        let feed = try ColumnRenderer.render(column, as: .atom)
        guard try requireWellFormed(feed) else { return }
        try checkRequiredElements(feed, entries: column.items.count)
        #expect(try XMLLint.xpath("string(\(atom("entry"))[1]/*[local-name()='title'])", in: feed) == "早于同类的一篇电商文章")
        #expect(try XMLLint.xpath("string(\(atom("entry"))[3]/*[local-name()='link']/@href)", in: feed)
                == "https://mp.weixin.qq.com/s/AbCdEf?scene=1&from=timeline")
        #expect(try XMLLint.xpath("string(\(atom("entry"))[3]/*[local-name()='category']/@label)", in: feed) == "淘宝客/返利 Affiliate")
        #expect(try XMLLint.xpath("count(\(atom("entry"))[2]/*[local-name()='author'])", in: feed) == "3")
        let content = try XMLLint.xpath("string(\(atom("entry"))[3]/*[local-name()='content'])", in: feed)
        #expect(content.contains("风险提示：夸大宣传「躺赚」；收益承诺「一周躺赚五千」"))
        #expect(content.contains("原文已删除：source deleted on 2026-11-23; evidence captured on 2026-11-04"))
    }

    @Test func hostileTitlesKeepTheFeedWellFormed() throws {
        let column = Fixtures.hostile()
        let feed = try ColumnRenderer.render(column, as: .atom)
        #expect(!feed.unicodeScalars.contains { $0 == "\u{FFFE}" || $0 == "\u{FFFF}" || $0 == "\u{1}" || $0 == "\u{B}" })
        guard try requireWellFormed(feed) else { return }
        try checkRequiredElements(feed, entries: column.items.count)
        #expect(try XMLLint.xpath("count(\(atom("entry"))/*[local-name()='link'])", in: feed) == "\(Fixtures.linkedCount(column))")
        #expect(try XMLLint.xpath("count(\(atom("link"))[not(starts-with(@href, 'https://'))])", in: feed) == "0")
        for (index, title) in Fixtures.hostileTitles.enumerated() {
            let parsed = try XMLLint.xpath("string(\(atom("entry"))[*[local-name()='id']='\(Fixtures.entryID(Int64(100 + index)))']/*[local-name()='title'])", in: feed)
            #expect(parsed == Escape.line(title), "title \(index)")
        }
        #expect(try XMLLint.xpath("count(//*[local-name()='script' or local-name()='img' or local-name()='b'])", in: feed) == "0")
    }

    @Test func emptyMonthIsAValidFeedWithoutEntries() throws {
        let feed = try ColumnRenderer.render(Fixtures.empty(), as: .atom)
        guard try requireWellFormed(feed) else { return }
        try checkRequiredElements(feed, entries: 0)
    }

    @Test func illFormedInputIsCaughtByTheCheck() throws {
        // The check itself must be able to fail: a raw U+FFFE and an unescaped `<` are rejected.
        let broken = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed><title>\u{FFFE} <x</title></feed>\n"
        guard let errors = try XMLLint.wellFormednessErrors(broken) else { print(XMLLint.missing); return }
        #expect(!errors.isEmpty)
    }

    @Test func schemaRejectsWhatRFC4287OrOurRulesForbid() throws {
        let valid = try ColumnRenderer.render(Fixtures.sample(), as: .atom)
        let broken = [
            valid.replacingOccurrences(of: "<title type=\"text\">早于", with: "<title type=\"html\">早于"),
            valid.replacingOccurrences(of: "<id>\(Fixtures.entryID(15))</id>", with: ""),
            valid.replacingOccurrences(of: "<updated>2026-11-03T02:00:00Z</updated>", with: "<updated>2026-11-03</updated>"),
            valid.replacingOccurrences(of: "<generator>sluice</generator>", with: "<generator>sluice</generator><script/>"),
        ]
        for feed in broken {
            #expect(feed != valid)
            guard let violations = try AtomSchema.violations(feed) else { print(XMLLint.missing); return }
            #expect(!violations.isEmpty)
        }
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func corpusColumnIsWellFormedAndComplete() throws {
        let column = try Fixtures.corpusColumn(#require(SharedCorpus.directory))
        let feed = try ColumnRenderer.render(column, as: .atom)
        guard try requireWellFormed(feed) else { return }
        try checkRequiredElements(feed, entries: column.items.count)
    }
}
