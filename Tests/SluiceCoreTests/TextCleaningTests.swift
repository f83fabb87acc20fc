import Testing
import SluiceCore

@Suite struct TextCleaningTests {
    @Test func lineRemovesControlsBidiAndFoldsWhitespace() {
        let hostile = "  赚钱\u{1B}[2J\u{202E}gnp.exe\u{200B}  \n\t方法\u{0}  "
        #expect(TextCleaning.line(hostile) == "赚钱 [2Jgnp.exe 方法")
    }

    @Test func truncationKeepsWholeGraphemes() {
        let text = "👨‍👩‍👧‍👦家庭副业"
        #expect(TextCleaning.truncate(text, to: 2) == "👨‍👩‍👧‍👦家")
        #expect(TextCleaning.line(String(repeating: "长", count: 900)).count == 512)
    }

    @Test func paragraphsAreKeptAndSeparatedByOneBlankLine() {
        #expect(TextCleaning.paragraphs("第一段\r\n\r\n\r\n第二段\n  \n第三段") == "第一段\n\n第二段\n\n第三段")
    }
}
