import Foundation
import Glibc
import Testing
import SluiceCore
@testable import SluiceReview

/// The built `sluice review --as M` in a child process on a pseudo-terminal, against a real store file:
/// the keyboard screen, decisions saved as keys are pressed, the terminal given back on quit.
extension InteractiveReviewTests {
    @Test func sluiceReviewOnATerminalIsTheKeyboardScreenOnTheStore() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sluice executable first")
        let items = try ReviewStore(cards: Fixtures.queue())
        let terminal = try PseudoTerminal()
        let original = terminal.settings
        let child = try terminal.launch(binary, ["review", "--as", "alice", "--store", items.path],
                                        environment: ["PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"])
        terminal.waitFor("alice · 1/3 · #1 v2")
        #expect(try items.record(1)?.claimedBy == "alice")
        terminal.press("a", until: "approved #1", "日入过万的躺赚项目")
        terminal.press("r", until: "1 duplicate  2 hype/scam")
        terminal.press("2", until: "rejected (hype/scam) #2")
        terminal.press("q", until: "approved 1, rejected 1, edited 0, skipped 0, undone 0")
        terminal.awaitQuit(child)
        #expect(sameSettings(terminal.settings, original), "termios restored by the child")
        terminal.close()
        #expect(try items.record(1)?.state == .approved)
        #expect(try items.record(2)?.decisionReason == "hype_scam")
        #expect(try items.record(3)?.claimedBy == nil, "quitting released the claim on #3")
        #expect(try items.store.decisions().map(\.moderator) == ["alice", "alice"])
    }
}
