import Foundation
import SluiceCore
@testable import SluiceMeasure
import SluiceTestSupport
import Testing

/// "闲鱼副业月入三千，淘宝客教程分享：每天花两个小时，在家就能做的兼职项目。" as GBK bytes.
private let gbkSentence: [UInt8] = [
    0xCF, 0xD0, 0xD3, 0xE3, 0xB8, 0xB1, 0xD2, 0xB5, 0xD4, 0xC2, 0xC8, 0xEB, 0xC8, 0xFD, 0xC7, 0xA7, 0xA3, 0xAC, 0xCC,
    0xD4, 0xB1, 0xA6, 0xBF, 0xCD, 0xBD, 0xCC, 0xB3, 0xCC, 0xB7, 0xD6, 0xCF, 0xED, 0xA3, 0xBA, 0xC3, 0xBF, 0xCC, 0xEC,
    0xBB, 0xA8, 0xC1, 0xBD, 0xB8, 0xF6, 0xD0, 0xA1, 0xCA, 0xB1, 0xA3, 0xAC, 0xD4, 0xDA, 0xBC, 0xD2, 0xBE, 0xCD, 0xC4,
    0xDC, 0xD7, 0xF6, 0xB5, 0xC4, 0xBC, 0xE6, 0xD6, 0xB0, 0xCF, 0xEE, 0xC4, 0xBF, 0xA1, 0xA3,
]
private let gbkSentenceText = "闲鱼副业月入三千，淘宝客教程分享：每天花两个小时，在家就能做的兼职项目。"

/// The same sentence in traditional characters as Big5 bytes.
private let big5Sentence: [UInt8] = [
    0xB6, 0xA2, 0xB3, 0xBD, 0xB0, 0xC6, 0xB7, 0x7E, 0xA4, 0xEB, 0xA4, 0x4A, 0xA4, 0x54, 0xA4, 0x64, 0xA1, 0x41, 0xB2,
    0x5E, 0xC4, 0x5F, 0xAB, 0xC8, 0xB1, 0xD0, 0xB5, 0x7B, 0xA4, 0xC0, 0xA8, 0xC9, 0xA1, 0x47, 0xA8, 0x43, 0xA4, 0xD1,
    0xAA, 0xE1, 0xA8, 0xE2, 0xAD, 0xD3, 0xA4, 0x70, 0xAE, 0xC9, 0xA1, 0x41, 0xA6, 0x62, 0xAE, 0x61, 0xB4, 0x4E, 0xAF,
    0xE0, 0xB0, 0xB5, 0xAA, 0xBA, 0xAD, 0xDD, 0xC2, 0xBE, 0xB6, 0xB5, 0xA5, 0xD8, 0xA1, 0x43,
]
private let big5SentenceText = "閒魚副業月入三千，淘寶客教程分享：每天花兩個小時，在家就能做的兼職項目。"

/// "日本語のテキストです。ひらがなとカタカナを含む文章を書きます。" as Shift_JIS bytes.
private let shiftJISSentence: [UInt8] = [
    0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0x82, 0xCC, 0x83, 0x65, 0x83, 0x4C, 0x83, 0x58, 0x83, 0x67, 0x82, 0xC5, 0x82,
    0xB7, 0x81, 0x42, 0x82, 0xD0, 0x82, 0xE7, 0x82, 0xAA, 0x82, 0xC8, 0x82, 0xC6, 0x83, 0x4A, 0x83, 0x5E, 0x83, 0x4A,
    0x83, 0x69, 0x82, 0xF0, 0x8A, 0xDC, 0x82, 0xDE, 0x95, 0xB6, 0x8F, 0xCD, 0x82, 0xF0, 0x8F, 0x91, 0x82, 0xAB, 0x82,
    0xDC, 0x82, 0xB7, 0x81, 0x42,
]

private func page(_ head: String, _ body: [UInt8]) -> Data {
    Data("<html><head>\(head)<title>t</title></head><body><p>".utf8) + Data(body) + Data("</p></body></html>".utf8)
}

@Suite struct CharsetLabelTests {
    @Test func gbkFamilyAndLatin1FollowWHATWG() {
        for label in ["gb2312", "GBK", " x-gbk ", "GB_2312-80", "gb18030", "chinese"] {
            #expect(CharsetDecoder.canonicalLabel(label) == "gb18030", "\(label)")
        }
        for label in ["latin1", "ISO-8859-1", "ascii", "us-ascii", "windows-1252"] {
            #expect(CharsetDecoder.canonicalLabel(label) == "windows-1252", "\(label)")
        }
        #expect(CharsetDecoder.canonicalLabel("big5-hkscs") == "big5")
        #expect(CharsetDecoder.canonicalLabel("x-sjis") == "shift_jis")
        #expect(CharsetDecoder.canonicalLabel("utf8") == "utf-8")
    }

    @Test func refusedAndUnknownLabelsHaveNoCodec() {
        for label in ["utf-7", "UTF-7", "iso-2022-kr", "hz-gb-2312", "replacement", "x-user-defined", "klingon", ""] {
            #expect(CharsetDecoder.canonicalLabel(label) == nil, "\(label)")
        }
    }

    @Test func everyLabelledCharsetDecodesASCII() {
        for label in ["utf-8", "gbk", "big5", "shift_jis", "euc-jp", "euc-kr", "iso-2022-jp", "koi8-r", "koi8-u",
                      "ibm866", "macintosh", "windows-874", "iso-8859-2", "iso-8859-16", "windows-1250", "windows-1258"] {
            let decoded = CharsetDecoder.decode(Data("<p>plain text</p>".utf8), contentType: "text/html; charset=\(label)")
            #expect(decoded.text == "<p>plain text</p>", "\(label)")
            #expect(decoded.basis == .header)
        }
    }
}

@Suite struct CharsetDecoderTests {
    @Test func headerCharsetDecodesGBK() {
        let decoded = CharsetDecoder.decode(page("", gbkSentence), contentType: "text/html; charset=GBK")
        #expect(decoded.charset == "gb18030")
        #expect(decoded.basis == .header)
        #expect(!decoded.repaired)
        #expect(decoded.text.contains(gbkSentenceText))
    }

    @Test func metaCharsetAndHTTPEquivAreRead() {
        let charsetMeta = CharsetDecoder.decode(page("<meta charset=\"gb2312\">", gbkSentence), contentType: "text/html")
        #expect(charsetMeta.basis == .meta)
        #expect(charsetMeta.charset == "gb18030")
        #expect(charsetMeta.text.contains(gbkSentenceText))
        let httpEquiv = CharsetDecoder.decode(
            page("<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=big5'>", big5Sentence), contentType: nil)
        #expect(httpEquiv.basis == .meta)
        #expect(httpEquiv.charset == "big5")
        #expect(httpEquiv.text.contains(big5SentenceText))
    }

    @Test func headerWinsOverMeta() {
        let decoded = CharsetDecoder.decode(page("<meta charset=\"big5\">", gbkSentence), contentType: "text/html;charset=gbk")
        #expect(decoded.basis == .header)
        #expect(decoded.text.contains(gbkSentenceText))
    }

    @Test func lyingUTF8MetaOnGBKBytesIsRepaired() {
        let decoded = CharsetDecoder.decode(page("<meta charset=\"utf-8\">", gbkSentence), contentType: nil)
        #expect(decoded.charset == "gb18030")
        #expect(decoded.basis == .detected)
        #expect(decoded.repaired)
        #expect(decoded.text.contains(gbkSentenceText))
    }

    @Test func lyingGB2312MetaOnUTF8BytesIsRepaired() {
        let decoded = CharsetDecoder.decode(page("<meta charset=\"gb2312\">", Array(gbkSentenceText.utf8)), contentType: nil)
        #expect(decoded.charset == "utf-8")
        #expect(decoded.repaired)
        #expect(decoded.text.contains(gbkSentenceText))
    }

    @Test func gbkServedAsLatin1IsRepaired() {
        let decoded = CharsetDecoder.decode(page("", gbkSentence), contentType: "text/html; charset=ISO-8859-1")
        #expect(decoded.charset == "gb18030")
        #expect(decoded.repaired)
        #expect(decoded.text.contains(gbkSentenceText))
    }

    @Test func utf8ServedAsLatin1IsRepaired() {
        let decoded = CharsetDecoder.decode(page("", Array("中文内容 and café".utf8)), contentType: "text/html; charset=latin1")
        #expect(decoded.charset == "utf-8")
        #expect(decoded.repaired)
        #expect(decoded.text.contains("中文内容 and café"))
        #expect(CharsetDecoder.mojibakeMarks(in: decoded.text) == 0)
    }

    @Test func latin1LabelDecodesAsWindows1252() {
        let bytes: [UInt8] = Array("He said ".utf8) + [0x93] + Array("hello".utf8) + [0x94] + Array(" for 5".utf8) + [0x80]
        let decoded = CharsetDecoder.decode(Data(bytes), contentType: "text/plain; charset=iso-8859-1")
        #expect(decoded.charset == "windows-1252")
        #expect(decoded.text == "He said \u{201C}hello\u{201D} for 5\u{20AC}")
        let undefinedInGlibc = CharsetDecoder.decode(Data([0x41, 0x81, 0x9D, 0xE9]), contentType: "text/plain; charset=windows-1252")
        #expect(undefinedInGlibc.text == "A\u{81}\u{9D}é")
        #expect(!decoded.repaired)
    }

    @Test func byteOrderMarkWinsOverEverything() {
        let utf8 = Data([0xEF, 0xBB, 0xBF] + Array("<meta charset=gbk>赚钱".utf8))
        let decoded = CharsetDecoder.decode(utf8, contentType: "text/html; charset=gbk")
        #expect(decoded.basis == .bom)
        #expect(decoded.charset == "utf-8")
        #expect(decoded.text == "<meta charset=gbk>赚钱")

        var utf16 = Data([0xFF, 0xFE])
        for unit in "赚钱 ok".utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let wide = CharsetDecoder.decode(utf16, contentType: "text/html; charset=utf-8")
        #expect(wide.basis == .bom)
        #expect(wide.charset == "utf-16le")
        #expect(wide.text == "赚钱 ok")
    }

    @Test func utf7IsRefusedAndTreatedAsUndeclared() {
        let body = Data("<p>+ZeVnLIqe- costs 5+-3</p>".utf8)
        let fromHeader = CharsetDecoder.decode(body, contentType: "text/html; charset=utf-7")
        #expect(fromHeader.charset != "utf-7")
        #expect(fromHeader.basis != .header)
        #expect(fromHeader.text == "<p>+ZeVnLIqe- costs 5+-3</p>")
        let fromMeta = CharsetDecoder.decode(Data("<meta charset=utf-7>".utf8) + body, contentType: nil)
        #expect(fromMeta.basis != .meta)
        #expect(fromMeta.text.hasSuffix("<p>+ZeVnLIqe- costs 5+-3</p>"))
    }

    @Test func invalidSequencesBecomeReplacementCharacters() {
        let decoded = CharsetDecoder.decode(Data([0xD6, 0xD0, 0xFF, 0x41, 0xCE]), contentType: "text/plain; charset=gbk")
        #expect(decoded.text == "中\u{FFFD}A\u{FFFD}")
        let badUTF8 = CharsetDecoder.decode(Data([0x61, 0xC3, 0x28, 0x62]), contentType: "text/plain; charset=utf-8")
        #expect(badUTF8.text == "a\u{FFFD}(b")
    }

    /// ASCII is skipped eight bytes at a time: a sequence at any offset within or across those words, valid
    /// or not, is still seen, and the ASCII around it comes through unchanged.
    @Test func sequencesAtEveryOffsetOfTheASCIISkipAreSeen() {
        for offset in 0..<20 {
            let lead = String(repeating: "a", count: offset)
            var bytes = Array(lead.utf8) + [0xC3, 0x28] + Array("0123456789".utf8) + Array("中".utf8) + Array("xyz".utf8)
            let broken = CharsetDecoder.decode(Data(bytes), contentType: "text/plain; charset=utf-8")
            #expect(broken.text == lead + "\u{FFFD}(0123456789中xyz", "invalid sequence after \(offset) ASCII bytes")
            bytes = Array(lead.utf8) + Array("é".utf8) + Array("0123456789".utf8)
            let valid = CharsetDecoder.decode(Data(bytes), contentType: nil)
            #expect(valid.text == lead + "é0123456789")
            #expect(valid.basis == .detected, "a high byte after \(offset) ASCII bytes was missed")
        }
    }

    @Test func gb18030FourByteSequencesDecode() {
        let decoded = CharsetDecoder.decode(Data([0x94, 0x39, 0xFC, 0x36, 0xD6, 0xD0]), contentType: "text/plain; charset=gb2312")
        #expect(decoded.text == "😀中")
    }

    @Test func undeclaredLegacyBytesAreDetected() {
        let gbk = CharsetDecoder.decode(page("", gbkSentence), contentType: "text/html")
        #expect(gbk.basis == .detected)
        #expect(gbk.charset == "gb18030")
        #expect(gbk.text.contains(gbkSentenceText))
        let big5 = CharsetDecoder.decode(page("", big5Sentence), contentType: nil)
        #expect(big5.charset == "big5")
        #expect(big5.text.contains(big5SentenceText))
        let japanese = CharsetDecoder.decode(page("", shiftJISSentence), contentType: nil)
        #expect(japanese.charset == "shift_jis")
        #expect(japanese.text.contains("ひらがなとカタカナ"))
    }

    @Test func plainASCIIFallsBackToUTF8() {
        let decoded = CharsetDecoder.decode(Data("<p>hello</p>".utf8), contentType: nil)
        #expect(decoded.basis == .fallback)
        #expect(decoded.charset == "utf-8")
        #expect(CharsetDecoder.decode(Data(), contentType: nil).text == "")
    }

    @Test func mojibakeMarksSpotUTF8ReadAsLatin1() {
        let latin1Reading = String(decoding: Array("中文赚钱".utf8).map { UInt16($0) }, as: UTF16.self)
        #expect(CharsetDecoder.mojibakeMarks(in: latin1Reading) >= 3)
        #expect(CharsetDecoder.mojibakeMarks(in: "ä¸­æ–‡") >= 2)
        #expect(CharsetDecoder.mojibakeMarks(in: "não função") == 0)
        #expect(CharsetDecoder.mojibakeMarks(in: "nÃ£o funÃ§Ã£o") == 3)
        #expect(CharsetDecoder.mojibakeMarks(in: "中文 café naïve Ärger “quoted” Tomáš passé» travaillé…") == 0)
    }
}

@Suite struct CharsetCorpusTests {
    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func chinesePagesDecodeWithoutMojibake() throws {
        let corpus = try #require(SharedCorpus.directory)
        let report = CharsetEvaluation.run(corpus: corpus, sets: ["chinese-web-content-extraction"])
        #expect(report.pages.count > 20)
        for page in report.pages {
            #expect(page.charsetCorrect, "\(page.id): decoded \(page.decodedCharset), true \(page.trueEncoding)")
            #expect(!page.hasMojibake, "\(page.id): U+FFFD \(page.replacementCharacters) marks \(page.mojibakeMarks)")
            #expect(page.titleClean, "\(page.id)")
            #expect(page.bodyPrefixFound != false, "\(page.id): ground-truth body start not in the decoded text")
        }
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func chardetFilesAndLyingDeclarationsDecode() throws {
        let corpus = try #require(SharedCorpus.directory)
        let report = CharsetEvaluation.run(corpus: corpus)
        print(report)
        let checked = report.pages.filter { $0.set != "chinese-web-content-extraction" }
        #expect(checked.count > 30)
        for page in checked where CharsetEvaluation.decodable(page.trueEncoding) {
            #expect(page.charsetCorrect, "\(page.set)/\(page.id): decoded \(page.decodedCharset), true \(page.trueEncoding)")
            #expect(!page.hasMojibake, "\(page.set)/\(page.id)")
        }
    }
}

@Suite struct CharsetConcurrencyTests {
    /// Decoders share a pool of iconv descriptors; many tasks at once must each get a converter of their own.
    @Test func concurrentDecodesShareThePoolSafely() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    (0..<40).allSatisfy { round in
                        let big5 = (task + round) % 2 == 0
                        let decoded = CharsetDecoder.decode(page("", big5 ? big5Sentence : gbkSentence),
                                                            contentType: big5 ? "text/html; charset=big5" : "text/html; charset=gbk")
                        return decoded.text.contains(big5 ? big5SentenceText : gbkSentenceText)
                    }
                }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 })
    }
}
