import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

/// Live progress where work is long: on a terminal's standard error, one line per stage, redrawn in place;
/// nothing of the kind when standard error is piped, or with --quiet.
@Suite struct ProgressTests {
    let directory = TemporaryDirectory("progress")

    /// Distinct notes (no two alike, so none is a duplicate), one JSON line each.
    func batch(_ count: Int) throws -> String {
        let topics = ["闲鱼卖二手书", "小区团购团长", "拼多多店群", "外卖跑腿", "短视频带货", "家教接单", "摆摊卖花", "代写简历"]
        let lines = (0..<count).map { index in
            #"{"note": "\#(topics[index % topics.count])的第\#(index)次复盘：\#(String(repeating: "经验", count: index % 5 + 1))", "volunteer": "志愿者\#(index)"}"#
        }
        let path = directory.path("batch.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func sluice(_ arguments: [String], terminal: Bool) -> (Int32, Console) {
        let console = Console.capturing(terminal: terminal)
        let status = Command.run(arguments: arguments + ["--store", directory.path("s.db")], console: console, environment: [:])
        return (status, console)
    }

    @Test func aTerminalSeesOneLivePerStageLineAPipeNone() throws {
        let file = try batch(24)
        let (imported, onTerminal) = sluice(["import", file], terminal: true)
        #expect(imported == 0)
        #expect(onTerminal.errors.contains("\r\u{1B}[Kimport  24/24"), "\(onTerminal.errors.debugDescription)")
        #expect(onTerminal.output == "imported 24 new, 0 already present, 0 rejected\n", "progress stays off standard output")

        let (ran, run) = sluice(["run"], terminal: true)
        #expect(ran == 0)
        for stage in ["fetch", "parse", "dedup", "classify"] {
            #expect(run.errors.contains("\u{1B}[K" + stage), "\(stage) in \(run.errors.debugDescription)")
        }
        #expect(run.errors.contains("settled   24/24"), "\(run.errors.debugDescription)")
        // Each redraw moves back over the lines it drew before.
        #expect(run.errors.contains("\u{1B}[5A") || run.errors.components(separatedBy: "\u{1B}[K").count == 6)

        let (_, piped) = sluice(["import", file], terminal: false)
        #expect(!piped.errors.contains("\u{1B}"), "nothing live when standard error is not a terminal")
        let (_, quiet) = sluice(["--quiet", "import", file], terminal: true)
        #expect(!quiet.errors.contains("\u{1B}"), "--quiet: no progress")
    }

    @Test func timeLeftIsShownFromTheRateSoFar() {
        #expect(ProgressDisplay.duration(16) == "0:16")
        #expect(ProgressDisplay.duration(725) == "12:05")
        #expect(ProgressDisplay.duration(3723.2) == "1:02:04")
        let console = Console.capturing(terminal: true)
        let display = ProgressDisplay(console: console, stages: ["fetch"])
        let start = Date(timeIntervalSince1970: 1_000_000)
        display.update("fetch", done: 0, total: 100, now: start)
        display.update("fetch", done: 40, total: 100, now: start.addingTimeInterval(2))
        #expect(console.errors.contains("fetch  40/100  20.0/s  0:03 left"), "\(console.errors.debugDescription)")
        display.finish(now: start.addingTimeInterval(2.1))
        display.update("fetch", done: 50, total: 100, now: start.addingTimeInterval(3))
        #expect(!console.errors.contains("50/100"), "nothing is drawn once finished")
    }

    /// The real binary decides by `isatty(2)`: under `script` (a pseudo-terminal) it draws, piped it does not.
    @Test(.enabled(if: BinaryRun.sluiceBuilt && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"),
                   "needs the sluice binary and script(1)"))
    func theBinaryDrawsOnlyOnATerminal() throws {
        let file = try batch(12)
        let store = directory.path("binary.db")
        let command = [BinaryRun.sluice, "import", file, "--store", store].map { "'\($0)'" }.joined(separator: " ")
        let onTerminal = try BinaryRun.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(onTerminal.status == 0)
        #expect(onTerminal.output.contains("\u{1B}[Kimport  12/12"), "\(onTerminal.output.debugDescription)")
        let piped = try BinaryRun.run(BinaryRun.sluice, ["import", file, "--store", store])
        #expect(piped.status == 0)
        #expect(!piped.errors.contains("\u{1B}") && !piped.output.contains("\u{1B}"))
    }
}
