import Foundation
@testable import SluiceCore
import SluiceTestSupport
import Testing

/// The WHATWG "prescan a byte stream to determine its encoding" algorithm, case by case.
@Suite struct CharsetPrescanTests {
    private func prescan(_ html: String) -> String? {
        CharsetSniffing.declaredEncoding(Data(html.utf8))?.name
    }

    @Test(arguments: [
        ("<meta\r\ncharset=\"windows-1251\">", "windows-1251"),
        ("<meta\ncharset=koi8-r>", "koi8-r"),
        ("<meta\tcharset='iso-8859-2'>", "iso-8859-2"),
        ("<meta\u{0C}charset=gbk>", "gb18030"),
        ("<meta/charset=koi8-r>", "koi8-r"),
        ("<META CHARSET=\"WINDOWS-1251\">", "windows-1251"),
        ("<meta charset = \"windows-1251\" >", "windows-1251"),
        ("<meta name=x charset=windows-1251 />", "windows-1251"),
    ])
    func anyASCIIWhiteSpaceOrSlashSeparatesAttributes(html: String, expected: String) {
        #expect(prescan(html) == expected, "\(html.debugDescription)")
    }

    @Test func httpEquivAndContentTogetherInEitherOrder() {
        #expect(prescan(#"<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">"#) == "windows-1251")
        #expect(prescan(#"<meta content="text/html;charset=KOI8-R" http-equiv=content-type>"#) == "koi8-r")
        #expect(prescan(#"<meta http-equiv="content-type" content='text/html; charset="iso-8859-2"'>"#) == "iso-8859-2")
        #expect(prescan(#"<meta http-equiv="content-type" content="text/html; charset = koi8-r ;">"#) == "koi8-r")
    }

    @Test func contentWithoutThePragmaIsNoDeclaration() {
        #expect(prescan(#"<meta content="text/html; charset=koi8-r"><meta name="x" content="charset=gbk">"#) == nil)
        #expect(prescan(#"<meta content="text/html; charset=koi8-r"><meta charset="iso-8859-2">"#) == "iso-8859-2")
    }

    @Test func theFirstAttributeOfANameCountsAndTheFirstCharsetWins() {
        #expect(prescan(#"<meta charset="koi8-r" charset="gbk">"#) == "koi8-r")
        #expect(prescan(#"<meta http-equiv="content-type" content="text/html; charset=gbk" charset="koi8-r">"#) == "gb18030")
    }

    @Test func commentsAndOtherTagsAttributesAreSkipped() {
        #expect(prescan(#"<!-- <meta charset="gbk"> --><meta charset="windows-1251">"#) == "windows-1251")
        #expect(prescan(#"<!--><meta charset="koi8-r">"#) == "koi8-r")
        #expect(prescan(#"<div title="<meta charset=gbk>"><meta charset="iso-8859-2">"#) == "iso-8859-2")
        #expect(prescan(#"<!DOCTYPE html><?php x ?></p ><meta charset="koi8-r">"#) == "koi8-r")
        #expect(prescan(#"<metadata charset="gbk"><meta charset="koi8-r">"#) == "koi8-r")
    }

    @Test func unusableLabelsMoveOnAndUTF16IsReadAsUTF8() {
        #expect(prescan(#"<meta charset="no-such-charset"><meta charset="windows-1251">"#) == "windows-1251")
        #expect(prescan(#"<meta charset="utf-16le">"#) == "utf-8")
        #expect(prescan(#"<meta charset="x-user-defined">"#) == "windows-1252")
        #expect(prescan(#"<meta charset="utf-7"><meta charset="koi8-r">"#) == "koi8-r")
    }

    @Test func onlyTheWindowIsRead() {
        let padding = "<p>" + String(repeating: "x", count: CharsetSniffing.prescanLength) + "</p>"
        #expect(prescan(padding + #"<meta charset="koi8-r">"#) == nil)
        #expect(prescan(#"<meta charset="koi8-r">"# + padding) == "koi8-r")
    }

    /// Pages in the legacy encodings of Russian and Central Europe, declared in each way the prescan reads.
    @Test(arguments: [
        ("WINDOWS-1251", "<meta\r\ncharset=\"windows-1251\">", "Заработок на фрилансе: как начать", "windows-1251"),
        ("KOI8-R", #"<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">"#, "Подработка для студентов", "koi8-r"),
        ("ISO-8859-2", "<meta/charset=iso-8859-2>", "Jak zarobić w internecie: żółć, gęślą jaźń", "iso-8859-2"),
        ("WINDOWS-1250", "<!-- <meta charset=gbk> --><meta charset='windows-1250'>", "Přivýdělek na internetu", "windows-1250"),
    ])
    func legacyEuropeanPagesDecodeWithoutMojibake(iconvName: String, meta: String, title: String, charset: String) throws {
        let html = "<!DOCTYPE html><html><head>\(meta)<title>\(title)</title></head><body><p>\(title). \(title).</p></body></html>"
        let body = try TextEncoder.encode(html, to: iconvName)
        let decoded = CharsetDecoder.decode(body, contentType: "text/html")
        #expect(decoded.charset == charset)
        #expect(decoded.basis == .meta)
        #expect(decoded.text.contains(title))
    }
}
