import Foundation
import Testing
import SluicePublish

/// Escaped text must read back exactly as written: rendered by cmark (raw HTML let through), each
/// position's output must be its block's own tags around the text and nothing else, so no escape is
/// missing (extra tags, swallowed characters) and none shows (a stray backslash or reference).
@Suite("Markdown round trip")
struct MarkdownRoundTripTests {
    static let ordinary = [
        "闲鱼无货源副业：三个月真实复盘，我赚了多少、踩了哪些坑",
        "Print-on-demand, month three: the numbers",
        "Etsy print-on-demand after ninety days: 41 orders, $212 profit, and why mugs lost money.",
        "hype_scam 6", "36kr.com 2，blog.sina.com.cn 1，mp.weixin.qq.com 1",
        "原文 https://mp.weixin.qq.com/s/abc?x=1&y=2 与 www.example.com 都能打开",
        "邮箱 me@example.com，微信号 wx_id_123，QQ群：123456", "C# 与 F# 入门", "2026-12-07", "1999年的故事",
        "#副业# 话题标签", "【干货】淘宝客（返利）指南！", "「躺赚」？不存在的～", "50% 的利润 + 20% 的运费 = 70%",
        "a * b = c", "snake_case_name 与 __init__ 方法", "发现者：阿木；也报告了 also reported by：星河、山竹",
        "mp.weixin.qq.com · 发布于 2026-12-07", "“引号”‘单引号’《书名》——破折号……省略号", "ＡＢＣ１２３ 全角字母",
        "问：日入过万？答：不可能！", "价格 ¥99 / $15 / €12", "A & B 公司", "3 < 5 且 7 > 2", "100-200 元",
        "!重要! 看这里", "(括号) 与 [方括号] 与 {花括号}", "path\\to\\file", "1.5 倍收益", "v2.0 版本",
    ]

    static let hostile = Fixtures.hostileTitles.map(Escape.line) + [
        "- 列表", "+ 列表", "* 列表", "> 引用", "# 标题", "###### 六级", "####### 七个井号", "---", "***", "___",
        "- - -", "```swift", "~~~", "````", "1) 第一", "1. 选品", "123456789. 九位数", "<!-- 注释 -->",
        "<a href='x'>链接</a>", "<https://evil.example>", "<me@evil.example>", "<1@evil.example>",
        "&copy; &#169; &#x00A9; &#xZZ; &;", "\\*不是强调\\*", "尾部反斜杠\\", "`code` and ``two``",
        "``单个`反引号``", "[链接][ref]", "[ref]: https://evil.example", "![img](x)", "**粗体**", "__粗体__",
        "*斜体*", "_斜体_", "中文*强调*中文", "中文_下划线_中文", "“*引号*”", "~~删除~~", "~单~", "结尾 ###", "###",
        "#", "C#", "a\\`b`", "<", "&", "\\", "<3 爱心", "a<b>c", "&&&", "&amp", "]", "[", "[]", "a]b", "\\]",
        "*", "_", "**", "a**b**c", "_a_b_", "foo_bar_", "<?php ?>", "<![CDATA[x]]>", "</p>", "\\\\", "=== 标题",
        "+++", "1.", "2)", "10. 十", "#\t标签", "* * *", "_ _ _",
    ]

    struct Placement: Sendable {
        var name: String
        var position: MarkdownPosition
        var wrap: @Sendable (String) -> String
        var expected: @Sendable (String) -> String

        init(_ name: String, _ position: MarkdownPosition, _ wrap: @escaping @Sendable (String) -> String,
             _ expected: @escaping @Sendable (String) -> String) {
            self.name = name
            self.position = position
            self.wrap = wrap
            self.expected = expected
        }
    }

    static let positions: [Placement] = [
        Placement("paragraph", .blockStart, { $0 }, { "<p>\($0)</p>" }),
        Placement("block quote", .blockStart, { "> " + $0 }, { "<blockquote>\n<p>\($0)</p>\n</blockquote>" }),
        Placement("list item", .blockStart, { "- " + $0 }, { "<ul>\n<li>\($0)</li>\n</ul>" }),
        Placement("after text", .inline, { "前缀：" + $0 }, { "<p>前缀：\($0)</p>" }),
        Placement("heading", .heading, { "### " + $0 }, { "<h3>\($0)</h3>" }),
        Placement("link text", .linkText, { "[" + $0 + "](https://example.com/)" },
                  { "<p><a href=\"https://example.com/\">\($0)</a></p>" }),
    ]

    /// What cmark writes for plain text.
    static func htmlText(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    @Test(arguments: ["ordinary", "hostile"])
    func everyPositionReadsBackExactly(_ set: String) throws {
        let texts = set == "ordinary" ? Self.ordinary : Self.hostile
        var blocks: [String] = []
        var expected: [String] = []
        for text in texts {
            for position in Self.positions {
                blocks.append(position.wrap(Escape.markdown(text, at: position.position)))
                // An empty paragraph or list item renders as nothing or as `<li></li>`.
                expected.append(position.expected(Self.htmlText(Escape.line(text))))
            }
        }
        // A thematic break between the cases, so a block that leaks shows up as a miscount.
        guard let html = try CommonMark.render(blocks.joined(separator: "\n\n* * *\n\n")) else { return }
        let rendered = html.components(separatedBy: "\n<hr />\n").map { $0.trimmingCharacters(in: .newlines) }
        try #require(rendered.count == expected.count, "cmark made \(rendered.count) blocks of \(expected.count)")
        for (index, (got, want)) in zip(rendered, expected).enumerated() {
            let position = Self.positions[index % Self.positions.count]
            #expect(got == want, "\(position.name): \(texts[index / Self.positions.count]) → \(blocks[index])")
        }
    }

    @Test func ordinaryTextNeedsNoEscapeAtAll() {
        let plain = ["闲鱼无货源副业：三个月真实复盘，我赚了多少、踩了哪些坑", "Print-on-demand, month three: the numbers",
                     "Etsy print-on-demand after ninety days: 41 orders, $212 profit, and why mugs lost money.",
                     "hype_scam 6", "原文 https://mp.weixin.qq.com/s/abc?x=1&y=2 与 www.example.com 都能打开",
                     "邮箱 me@example.com，微信号 wx_id_123，QQ群：123456", "C# 与 F# 入门", "2026-12-07",
                     "「躺赚」？不存在的～", "50% 的利润 + 20% 的运费 = 70%", "a * b = c", "A & B 公司", "3 < 5 且 7 > 2",
                     "!重要! 看这里", "(括号) 与 {花括号}", "path\\to\\file", "1.5 倍收益", "价格 ¥99 / $15 / €12",
                     "“引号”‘单引号’《书名》——破折号……省略号"]
        for text in plain {
            for position in Self.positions {
                #expect(Escape.markdown(text, at: position.position) == text, "\(position.name): \(text)")
            }
        }
    }

    /// Python-Markdown takes a backslash only before the punctuation it knows: any other escape would show.
    @Test func pythonMarkdownReadsOrdinaryTextBackWithoutStrayBackslashes() throws {
        var blocks: [String] = []
        var expected: [String] = []
        for text in Self.ordinary {
            blocks.append(Escape.markdown(text))
            expected.append("<p>" + Self.htmlText(text).replacingOccurrences(of: "&quot;", with: "\"") + "</p>")
            blocks.append("### [" + Escape.markdown(text, at: .linkText) + "](https://example.com/)")
            expected.append("<h3><a href=\"https://example.com/\">"
                            + Self.htmlText(text).replacingOccurrences(of: "&quot;", with: "\"") + "</a></h3>")
        }
        guard let html = try PythonMarkdown.render(blocks.joined(separator: "\n\n")) else { return }
        let rendered = html.components(separatedBy: "\n").filter { !$0.isEmpty }
        try #require(rendered.count == expected.count, "Python-Markdown made \(rendered.count) blocks of \(expected.count)")
        for (got, want) in zip(rendered, expected) {
            #expect(got == want)
        }
    }

    @Test func pythonMarkdownShowsNoEscapesInTheColumnAndNoMarkupFromHostileText() throws {
        guard let sample = try PythonMarkdown.render(try ColumnRenderer.render(Fixtures.sample(), as: .md)) else { return }
        #expect(!sample.contains("\\"), "a backslash shows in Python-Markdown's rendering")
        guard let hostile = try PythonMarkdown.render(try ColumnRenderer.render(Fixtures.hostile(), as: .md)) else { return }
        for forbidden in ["<script", "<img", "<iframe", "<b>", "<i>", "<em>", "<strong>", "<code>", "href=\"javascript",
                          "href=\"data"] {
            #expect(!hostile.contains(forbidden), "Python-Markdown output contains \(forbidden)")
        }
        #expect(hostile.components(separatedBy: "<a href=\"https://").count - 1 == Fixtures.linkedCount(Fixtures.hostile()))
    }

    @Test func sampleColumnHasNoNeedlessEscape() throws {
        let markdown = try ColumnRenderer.render(Fixtures.sample(), as: .md)
        #expect(!markdown.contains("\\"), "\(markdown)")
    }
}

/// Python-Markdown, the renderer many community sites and mkdocs use; nil (with a printed reason) where
/// python3 or its `markdown` module is not installed.
enum PythonMarkdown {
    static func render(_ markdown: String) throws -> String? {
        guard let python = Tool.find("python3") else {
            print("python3 is not installed: skipping the Python-Markdown check")
            return nil
        }
        let script = "import sys, markdown; sys.stdout.write(markdown.markdown(sys.stdin.read()))"
        let output = try Tool.run(python, arguments: ["-c", script], input: Data(markdown.utf8))
        guard output.status == 0 else {
            print("Python's markdown module is not installed (pip install markdown): skipping the Python-Markdown check")
            return nil
        }
        return String(decoding: output.stdout, as: UTF8.self)
    }
}
