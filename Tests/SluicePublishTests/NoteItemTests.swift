import SluiceCore
import Foundation
import Testing
import SluicePublish

/// Volunteers' notes (intel without a link) in every format, and the sanitized HTML frozen as evidence.
@Suite("Volunteers' notes and frozen HTML")
struct NoteItemTests {
    static let longNote = "朋友在做社区团购，说鸡蛋牛奶不赚钱只引流，纸巾洗衣液这类标品才赚钱，团长抽成百分之十。"

    static func noteColumn(title: String = "") -> Column {
        let note = ColumnItem(id: 41, title: title, url: "", canonicalURL: "", site: nil, category: "private_domain",
                              summary: longNote, flags: [], volunteers: ["老陈"], publishedAt: Fixtures.day(2),
                              capturedAt: Fixtures.day(1), evidenceSHA256: SHA256.hex(Data(longNote.utf8)), source: nil)
        var column = Fixtures.sample()
        column.items.append(note)
        return column
    }

    @Test func aNoteHasNoLinkLineAndItsTextOnce() throws {
        let column = Self.noteColumn()
        let markdown = try ColumnRenderer.render(column, as: .md)
        #expect(markdown.contains("### 志愿者笔记 Volunteer note\n\n收录于 2026-11-05\n\n" + Self.longNote + "\n"))
        #expect(!markdown.contains("链接已省略"))
        let html = try ColumnRenderer.render(column, as: .html)
        let article = try #require(html.components(separatedBy: "<article id=\"item-41\"").last?
            .components(separatedBy: "</article>").first)
        #expect(article.hasPrefix(" class=\"volunteer-note\">") && !article.contains("<a "))
        #expect(occurrences(Self.longNote, in: html) == 1)
        if XMLLint.tool != nil {
            #expect(try XMLLint.xpath("string(//article[@id='item-41']/h3)", in: html, html: true) == "志愿者笔记 Volunteer note")
        }
        let atom = try ColumnRenderer.render(column, as: .atom)
        let entry = try #require(atom.components(separatedBy: "<entry>").first { $0.contains("item/41<") })
        #expect(!entry.contains("<link"))
        #expect(entry.contains("<title type=\"text\">志愿者笔记：朋友在做社区团购，说鸡蛋牛奶不赚钱只引流，纸巾洗衣液这类标品…</title>"))
        #expect(try XMLLint.wellFormednessErrors(atom) ?? "" == "")
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(try ColumnRenderer.render(column, as: .json).utf8))
                                as? [String: Any])
        let item = try #require((feed["items"] as? [[String: Any]])?.first { $0["id"] as? String == Fixtures.entryID(41) })
        #expect(item["url"] == nil && item["external_url"] == nil)
        #expect((item["tags"] as? [String])?.contains("志愿者笔记") == true)
        let ext = try #require(item["_sluice"] as? [String: Any])
        #expect(ext["kind"] as? String == "note" && ext["submitted_url"] == nil)
    }

    @Test func aModeratorsTitleHeadsTheNoteEverywhere() throws {
        let column = Self.noteColumn(title: "团购标品才赚钱")
        #expect(try ColumnRenderer.render(column, as: .md).contains("### 志愿者笔记：团购标品才赚钱\n"))
        #expect(try ColumnRenderer.render(column, as: .atom).contains("<title type=\"text\">志愿者笔记：团购标品才赚钱</title>"))
        #expect(try ColumnRenderer.render(column, as: .json).contains("\"title\" : \"志愿者笔记：团购标品才赚钱\""))
    }

    @Test func frozenHTMLIsBuiltFromEscapedTextOnly() {
        let text = "<script>alert(1)</script>第一段\u{202E}反转\n\n<a href=\"javascript:alert(2)\">第二段</a>\u{1B}[31m"
        let evidence = FrozenEvidence.freeze(title: "<img src=x onerror=alert(3)>标题", text: text, capturedAt: Fixtures.day(1))
        #expect(evidence.text == text)
        #expect(evidence.sanitizedHTML == """
            <article>
            <h1 dir="auto">&lt;img src=x onerror=alert(3)&gt;标题</h1>
            <p dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;第一段反转</p>
            <p dir="auto">&lt;a href=&quot;javascript:alert(2)&quot;&gt;第二段&lt;/a&gt;[31m</p>
            </article>

            """)
        #expect(evidence.htmlSHA256 == SHA256.hex(Data(evidence.sanitizedHTML.utf8)))
        #expect(evidence.isIntact)
        #expect(FrozenEvidence.freeze(title: nil, text: "", capturedAt: Fixtures.day(1)).sanitizedHTML == "<article>\n</article>\n")
    }

    private func occurrences(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
