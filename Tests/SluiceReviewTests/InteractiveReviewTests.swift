import Foundation
import Glibc
import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceReview

/// Keystrokes into a real pseudo-terminal, screen out. Serialized: the signal-handler test restores every raw
/// terminal of the process, as the handler does.
@Suite(.serialized) struct InteractiveReviewTests {
    static let backspaces = String(repeating: "\u{7F}", count: 80)

    /// Starts a review on a fresh 80×24 pseudo-terminal and waits for the first card.
    static func start(_ backend: any ReviewBackend, firstTitle: String = "下班后做的十个副业", pager: String? = nil,
                      moderator: String = "alice") throws -> (PseudoTerminal, ReviewRun, termios) {
        let terminal = try PseudoTerminal()
        let original = terminal.settings
        let run = ReviewRun(backend: backend, terminal: terminal, moderator: moderator, pager: pager)
        terminal.waitFor(firstTitle)
        return (terminal, run, original)
    }

    /// Quits with `q` (or the keys given) and checks the terminal got its settings back.
    static func quit(_ terminal: PseudoTerminal, _ run: ReviewRun, _ original: termios, keys: String = "q",
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ReviewSummary? {
        terminal.type(keys)
        let summary = try run.finish()
        #expect(summary != nil, "the review did not end", sourceLocation: sourceLocation)
        #expect(sameSettings(terminal.settings, original), "termios not restored", sourceLocation: sourceLocation)
        terminal.waitFor("\u{1B}[?1049l", sourceLocation: sourceLocation)
        terminal.close()
        return summary
    }

    @Test func approveIsSavedBeforeTheSessionEndsAndRawModeIsUndoneOnQuit() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend())
        let raw = terminal.settings
        #expect(raw.c_lflag & tcflag_t(ICANON | ECHO) == 0, "raw mode while reviewing")
        #expect(original.c_lflag & tcflag_t(ICANON) != 0)
        terminal.waitFor("a approve  r reject")
        terminal.press("a", until: "approved #1", "日入过万的躺赚项目")
        #expect(try items.record(1)?.state == .approved)
        #expect(try Self.quit(terminal, run, original) == ReviewSummary(approved: 1))
    }

    @Test func rejectTakesEveryPresetReason() throws {
        let cards = (1...6).map { Fixtures.card(Int64($0), title: "第\($0)条副业消息", priority: 1 - Double($0) / 10) }
        let items = try ReviewStore(cards: cards)
        let (terminal, run, original) = try Self.start(try items.backend(), firstTitle: "第1条副业消息")
        terminal.press("r", until: "6 other")
        terminal.press("\u{1B}", until: "reject cancelled")
        for key in 1...5 {
            terminal.press("r", until: "1 duplicate  2 hype/scam")
            terminal.press("\(key)", until: "第\(key + 1)条副业消息")
        }
        terminal.press("r6", until: "why: ")
        terminal.press("软文广告\r", until: "rejected (other: 软文广告) #6")
        #expect(try items.actions() == RejectReason.allCases.map { "reject \($0.rawValue)" })
        #expect(try items.store.decisions().last?.detail == "软文广告")
        #expect(try Self.quit(terminal, run, original) == ReviewSummary(rejected: 6))
    }

    @Test func editChangesTitleCategoryAndSummary() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend())
        terminal.press("et", until: "title: ")
        terminal.press(Self.backspaces + "副业收入公开\r", until: "title of #1 saved", "副业收入公开")
        terminal.press("ec", until: "categories: 1 ecommerce  2 affiliate")
        terminal.press("1\r", until: "ecommerce (moderator)")
        terminal.press("es", until: "summary: ")
        terminal.press(Self.backspaces + "十个案例，附投入产出。\r", until: "十个案例，附投入产出。")
        terminal.press("ex", until: "edit cancelled")
        let record = try #require(try items.record(1))
        #expect(record.title == "副业收入公开")
        #expect(record.category == "ecommerce")
        #expect(record.description == "十个案例，附投入产出。")
        #expect(try Self.quit(terminal, run, original) == ReviewSummary(edited: 3))
    }

    @Test func skipUndoAndMovingBetweenItems() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend())
        terminal.press("u", until: "nothing to undo")
        terminal.press("s", until: "skipped #1")
        terminal.press("a", until: "approved #2")
        terminal.press("u", until: "undid approved of #2", "#2 v4 pending_review")
        #expect(try items.record(2)?.state == .pendingReview)
        terminal.press("j", until: "#3 v2 pending_review")
        terminal.press("k", until: "#2 v4 pending_review")
        terminal.press("\u{1B}[B", until: "#3 v2")
        terminal.press("\u{1B}[A", until: "#2 v4")
        terminal.press("jj", until: "no more items")
        terminal.press("x", until: "keys: a r e s u v j k ? q")
        #expect(try Self.quit(terminal, run, original) == ReviewSummary(skipped: 1, undone: 1))
    }

    @Test func viewShowsTheSanitizedFullTextInTheBuiltInPager() throws {
        let body = (1...60).map { "第\($0)段：副业\u{1B}]52;c;eA==\u{07}经验" }.joined(separator: "\n")
        let items = try ReviewStore(cards: Fixtures.queue(), fullTexts: [1: body])
        let (terminal, run, original) = try Self.start(try items.backend())
        terminal.press("v", until: "full text · 下班后做的十个副业", "第1段：副业\\x1B]52;c;eA==\\x07经验")
        terminal.press(" ", until: "第23段")
        terminal.press("q", until: "Title")
        #expect(!terminal.transcript.contains("\u{1B}]52"))
        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
    }

    @Test func viewHandsTheTerminalToThePager() throws {
        let items = try ReviewStore(cards: Fixtures.queue(), fullTexts: [1: "全文\u{1B}[2J第二行"])
        let (terminal, run, original) = try Self.start(try items.backend(), pager: "cat")
        terminal.press("v", until: "全文\\x1B[2J第二行", "Title")
        #expect(!terminal.transcript.contains("全文\u{1B}"))
        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
    }

    @Test func aPagerThatFailsIsReportedAndTheScreenComesBack() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend(), pager: "/nonexistent/pager")
        terminal.press("v", until: "pager /nonexistent/pager exited with status 127", "Title")
        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
    }

    @Test func withoutATerminalTheInteractiveModeRefusesToStart() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { descriptors.forEach { close($0) } }
        #expect(!RawTerminal.isTerminal(descriptors[0]))
        let items = try ReviewStore(cards: Fixtures.queue())
        let review = InteractiveReview(backend: try items.backend(), moderator: "alice",
                                       input: descriptors[0], output: descriptors[1], pager: nil)
        #expect(throws: TerminalError(descriptor: descriptors[0], call: "tcgetattr", errno: ENOTTY)) {
            try review.run()
        }
        #expect(TerminalError(descriptor: 5, call: "tcgetattr", errno: ENOTTY).description
                    == "terminal on descriptor 5: tcgetattr failed: Inappropriate ioctl for device")
    }

    @Test func helpListsEveryKey() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend())
        terminal.press("?", until: "any key returns to the item")
        for key in ["a  approve", "r  reject", "e  edit", "s  skip", "u  undo", "v  view", "j / ↓", "q  quit"] {
            #expect(terminal.transcript.contains(key), "help lacks \(key)")
        }
        terminal.press("z", until: "Title")
        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
    }

    @Test func ctrlCEndsTheSessionAndRestoresTheTerminal() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend())
        terminal.press("a", until: "approved #1")
        #expect(try Self.quit(terminal, run, original, keys: "\u{03}") == ReviewSummary(approved: 1))
        #expect(try items.record(1)?.state == .approved)
        #expect(try items.record(2)?.claimedBy == nil, "Ctrl-C released the claim on the card shown")
    }

    @Test func theSignalHandlersRestorePutsTheSavedSettingsBack() throws {
        let terminal = try PseudoTerminal()
        let original = terminal.settings
        let raw = try RawTerminal(input: terminal.slave, output: terminal.slave)
        #expect(terminal.settings.c_lflag & tcflag_t(ICANON) == 0)
        RawTerminal.restoreAllForSignal()
        #expect(sameSettings(terminal.settings, original))
        terminal.waitFor("\u{1B}[?1049l")
        raw.restore()
        #expect(sameSettings(terminal.settings, original))
        terminal.close()
    }

    @Test func hostileTitlesReachTheScreenAsPlainText() throws {
        var hostile = Fixtures.card(1, title: Fixtures.hostileTitle + String(repeating: "躺赚\u{1B}[5A", count: 1_500),
                                    priority: 1)
        hostile.reports = [VolunteerReport(volunteer: "\u{1B}[?1049l\u{1B}]2;title\u{07}", note: "\u{9B}6n",
                                           submittedAt: "2026")]
        hostile.excerpt = "\u{202E}evil\u{202C} 😀 한국어 ｆｕｌｌ"
        let items = try ReviewStore(cards: [hostile, Fixtures.card(2, title: "正常标题", priority: 0.5)])
        let (terminal, run, original) = try Self.start(try items.backend(), firstTitle: "月入过万\\x1B]52;c;cm0gLXJmIH4=\\x07")
        terminal.waitFor("<U+202E>evil<U+202C>")
        terminal.type("q")
        _ = try run.finish()
        let screen = terminal.transcript
        let own = /\x1B\[(\?1049[hl]|\?25[hl]|H|2J|K|[07]m|\d+;1H)/
        let foreign = screen.replacing(own, with: "")
        #expect(!foreign.contains("\u{1B}"), "an escape sequence not written by the screen reached the terminal")
        #expect(!foreign.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
        #expect(sameSettings(terminal.settings, original))
        terminal.close()
    }

    /// Every row the screen positions holds at most 80 columns, and no row lies below the 24th.
    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func realPagesStayInsideEightyByTwentyFour() throws {
        var cards = Fixtures.corpusCards(limit: 8)
        try #require(!cards.isEmpty, "the corpus holds Chinese pages with titles")
        cards.append(Fixtures.card(99, title: Fixtures.hostileTitle + String(repeating: "宽", count: 200), priority: 0))
        let items = try ReviewStore(cards: cards)
        let (terminal, run, original) = try Self.start(try items.backend(),
                                                       firstTitle: String(cards[0].title?.prefix(4) ?? ""))
        for number in 2...cards.count {
            terminal.press("j", until: "\(number)/\(cards.count)")
        }
        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
        let rows = terminal.transcript.split(separator: "\u{1B}[").compactMap { piece -> (Int, String)? in
            guard let match = piece.wholeMatch(of: /(\d+);1H(.*)/.dotMatchesNewlines()) else { return nil }
            return (Int(match.1) ?? 0, String(match.2))
        }
        #expect(rows.count > 20 * cards.count)
        #expect(rows.allSatisfy { (1...24).contains($0.0) })
        #expect(rows.allSatisfy { TerminalText.displayWidth($0.1.replacing(/\x1B\[[0-9;?]*[A-Za-z]/, with: "")) <= 80 })
    }

    @Test func theScreenFollowsResizes() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let (terminal, run, original) = try Self.start(try items.backend())
        terminal.resize(columns: 40, rows: 12)
        terminal.waitFor(TerminalText.wrapEntries(Screen.keyHints, columns: 40).last ?? "")
        terminal.waitFor("\u{1B}[12;1H")
        terminal.resize(columns: 120, rows: 40)
        terminal.waitFor(Screen.keyHints.joined(separator: "  "))
        terminal.waitFor("\u{1B}[40;1H")
        #expect(try Self.quit(terminal, run, original) == ReviewSummary())
    }
}
