import Foundation
import Glibc
import Testing
@testable import SluiceReview

/// A process killed by a signal while its terminal is raw must leave the terminal as it found it. The killing
/// happens in a child process (this test binary run again, on a pseudo-terminal, for the one child test below),
/// so the test process itself never receives the signal.
extension InteractiveReviewTests {
    static let childVariable = "SLUICE_REVIEW_SIGNAL_CHILD"

    @Test(arguments: ["INT", "TERM", "HUP", "SEGV", "trap"])
    func aDyingProcessPutsTheTerminalBack(_ death: String) throws {
        let terminal = try PseudoTerminal()
        let original = terminal.settings
        let child = try terminal.launch(URL(fileURLWithPath: CommandLine.arguments[0]),
                                        ["--testing-library", "swift-testing", "--filter", "rawTerminalChildDies"],
                                        environment: ProcessInfo.processInfo.environment.merging(
                                            [Self.childVariable: death, "SWIFT_BACKTRACE": "enable=no"]) { $1 })
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal, "the child should die of its signal")
        terminal.waitFor(RawTerminal.enterScreen)
        terminal.waitFor("\u{1B}[?25h\u{1B}[?1049l")
        #expect(sameSettings(terminal.settings, original), "termios restored after SIG\(death)")
        terminal.close()
    }

    /// Runs only in the child: raw mode on its terminal, then death.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func rawTerminalChildDies() throws {
        let signals = ["INT": SIGINT, "TERM": SIGTERM, "HUP": SIGHUP, "SEGV": SIGSEGV]
        // The test runner may ignore or block these signals on its threads; an interactive shell's child would not.
        for signal in signals.values { Glibc.signal(signal, SIG_DFL) }
        let raw = try RawTerminal(input: 0, output: 1)
        let death = ProcessInfo.processInfo.environment[Self.childVariable] ?? ""
        if let signal = signals[death] {
            var unblocked = sigset_t()
            sigemptyset(&unblocked)
            sigaddset(&unblocked, signal)
            pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
            raise(signal)
        } else {
            let nothing: Int? = death.isEmpty ? 0 : nil
            _ = nothing!
        }
        raw.restore()
        Issue.record("the child outlived SIG\(death)")
    }
}
