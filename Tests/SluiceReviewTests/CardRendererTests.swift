import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceReview

@Suite struct CardRendererTests {
    @Test func cardFitsEightyByTwentyOneWithEveryField() {
        var card = Fixtures.card(7, title: String(repeating: "躺赚副业项目", count: 30), priority: 0.8)
        card.excerpt = String(repeating: "这是一段很长的摘要文字。", count: 40)
        card.problems = ["login_wall: mp.weixin.qq.com asked to log in"]
        let lines = CardRenderer(width: 80, height: 21).lines(for: card)
        #expect(lines.count == 21)
        #expect(lines.allSatisfy { TerminalText.displayWidth($0) <= 80 })
        let screen = lines.joined(separator: "\n")
        for expected in ["Title", "www.sohu.com", "https://www.sohu.com/a/7", "副业 (rule: 副业, 兼职)",
                         "hype «日入过万»", "张三 2026-11-01: 朋友圈看到的", "3 items in this cluster",
                         "login_wall", "3 approved, 1 rejected (hype/scam)", "Excerpt"] {
            #expect(screen.contains(expected), "missing \(expected)")
        }
        #expect(lines[1].hasSuffix("…"), "the second title line is cut")
    }

    @Test func valuesStartInTheSameColumnWhateverTheLabel() {
        let lines = CardRenderer(width: 80, height: 21).lines(for: Fixtures.card(1, title: "标题", priority: 1))
        for line in lines {
            #expect(line.prefix(11).allSatisfy { $0.isASCII }, "label column holds only the label: \(line)")
            #expect(line.dropFirst(11).first.map { $0 != " " } ?? false, "value starts at column 12: \(line)")
        }
    }

    /// Moderators read international hosts in Unicode, except labels that could pose as another script.
    @Test func internationalHostsAreShownForPeople() {
        var card = Fixtures.card(3, title: "例子", priority: 1)
        card.canonicalURL = "https://xn--fsqu00a.xn--0zwm56d/a/3"
        card.url = "https://xn--pple-43d.com/a/3"
        let screen = CardRenderer(width: 80, height: 21).lines(for: card).joined(separator: "\n")
        #expect(screen.contains("https://例子.测试/a/3"))
        #expect(screen.contains("https://xn--pple-43d.com/a/3"))
    }

    @Test func hostileFieldsRenderInert() {
        var card = Fixtures.card(9, title: Fixtures.hostileTitle, priority: 1)
        card.reports = [VolunteerReport(volunteer: "\u{1B}[31mred", note: "\u{9B}2J", submittedAt: "x")]
        card.flags = [RiskFlag(family: "fraud", rule: "r", matched: "\u{1B}P+q\u{1B}\\")]
        let lines = CardRenderer(width: 80, height: 21).lines(for: card)
        #expect(lines.allSatisfy(TerminalTextTests.isInert))
        #expect(lines[0].contains("月入过万\\x1B]52;c;"))
        #expect(lines.joined().contains("<U+202E>"))
    }

    /// The card says what decided the category and boxes a flag the item warns against; an unsure
    /// P(approve) is marked on the status line.
    @Test func basisWarningsAndUncertaintyAreShown() {
        var card = Fixtures.card(5, title: "拼多多砍价群", priority: 0.4)
        card.categorySource = "model"
        card.basis = CategoryBasis(kind: .model, by: "3f9c2a1e00d4b7aa", evidence: ["砍价", "拼多多", "\u{1B}[2J"])
        card.flags = [RiskFlag(family: "recruiting", rule: "recruiting", matched: "拉人头", warned: true),
                      RiskFlag(family: "hype", rule: "hype_words", matched: "躺赚")]
        card.pApprove = 0.52
        card.uncertain = true
        let lines = CardRenderer(width: 100, height: nil).lines(for: card)
        let screen = lines.joined(separator: "\n")
        #expect(screen.contains("(model 3f9c2a1e00d4b7aa: 砍价, 拼多多, "))
        #expect(screen.contains("⚠ 避坑 recruiting «拉人头» (recruiting)"))
        #expect(screen.contains("hype «躺赚» (hype_words)") && !screen.contains("⚠ 避坑 hype"))
        #expect(lines.allSatisfy(TerminalTextTests.isInert))
        #expect(CardRenderer.status(of: card).hasSuffix("P(approve) 52% uncertain"))
        card.uncertain = false
        #expect(CardRenderer.status(of: card).hasSuffix("P(approve) 52%"))
    }

    @Test func smallTerminalsStillHoldTheirWidth() {
        for (width, height) in [(40, 10), (20, 5), (120, 40)] {
            let lines = CardRenderer(width: width, height: height).lines(for: Fixtures.card(1, title: "副业", priority: 1))
            #expect(lines.count <= height)
            #expect(lines.allSatisfy { TerminalText.displayWidth($0) <= max(width, 13) })
        }
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func realChinesePagesLayOutWithinTheScreen() throws {
        let cards = Fixtures.corpusCards(limit: 20)
        try #require(!cards.isEmpty)
        for card in cards {
            let lines = CardRenderer(width: 80, height: 21).lines(for: card)
            #expect(lines.count <= 21)
            #expect(lines.allSatisfy { TerminalText.displayWidth($0) <= 80 }, Comment(rawValue: card.title ?? ""))
        }
    }
}
