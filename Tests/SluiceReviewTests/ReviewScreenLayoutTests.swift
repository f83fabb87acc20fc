import Foundation
import Glibc
import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceReview

/// The review screen in a real pseudo-terminal 60, 80 and 120 columns wide, in English and in Chinese, on a
/// real store holding a WeChat article with a long Chinese title, flags and three reports: what the terminal
/// shows is rebuilt cell by cell (`VirtualScreen`), and no row may run past the right edge while every key,
/// every reject reason and every label stays visible. Each screen is attached as plain text
/// (`swift test --attachments-path DIR` keeps them).
extension InteractiveReviewTests {
    static let longTitle = "震惊！下班后在家做这个副业，三个月赚了二十万，普通人也能复制的躺赚项目全流程揭秘（附详细步骤和真实收入截图）"

    /// A WeChat article whose page named no site, reported three times; then an ordinary card.
    static func layoutCards() -> [ReviewCard] {
        var article = Fixtures.card(1, title: longTitle, priority: 0.9)
        article.site = nil
        article.url = "https://mp.weixin.qq.com/s/Xy12AbCdEfGhIjKlMnOp?scene=21&utm_source=wx"
        article.canonicalURL = "https://mp.weixin.qq.com/s/Xy12AbCdEfGhIjKlMnOp"
        article.flags = [RiskFlag(family: "hype", rule: "hype-daily-income", matched: "日入过万"),
                         RiskFlag(family: "recruiting", rule: "recruiting", matched: "拉人头", warned: true),
                         RiskFlag(family: "fraud", rule: "guaranteed-return", matched: "保本高收益")]
        article.reports.append(VolunteerReport(volunteer: "王小明", note: "群里好几个人在转，说是内部渠道，名额有限，感觉是割韭菜的套路",
                                               submittedAt: "2026-11-04"))
        article.pApprove = 0.48
        return [article, Fixtures.card(2, title: "日入过万的躺赚项目？拆穿三个骗局", priority: 0.5, site: "www.zhihu.com")]
    }

    @Test(arguments: [60, 80, 120], MessageLanguage.allCases)
    func theScreenFitsItsWidthAndShowsEveryKeyReasonAndLabel(columns: Int, language: MessageLanguage) throws {
        let catalog = MessageCatalog.builtIn(language)
        let items = try ReviewStore(cards: Self.layoutCards(), filingEveryReport: true)
        let terminal = try PseudoTerminal(columns: UInt16(columns), rows: 24)
        let original = terminal.settings
        let run = ReviewRun(backend: try items.backend(), terminal: terminal, catalog: catalog)
        let keys = Screen.keyHints.map { catalog($0) }
        let lastKey = try #require(keys.last)
        terminal.waitFor(lastKey)

        let card = Self.capture(terminal, columns: columns, named: "card", language)
        Self.expectVisible(keys, on: card)
        let labels = ["Title", "Site", "Canonical", "Link", "Category", "Risk", "Found by", "Duplicates", "Excerpt"]
        Self.expectVisible(labels.map { catalog($0) }, on: card)
        let siteRow = card.lines.first { $0.hasPrefix(catalog("Site")) }
        #expect(siteRow?.contains("mp.weixin.qq.com") == true, "the Site row names the host: \(siteRow ?? "none")")
        #expect(card.text.contains(catalog("3 items in this cluster, reported by 3 volunteers")))
        #expect(card.text.contains("日入过万") && card.text.contains("⚠ 避坑 " + catalog("recruiting")))
        if language == .zh {
            #expect(!card.text.contains("Title") && !card.text.contains("Found by"), "English labels in Chinese")
            #expect(card.text.contains("待审核") && card.text.contains("优先级"))
        } else {
            #expect(!card.text.contains("标题") && !card.text.contains("发现者"))
        }

        terminal.press("r", until: lastKey)
        let reject = Self.capture(terminal, columns: columns, named: "reject", language)
        Self.expectVisible(RejectReason.allCases.map { "\($0.key) \(catalog($0.label))" } + [catalog("Esc cancels")] + keys,
                           on: reject)
        terminal.press("\u{1B}", until: catalog("reject cancelled"))

        terminal.press("e", until: lastKey)
        let edit = Self.capture(terminal, columns: columns, named: "edit", language)
        Self.expectVisible(["c category", "t title", "s summary", "Esc cancels"].map { catalog($0) } + keys, on: edit)
        terminal.press("\u{1B}", until: catalog("edit cancelled"))

        terminal.press("?", until: catalog("any key returns to the item"))
        let help = Self.capture(terminal, columns: columns, named: "help", language)
        Self.expectVisible(RejectReason.allCases.map { "\($0.key) \(catalog($0.label))" }, on: help)
        Self.expectVisible(["a  approve the item", "Esc cancels a reject or an edit"].map { catalog($0) }, on: help)
        terminal.press("z", until: lastKey)

        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
    }

    /// `sluice --lang zh review` and `LANG=zh_CN.UTF-8 sluice review`: the built binary speaks Chinese on the
    /// screen, within the terminal's width.
    @Test(arguments: [(["--lang", "zh"], [String: String](), 80), ([], ["LANG": "zh_CN.UTF-8"], 60)])
    func theBuiltBinaryShowsTheScreenInChinese(options: [String], environment: [String: String], columns: Int) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sluice executable first")
        let items = try ReviewStore(cards: Self.layoutCards(), filingEveryReport: true)
        let terminal = try PseudoTerminal(columns: UInt16(columns), rows: 24)
        let child = try terminal.launch(binary, options + ["review", "--as", "alice", "--store", items.path],
                                        environment: ["PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"].merging(environment) { $1 })
        terminal.waitFor("q 退出")
        let screen = Self.capture(terminal, columns: columns, named: "binary", .zh)
        Self.expectVisible(["标题", "站点", "发现者", "风险", "a 通过", "r 拒绝", "j/k 下一条/上一条"], on: screen)
        terminal.press("r", until: "q 退出")
        Self.expectVisible(["1 重复", "2 夸大/诈骗", "6 其他"], on: Self.capture(terminal, columns: columns, named: "binary-reject", .zh))
        terminal.press("2", until: "已拒绝（夸大/诈骗） #1")
        terminal.press("q", until: "通过 0，拒绝 1，编辑 0，跳过 0，撤销 0")
        terminal.awaitQuit(child)
        terminal.close()
        #expect(try items.record(1)?.decisionReason == "hype_scam")
    }

    /// What the terminal shows now, checked to lie within its width, and attached as plain text.
    static func capture(_ terminal: PseudoTerminal, columns: Int, named name: String, _ language: MessageLanguage,
                        sourceLocation: SourceLocation = #_sourceLocation) -> VirtualScreen {
        let screen = VirtualScreen(columns: columns, rows: 24, output: terminal.transcript)
        #expect(screen.overflows.isEmpty, "rows \(screen.overflows) ran past column \(columns)", sourceLocation: sourceLocation)
        for line in screen.lines {
            #expect(TerminalText.displayWidth(line) <= columns, "wider than \(columns): \(line)", sourceLocation: sourceLocation)
        }
        Attachment.record(screen.text + "\n", named: "review-\(name)-\(language.rawValue)-\(columns).txt",
                          sourceLocation: sourceLocation)
        return screen
    }

    /// Each text whole on one row of the screen.
    static func expectVisible(_ texts: [String], on screen: VirtualScreen, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in texts {
            #expect(screen.lines.contains { $0.contains(text) }, "\(text) is not on the screen:\n\(screen.text)",
                    sourceLocation: sourceLocation)
        }
    }
}
