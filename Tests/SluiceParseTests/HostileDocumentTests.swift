import Foundation
import SluiceCore
@testable import SluiceParse
import Testing

/// Documents built to break parsers: each must give a result or a recorded problem, never a crash or hang.
@Suite struct HostileDocumentTests {
    let extractor = Extractor()

    /// A prefixed name (Word's `<o:p>`, a feed's `<rdf:li>`) is an element of its own, inline, as browsers read
    /// it; libxml2's tree builder used to drop the prefix and make it a paragraph, a list item.
    @Test func prefixedNamesAreNotTheHTMLElementsTheyEndWith() throws {
        let sentence = "副业第一个月的收入只有三百元，但是我学会了如何选品和写详情页，这比收入更重要。"
        let html = "<html><head><title>Prefixed</title></head><body><article><p>\(sentence)<o:p></o:p>第二个月翻了一倍"
            + "<rdf:li>，</rdf:li>第三个月稳定下来。</p><p>\(sentence)</p><p>\(sentence)</p></article></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.mainText.hasPrefix(sentence + "第二个月翻了一倍，第三个月稳定下来。"), "\(page.mainText)")
    }

    @Test func nestingPastLibxml2LimitIsFlaggedAsTruncated() throws {
        let opening = String(repeating: "<div>", count: 300)
        let html = "<html><head><title>Deep</title></head><body><p>Before the nesting starts here.</p>\(opening)deep text"
            + String(repeating: "</div>", count: 300) + "<p>After the nesting.</p></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.truncated)
        #expect(!page.warnings.isEmpty)
        #expect(page.title == "Deep")
    }

    @Test func ordinaryNestingIsNotTruncated() throws {
        let html = "<html><body>" + String(repeating: "<div>", count: 100) + "text"
            + String(repeating: "</div>", count: 100) + "</body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(!page.truncated)
        #expect(page.warnings.isEmpty)
    }

    @Test func textNodeOverTenMegabytesIsFlaggedAsTruncated() throws {
        let html = "<html><head><title>Huge</title></head><body><p>"
            + String(repeating: "a", count: 10_500_000) + "</p><p>tail</p></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.truncated)
    }

    @Test func fiveMegabyteSingleTagGivesAPage() throws {
        let html = "<html><head><title>Tag</title></head><body><div class=\""
            + String(repeating: "x", count: 5_000_000) + "\">short body</div></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.title == "Tag")
    }

    @Test func nulBytesDoNotCutThePage() throws {
        let html = "<html><head><title>A\u{0}B</title></head><body><p>first\u{0}part of the text and then "
            + "more words after the NUL byte, enough to be a paragraph of prose.</p></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.title?.contains("\u{0}") == false)
        #expect(page.mainText.contains("after the NUL byte"))
    }

    @Test func invalidUTF8DecodedLossilyKeepsChineseText() throws {
        var bytes = Data("<html><head><title>标题</title></head><body><p>".utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Data("中文正文，不会变成乱码。这是一段足够长的中文内容，用来确认解析器没有把页面读成拉丁字符。</p></body></html>".utf8))
        let page = try extractor.extract(html: String(decoding: bytes, as: UTF8.self), baseURL: nil)
        #expect(page.title == "标题")
        #expect(page.mainText.contains("中文正文，不会变成乱码"))
    }

    @Test(arguments: ["utf-7", "gb2312", "iso-8859-1", "shift_jis"])
    func lyingMetaCharsetIsIgnored(label: String) throws {
        let html = "<html><head><meta charset=\"\(label)\"><title>中文标题 +ADw-script+AD4-</title></head><body>"
            + "<p>正文内容：两千元起步，日入过万？这是一段中文正文，用来确认页面声明的字符集不会改变解析结果。</p></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.title == "中文标题 +ADw-script+AD4-")
        #expect(page.mainText.contains("日入过万"))
    }

    @Test func scriptHeavyPageKeepsOnlyTheProse() throws {
        let script = "<script>" + String(repeating: "var x = '<p>not text</p>'; ", count: 20_000) + "</script>"
        let html = "<html><head><title>Scripts</title>\(script)</head><body>\(script)<article><p>"
            + "The only real paragraph of this page, long enough to be taken as the article body text.</p>"
            + "</article>\(script)</body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.mainText == "The only real paragraph of this page, long enough to be taken as the article body text.")
    }

    @Test func controlAndBidiCharactersAreRemovedFromTitleAndDescription() throws {
        let html = "<html><head><title>Pay\u{7}\u{202E}day\u{200B}\u{200B} \u{1B}[31mloans</title>"
            + "<meta property=\"og:description\" content=\"line\u{1}one&#x202E;\u{8}two\"></head><body></body></html>"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.title == "Payday [31mloans")
        #expect(page.description == "line one two")
    }

    @Test func titleIsCutToTheConfiguredLimit() throws {
        let html = "<html><head><title>" + String(repeating: "长", count: 2_000) + "</title></head><body></body></html>"
        let page = try Extractor(options: ParseOptions(titleLimit: 100)).extract(html: html, baseURL: nil)
        #expect(page.title?.count == 100)
    }

    @Test func truncatedAndMalformedMarkupStillGivesText() throws {
        let html = "<html><body><table><tr><td><p>Unclosed cell with a sentence of reasonable length in it"
            + "<div><span><b>and more <i>nested <a href=x>broken"
        let page = try extractor.extract(html: html, baseURL: nil)
        #expect(page.mainText.contains("Unclosed cell"))
    }

    @Test func emptyInputIsAParseProblem() {
        #expect(throws: Problem.self) { try extractor.extract(html: "", baseURL: nil) }
        do {
            _ = try extractor.extract(html: "", baseURL: "https://example.com/a")
        } catch let problem as Problem {
            #expect(problem.code == .parseError)
            #expect(problem.stage == .parse)
            #expect(problem.message.contains("https://example.com/a"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

/// The extractor cleans every paragraph with Core's `TextCleaning.line`, whose explicit white-space set
/// must be Unicode's White_Space property exactly.
@Suite struct ParagraphCleaningTests {
    @Test func explicitWhiteSpaceSetIsUnicodeWhiteSpace() {
        let differing = (0...0x10FFFF).compactMap(Unicode.Scalar.init).filter {
            TextCleaning.isWhiteSpace($0) != $0.properties.isWhitespace
        }
        #expect(differing.isEmpty, "\(differing.map { String($0.value, radix: 16) })")
    }

    @Test(arguments: [
        ("  lead and trail  ", "lead and trail"), ("a\u{0}b\u{7}c\u{1B}d", "a b c d"), ("tab\tand\nnew\r\nline", "tab and new line"),
        ("bidi\u{202E}over\u{2066}ride", "bidioverride"), ("c1\u{85}\u{9F}controls", "c1 controls"),
        ("全角\u{3000}空格　和\u{A0}不换行", "全角 空格 和 不换行"), ("combining e\u{301} kept", "combining e\u{301} kept"),
    ])
    func paragraphLinesAreCleaned(text: String, expected: String) {
        #expect(TextCleaning.line(text, limit: .max) == expected)
    }
}

/// A page both wide and nested close to libxml2's depth limit, the shape that would expose quadratic work.
@Suite struct LargeShapeTests {
    @Test func wideAndDeepPageFinishes() throws {
        let paragraph = "<p>一段正文，内容足够长，可以被当作文章的段落来打分，同时包含标点。</p>"
        let level = "<div class=\"content\">" + String(repeating: paragraph, count: 40)
        let html = "<html><body>" + String(repeating: level, count: 200) + String(repeating: "</div>", count: 200)
            + "</body></html>"
        let page = try Extractor().extract(html: html, baseURL: nil)
        #expect(!page.truncated)
        // 8,000 paragraphs of 34 characters exceed the main-text limit, which cuts exactly at it.
        #expect(page.mainText.count == ParseOptions().textLimit)
        #expect(page.mainText.hasPrefix("一段正文"))
    }
}
