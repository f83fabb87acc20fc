import Testing
import SluiceReview

@Suite struct TerminalTextTests {
    /// No byte a terminal acts on may survive: ESC, the other C0 controls but newline and tab, DEL, C1.
    static func isInert(_ text: String) -> Bool {
        !text.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
        }
    }

    @Test func oscClipboardWriteShowsAsPlainText() {
        let title = "副业\u{1B}]52;c;cm0gLXJmIH4=\u{07}赚钱"
        let clean = TerminalText.sanitize(title)
        #expect(clean == "副业\\x1B]52;c;cm0gLXJmIH4=\\x07赚钱")
        #expect(Self.isInert(clean))
    }

    @Test func cursorMovesColoursAndC1AreMadeVisible() {
        let clean = TerminalText.sanitize("a\u{1B}[2J\u{1B}[10;1Hb\u{9B}31mc\u{7F}d\re\u{0}")
        #expect(clean == "a\\x1B[2J\\x1B[10;1Hb\\x9B31mc\\x7Fd\\x0De\\x00")
        #expect(Self.isInert(clean))
    }

    @Test func bidiOverridesAreMarkedAndZeroWidthRemoved() {
        let clean = TerminalText.sanitize("invoice\u{202E}fdp.exe\u{200B}\u{2066}x\u{2069}\u{E0041}")
        #expect(clean == "invoice<U+202E>fdp.exe<U+2066>x<U+2069>")
    }

    @Test func newlineAndTabSurviveSanitizingButNotFitting() {
        #expect(TerminalText.sanitize("a\nb\tc") == "a\nb\tc")
        #expect(TerminalText.fit("a\nb\tc", columns: 20) == "a b c")
    }

    @Test func sanitizingTwiceChangesNothing() {
        let once = TerminalText.sanitize("\u{1B}[31m红\u{202E}\u{85}")
        #expect(TerminalText.sanitize(once) == once)
    }

    @Test func wideCharactersTakeTwoColumns() {
        #expect(TerminalText.displayWidth("abc") == 3)
        #expect(TerminalText.displayWidth("日入过万") == 8)
        #expect(TerminalText.displayWidth("ＡＢ，。") == 8)
        #expect(TerminalText.displayWidth("한국") == 4)
        #expect(TerminalText.displayWidth("e\u{301}") == 1)
        #expect(TerminalText.displayWidth("💰x") == 3)
        #expect(TerminalText.displayWidth("❤\u{FE0F}") == 2)
    }

    @Test func fitCutsByDisplayWidthWithoutSplittingAWideCharacter() {
        let fitted = TerminalText.fit("躺赚躺赚躺赚", columns: 6)
        #expect(fitted == "躺赚…")
        #expect(TerminalText.displayWidth(fitted) <= 6)
        #expect(TerminalText.fit("short", columns: 10) == "short")
        #expect(TerminalText.fit("anything", columns: 0) == "")
        for columns in 1...13 {
            #expect(TerminalText.displayWidth(TerminalText.fit("a日入b过万c", columns: columns)) <= columns)
        }
    }

    @Test func padAlignsMixedTextToTheSameWidth() {
        let padded = ["站点", "site", "日入过万的副业项目", "x"].map { TerminalText.pad($0, columns: 10) }
        #expect(padded.allSatisfy { TerminalText.displayWidth($0) == 10 })
    }

    @Test func tenKilobyteTitleFitsOneLine() {
        let title = String(repeating: "暴利\u{1B}[1A", count: 1_000)
        #expect(title.utf8.count >= 10_000)
        let fitted = TerminalText.fit(title, columns: 70)
        #expect(TerminalText.displayWidth(fitted) <= 70)
        #expect(fitted.hasSuffix("…"))
        #expect(Self.isInert(fitted))
    }

    @Test func wrapBreaksLatinAtSpacesAndCJKAnywhere() {
        #expect(TerminalText.wrap("the quick brown fox", columns: 10) == ["the quick", "brown fox"])
        #expect(TerminalText.wrap("一二三四五六七", columns: 6) == ["一二三", "四五六", "七"])
        #expect(TerminalText.wrap("abcdefghijkl", columns: 5) == ["abcde", "fghij", "kl"])
        #expect(TerminalText.wrap("第一段\n\nsecond", columns: 20) == ["第一段", "", "second"])
    }

    /// A Chinese note after a space fills the line it starts on (Chinese breaks between any two characters),
    /// and no line starts with closing punctuation.
    @Test func chineseAfterASpaceFillsTheLineAndPunctuationStaysBehind() {
        #expect(TerminalText.wrap("UTC: 朋友圈看到的感觉像割韭菜", columns: 12) == ["UTC: 朋友圈", "看到的感觉像", "割韭菜"])
        #expect(TerminalText.wrap("一二三四，五六", columns: 8) == ["一二三", "四，五六"])
        #expect(TerminalText.wrap("a b c d", columns: 3) == ["a b", "c d"])
    }

    @Test func wrappedLinesNeverExceedTheWidth() {
        let text = "月入3万的副业 side hustle 真的吗？\u{1B}[2J 日入过万 🚀🚀 " + String(repeating: "躺赚a ", count: 40)
        for columns in [2, 3, 7, 20, 80] {
            let lines = TerminalText.wrap(text, columns: columns)
            #expect(lines.allSatisfy { TerminalText.displayWidth($0) <= columns })
            #expect(lines.allSatisfy(Self.isInert))
            let rejoined = lines.joined().filter { $0 != " " }
            #expect(rejoined == TerminalText.sanitize(text).filter { $0 != " " })
        }
    }

    /// Menus and the key line break between entries, never inside one, and each line holds its width.
    @Test(arguments: [40, 60, 80, 120])
    func entriesWrapBetweenEntriesWithinTheWidth(columns: Int) {
        let entries = ["a 通过", "r 拒绝", "e 编辑", "s 跳过", "u 撤销", "v 全文", "j/k 下一条/上一条", "? 帮助", "q 退出",
                       "1 duplicate", "2 hype/scam", "3 off-topic", "4 low quality", "5 dead link", "6 other"]
        let lines = TerminalText.wrapEntries(entries, columns: columns)
        #expect(lines.allSatisfy { TerminalText.displayWidth($0) <= columns })
        #expect(lines.flatMap { $0.components(separatedBy: "  ") } == entries, "every entry whole, in order")
        for (line, next) in zip(lines, lines.dropFirst()) {
            let nextEntry = next.components(separatedBy: "  ")[0]
            #expect(TerminalText.displayWidth(line + "  " + nextEntry) > columns, "a line breaks only when full: \(line)")
        }
    }

    @Test func anEntryWiderThanTheLineIsFittedAndAnEmptyListHasNoLines() {
        #expect(TerminalText.wrapEntries(["短", String(repeating: "宽", count: 30), "x"], columns: 20)
                    == ["短", String(repeating: "宽", count: 9) + "…", "x"])
        #expect(TerminalText.wrapEntries([], columns: 40).isEmpty)
        #expect(TerminalText.wrapEntries(["a", "b", "c"], columns: 40, separator: " · ") == ["a · b · c"])
    }
}
