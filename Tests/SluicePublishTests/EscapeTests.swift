import Foundation
import Testing
import SluicePublish

@Suite("Escape")
struct EscapeTests {
    @Test func htmlEscapesTheFiveSpecialCharacters() {
        #expect(Escape.html(#"<script>alert("x")</script> & 'y'"#)
                == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
    }

    @Test func everyMediumDropsControlsBidiOverridesAndNoncharacters() {
        let hostile = "日入\u{202E}过万\u{0007}\u{200B}\u{FFFE}\u{FFFF}\u{85}!"
        #expect(Escape.html(hostile) == "日入过万!")
        #expect(Escape.xml(hostile) == "日入过万!")
        #expect(Escape.htmlAttribute(hostile) == "日入过万!")
        #expect(Escape.yamlString(hostile) == "\"日入过万!\"")
        #expect(Escape.markdown(hostile) == "日入过万!")
    }

    @Test func markdownNeutralisesLinksImagesHTMLAndBlockStarts() {
        #expect(Escape.markdown("![x](javascript:alert(1))") == #"!\[x](javascript:alert(1))"#)
        #expect(Escape.markdown("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)>")
        #expect(Escape.markdown("# 标题\n- 列表\n\n> 引用") == ##"\# 标题 - 列表 > 引用"##)
        #expect(Escape.markdown("- 列表") == #"\- 列表"#)
        #expect(Escape.markdown("- 列表", at: .inline) == "- 列表")
        #expect(Escape.markdown("1. 选品") == #"1\. 选品"#)
        #expect(Escape.markdown("*躺赚* _暴利_ `code` ~~x~~ a|b &amp;")
                == #"\*躺赚\* \_暴利\_ \`code\` &#126;&#126;x&#126;&#126; a|b &amp;amp;"#)
    }

    @Test func markdownLeavesWhatIsNeverMarkup() {
        #expect(Escape.markdown("hype_scam 6，36kr.com 2：https://a.example/?x=1&y=2 me@b.example C# 50% a * b")
                == "hype_scam 6，36kr.com 2：https://a.example/?x=1&y=2 me@b.example C# 50% a * b")
        #expect(Escape.markdown("a]b") == "a]b")
        #expect(Escape.markdown("a]b", at: .linkText) == #"a\]b"#)
        #expect(Escape.markdown("C# 与 F#", at: .heading) == ##"C# 与 F\#"##)
    }

    @Test func markdownParagraphsKeepParagraphsButEscapeEachLine() {
        #expect(Escape.markdownParagraphs("第一段 [链接](http://x)\r\n\r\n\r\n# 第二段") == "第一段 \\[链接](http://x)\n\n\\# 第二段")
    }

    @Test func xmlEscapesAndRemovesCharactersXMLForbids() {
        #expect(Escape.xml("a\u{0}b\u{1}c\u{B}d\u{1F}e\tf\ng<&>\"'") == "abcde\tf\ng&lt;&amp;&gt;&quot;&apos;")
        #expect(Escape.xml("\u{10000}\u{E000}\u{FFFD}") == "\u{10000}\u{E000}\u{FFFD}")
    }

    @Test func yamlStringQuotesEscapesAndKeepsCJK() {
        #expect(Escape.yamlString(#"- "引号" \ 反斜杠"#) == #""- \"引号\" \\ 反斜杠""#)
        #expect(Escape.yamlString("两行\n文字") == #""两行\n文字""#)
        #expect(Escape.yamlString("") == #""""#)
    }

    @Test func onlyHTTPAndHTTPSURLsWithAHostAreKept() {
        #expect(Escape.httpURL("javascript:alert(1)") == nil)
        #expect(Escape.httpURL("JavaScript://%0aalert(1)") == nil)
        #expect(Escape.httpURL("data:text/html,<script>") == nil)
        #expect(Escape.httpURL("/relative/path") == nil)
        #expect(Escape.httpURL("http://") == nil)
        #expect(Escape.httpURL("https://user@example.com/") == nil)
        // What a browser opens is what is linked: the URL Standard reads the extra slash away.
        #expect(Escape.httpURL("http:///no-host") == "http://no-host/")
        #expect(Escape.httpURL("https://例子。测试/文") == "https://xn--fsqu00a.xn--0zwm56d/%E6%96%87")
        #expect(Escape.httpURL("HTTPS://mp.weixin.qq.com/s/abc?x=1&y=2") == "https://mp.weixin.qq.com/s/abc?x=1&y=2")
        #expect(Escape.httpURL("https://example.com/a b\"c<d>(e)'f") == "https://example.com/a%20b%22c%3Cd%3E%28e%29%27f")
        #expect(Escape.httpURL("https://zh.wikipedia.org/wiki/雄安") == "https://zh.wikipedia.org/wiki/%E9%9B%84%E5%AE%89")
    }

    @Test func markdownLinkDestinationsKeepAmpersandsLiteral() {
        #expect(Escape.markdownLink("https://a.example/?x=1&lt=2") == "https://a.example/?x=1&lt=2")
        #expect(Escape.markdownLink("https://a.example/?x=1&lt;y=2") == "https://a.example/?x=1&amp;lt;y=2")
        #expect(Escape.markdownLink("javascript:alert(1)") == nil)
    }
}

@Suite("Paragraphs")
struct ParagraphTests {
    @Test func blankLinesSeparateParagraphsAndSingleBreaksAreSoft() {
        #expect(Escape.paragraphs("雄安新区\n是\n中国\n第19个\n国家级新区") == "雄安新区是中国第19个国家级新区")
        #expect(Escape.paragraphs("价格\n100 元\nper\nmonth") == "价格 100 元 per month")
        #expect(Escape.paragraphs("第一段\r\n\r\n\r\n第二段\rcontinues\n here") == "第一段\n\n第二段 continues here")
        #expect(Escape.paragraphs("一\u{2029}二") == "一\n\n二")
        #expect(Escape.paragraphs("\n\n  \n\u{202E}\n") == "")
    }
}
