import Foundation
import Testing
import SluiceCore
import SluiceReview

/// Runs `LineReview` with real files for stdin and stdout.
func runLines(_ commands: [String], backend: any ReviewBackend, moderator: String = "alice",
              catalog: MessageCatalog = .english) throws -> (summary: ReviewSummary, output: String) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-review-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("in.txt")
    let outputURL = directory.appendingPathComponent("out.txt")
    try Data(commands.map { $0 + "\n" }.joined().utf8).write(to: inputURL)
    try Data().write(to: outputURL)
    let input = try FileHandle(forReadingFrom: inputURL)
    let output = try FileHandle(forWritingTo: outputURL)
    let summary = try LineReview(backend: backend, moderator: moderator, input: input, output: output, catalog: catalog).run()
    try input.close()
    try output.close()
    return (summary, try String(contentsOf: outputURL, encoding: .utf8))
}

@Suite struct LineReviewTests {
    @Test func approveRejectSkipAreSavedAtOnce() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let run = try runLines(["a", "r 2", "s", "q"], backend: try items.backend())
        #expect(run.summary == ReviewSummary(approved: 1, rejected: 1, skipped: 1))
        #expect(try items.record(1)?.state == .approved)
        #expect(try items.record(2)?.state == .rejected)
        #expect(try items.record(2)?.decisionReason == "hype_scam")
        #expect(try items.record(3)?.state == .pendingReview)
        #expect(try items.record(3)?.claimedBy == nil, "the session released its last claim")
        #expect(try items.actions() == ["approve", "reject hype_scam"])
        #expect(run.output.contains("approved #1"))
        #expect(run.output.contains("rejected (hype/scam) #2"))
        #expect(run.output.contains("session ended: 1 approved, 1 rejected, 0 edited, 1 skipped, 0 undone"))
    }

    /// In Chinese the cards, the messages, the help and the errors are Chinese; the commands stay the same.
    @Test func inChineseEverythingWrittenIsChinese() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let run = try runLines(["?", "r", "r 6", "x", "a", "r 6 软文广告", "u", "j", "k", "q"], backend: try items.backend(),
                               catalog: .builtIn(.zh))
        #expect(run.summary == ReviewSummary(approved: 1, rejected: 0, undone: 1))
        for expected in ["── 1/3 · #1 v2 待审核 · 优先级 0.90 · 通过概率 37%", "标题     下班后做的十个副业", "站点     www.sohu.com",
                         "发现者   张三 20", "命令，每行一条：", "                   1 重复 2 夸大/诈骗 3 离题 4 质量差 5 失效链接 6 其他",
                         "r 需要理由编号：1 重复 2 夸大/诈骗", "r 6（其他）需要说明", "未知命令“x”：输入 ? 查看命令", "已通过 #1",
                         "已拒绝（其他：软文广告） #2", "已撤销 #2 的决定：已拒绝（其他：软文广告）",
                         "会话结束：通过 1，拒绝 0，编辑 0，跳过 0，撤销 1"] {
            #expect(run.output.contains(expected), "missing \(expected)")
        }
        for english in ["Title", "Found by", "approved #", "session ended", "commands, one per line"] {
            #expect(!run.output.contains(english), "English left: \(english)")
        }
    }

    @Test func aCardTellsWhatWasDecidedBeforeOnItsSiteAndFromItsVolunteer() throws {
        var cards = Fixtures.queue()
        cards.append(Fixtures.card(4, title: "搜狐上的另一篇副业文章", priority: 0.1))
        let items = try ReviewStore(cards: cards)
        _ = try runLines(["a", "r 2", "q"], backend: try items.backend(), moderator: "alice")
        let later = try runLines(["q"], backend: try items.backend(), moderator: "bob")
        #expect(later.output.contains("── 1/2 · #3 v2"))
        #expect(later.output.contains("volunteer 张三: 1 approved, 1 rejected (hype_scam 1)"))
        #expect(!later.output.contains("site 36kr.com"), "nothing was decided on 36kr.com yet")
        let sohu = try #require(try items.backend().nextCards(moderator: "bob", limit: 5).last)
        #expect(sohu.history == ["site www.sohu.com: 1 approved, 0 rejected",
                                 "volunteer 张三: 1 approved, 1 rejected (hype_scam 1)"])
    }

    @Test func cardsComeInPriorityOrderAsPlainText() throws {
        let items = try ReviewStore(cards: Fixtures.queue().reversed())
        let run = try runLines(["s", "s", "s"], backend: try items.backend())
        let first = try #require(run.output.range(of: "下班后做的十个副业"))
        let second = try #require(run.output.range(of: "日入过万的躺赚项目"))
        let third = try #require(run.output.range(of: "A plain English title"))
        #expect(first.lowerBound < second.lowerBound && second.lowerBound < third.lowerBound)
        #expect(run.output.contains("no more items to review"))
        #expect(run.output.contains("── 1/3 · #3 v2 pending_review · priority 0.90 · P(approve) 37%"))
    }

    @Test func rejectWithOtherNeedsAText() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let run = try runLines(["r 6", "r 9", "r", "r 6 广告软文，不是经验分享"], backend: try items.backend())
        #expect(run.output.contains("r 6 (other) needs a text"))
        #expect(run.output.contains("r needs a reason number: 1 duplicate 2 hype/scam"))
        #expect(run.output.contains("rejected (other: 广告软文，不是经验分享) #1"))
        #expect(run.summary.rejected == 1)
        #expect(try items.store.decisions().map(\.detail) == ["广告软文，不是经验分享"])
    }

    @Test func editChangesTheShownCardAndTheStore() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let run = try runLines(["e title 十个副业的真实收入", "e category 电商", "e category ecommerce",
                                "e summary 作者列出投入与回报。", "e colour red", "a"], backend: try items.backend())
        let record = try #require(try items.record(1))
        #expect(record.title == "十个副业的真实收入")
        #expect(record.category == "ecommerce")
        #expect(record.categorySource == .moderator)
        #expect(record.description == "作者列出投入与回报。")
        #expect(record.state == .approved)
        #expect(try items.actions() == ["edit title", "edit category", "edit summary", "approve"])
        #expect(run.output.contains("e needs a field (category, title, summary)"))
        #expect(run.output.contains("not saved: item 1: no category \"电商\" (one of ecommerce, affiliate,"))
        #expect(run.output.contains("ecommerce (moderator)"))
        #expect(run.summary == ReviewSummary(approved: 1, edited: 3))
    }

    @Test func undoRestoresTheItemAndShowsItAgain() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let run = try runLines(["a", "u", "u", "r 1"], backend: try items.backend())
        #expect(try items.record(1)?.state == .rejected)
        #expect(try items.record(1)?.version == 5)
        #expect(try items.actions() == ["approve", "undo", "reject duplicate"])
        #expect(run.output.contains("undid approved of #1"))
        #expect(run.output.contains("nothing to undo"))
        #expect(run.summary == ReviewSummary(rejected: 1, undone: 1))
    }

    @Test func nextPreviousViewAndHelp() throws {
        let items = try ReviewStore(cards: Fixtures.queue(), fullTexts: [2: "第一段全文\n\n第二段\u{1B}[2J全文"])
        let run = try runLines(["k", "j", "v", "?", "j", "j", "k", "xyz"], backend: try items.backend())
        #expect(run.output.contains("this is the first item"))
        #expect(run.output.contains("── full text of 日入过万的躺赚项目？拆穿三个骗局 ──\n日入过万的躺赚项目？拆穿三个骗局\n\n第一段全文\n\n第二段\\x1B[2J全文"))
        #expect(run.output.contains("r N [text]"))
        #expect(run.output.contains("no more items"))
        #expect(run.output.contains("unknown command 'xyz'"))
        #expect(run.summary == ReviewSummary())
        #expect(try items.store.decisions().isEmpty)
    }

    @Test func hostileTitleAndErrorsPrintInert() throws {
        var card = Fixtures.card(5, title: Fixtures.hostileTitle, priority: 1)
        card.excerpt = String(repeating: "\u{1B}[1A暴利", count: 3_000)
        let items = try ReviewStore(cards: [card])
        let run = try runLines(["r 6 \u{1B}]0;pwned\u{07}", "\u{1B}[6n"], backend: try items.backend())
        #expect(TerminalTextTests.isInert(run.output))
        #expect(run.output.contains("月入过万\\x1B]52;c;cm0gLXJmIH4=\\x07"))
        #expect(run.output.contains("unknown command '\\x1B[6n'"))
    }

    @Test func endOfInputQuitsAndAnEmptyQueueIsSaid() throws {
        let items = try ReviewStore(cards: [])
        let run = try runLines([], backend: try items.backend())
        #expect(run.output.contains("no more items to review"))
        #expect(run.summary == ReviewSummary())
    }
}
