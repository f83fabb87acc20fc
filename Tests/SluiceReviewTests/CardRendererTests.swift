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

    /// In Chinese the risk family and the category's basis are named in Chinese (the rule keeps its id), and a
    /// report's time is shown to the minute with its zone.
    @Test func aChineseCardNamesFamiliesAndTimesForPeople() {
        var card = Fixtures.card(5, title: "副业", priority: 0.5)
        card.reports = [VolunteerReport(volunteer: "张三", note: nil, submittedAt: "2026-11-03T08:15:42.120Z")]
        let screen = CardRenderer(width: 80, height: 21, catalog: .builtIn(.zh)).lines(for: card).joined(separator: "\n")
        for expected in ["夸大 «日入过万» (hype-daily-income)", "副业 (规则: 副业, 兼职)", "张三 2026-11-03 08:15 UTC"] {
            #expect(screen.contains(expected), "missing \(expected) in \(screen)")
        }
        #expect(CardRenderer.minute("2026-11-03") == "2026-11-03")
        card.basis = CategoryBasis(kind: .rule, by: "ecommerce", evidence: ["闲鱼", "无货源"])
        let basis = CardRenderer(width: 80, height: 21, catalog: .builtIn(.zh)).lines(for: card).joined(separator: "\n")
        #expect(basis.contains("副业 (规则 ecommerce：闲鱼, 无货源)"), "\(basis)")
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
        #expect(CardRenderer.status(of: card).last == "P(approve) 52% uncertain")
        card.uncertain = false
        #expect(CardRenderer.status(of: card).last == "P(approve) 52%")
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

    /// Every width from 40 columns in both languages: no line too wide, values wrapped or cut with `…` inside
    /// their column, and every value starting in the same display column, after labels as wide as the widest.
    @Test(arguments: [40, 60, 80, 120], MessageLanguage.allCases)
    func layoutHoldsEveryWidthInBothLanguages(width: Int, language: MessageLanguage) {
        let catalog = MessageCatalog.builtIn(language)
        var card = Fixtures.card(4, title: String(repeating: "下班后做的十个副业真实收入公开", count: 10), priority: 0.6)
        card.problems = ["login_wall: mp.weixin.qq.com asked to log in"]
        card.excerpt = String(repeating: "这是一段很长的摘要文字。", count: 60)
        let renderer = CardRenderer(width: width, height: 21, catalog: catalog)
        let lines = renderer.lines(for: card)
        #expect(lines.count == 21)
        #expect(lines.allSatisfy { TerminalText.displayWidth($0) <= width })
        let labelColumns = renderer.labelColumns
        #expect(labelColumns == (language == .zh ? 9 : 11), "规范链接 takes eight columns, Duplicates ten")
        for line in lines {
            var label = ""
            for character in line where TerminalText.displayWidth(label) < labelColumns { label.append(character) }
            #expect(TerminalText.displayWidth(label) == labelColumns && label.hasSuffix(" "), "label column: \(line)")
            #expect(line.dropFirst(label.count).first != " ", "value starts after the labels: \(line)")
        }
        let screen = lines.joined(separator: "\n")
        for label in ["Title", "Site", "Canonical", "Link", "Category", "Risk", "Found by", "Duplicates", "Problem",
                      "History", "Excerpt"] {
            #expect(screen.contains(catalog(label)), "missing \(catalog(label))")
        }
        if width >= 60 {
            #expect(screen.contains(language == .zh ? "此组共 3 条，2 位志愿者报告" : "3 items in this cluster, reported by 2"))
            #expect(screen.contains(language == .zh ? "站点 www.sohu.com：通过 3，拒绝 1（hype/scam）" : "site www.sohu.com: 3 approved"))
        }
        #expect(lines[1].hasSuffix("…"), "the title is cut inside its column")
        #expect(CardRenderer.status(of: card, catalog) == (language == .zh
            ? ["#4 v1 待审核", "优先级 0.60", "通过概率 37%"] : ["#4 v1 pending_review", "priority 0.60", "P(approve) 37%"]))
    }

    /// A page that names no site (a WeChat article whose account name was not found) shows its host.
    @Test func aCardWithoutASiteShowsTheHostOfItsLink() {
        var card = Fixtures.card(6, title: "公众号文章", priority: 1)
        card.site = nil
        card.canonicalURL = "https://mp.weixin.qq.com/s/AbCdEf"
        #expect(CardRenderer.siteText(card) == "mp.weixin.qq.com")
        card.site = "  "
        card.canonicalURL = nil
        card.url = "https://xn--fsqu00a.xn--0zwm56d/a/6"
        #expect(CardRenderer.siteText(card) == "例子.测试")
        card.url = nil
        #expect(CardRenderer.siteText(card) == "-")
        card.site = "副业研究所"
        #expect(CardRenderer(width: 60, height: nil).lines(for: card)[1] == "Site       副业研究所")
    }
}
