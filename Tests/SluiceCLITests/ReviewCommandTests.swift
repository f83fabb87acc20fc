import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// `sluice review --as M` and the audit log through the real command line on the real store.
@Suite struct ReviewCommandTests {
    let cli = ReviewCLI()

    init() {
        cli.queue(ReviewCLI.notes.map { ("小明", $0) })
    }

    @Test func lineModeCommandsAreSavedInTheStoreAtOnce() throws {
        let console = cli.sluice(["review", "--as", "版主A"], input: "a\nr 2\ne title 拉人头返佣，小心\ns\nu\nq\n")
        #expect(console.output.contains("approved #1"))
        #expect(console.output.contains("rejected (hype/scam) #2"))
        #expect(console.output.contains("title of #3 saved"))
        #expect(console.output.contains("undid edit of title of #3"))
        #expect(console.output.contains("approved 1, rejected 1, edited 0, skipped 1, undone 1"))
        #expect(try cli.item(1)["state"] as? String == "approved")
        let rejected = try cli.item(2)
        #expect(rejected["state"] as? String == "rejected")
        #expect(rejected["decision_reason"] as? String == "hype_scam")
        let undone = try cli.item(3)
        #expect(undone["state"] as? String == "pending_review")
        #expect(undone["title"] is NSNull, "undo put the note-only item's missing title back")
        #expect(undone["claimed_by"] is NSNull, "quitting released the claim")
        #expect(try cli.log() == ["版主A approve #1", "版主A reject #2", "版主A edit #3", "版主A undo #3"])

        let summary = cli.sluice(["review", "--as", "版主A", "--lines", "--json"], input: "a\nq\n").output
        let object = try #require(summary.range(of: "{").map { String(summary[$0.lowerBound...]) })
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: Int])
        #expect(counts == ["approved": 1, "rejected": 0, "edited": 0, "skipped": 0, "undone": 0])
        #expect(try cli.item(3)["state"] as? String == "approved")
    }

    @Test func theAuditLogFiltersByModeratorAndDate() throws {
        cli.sluice(["review", "--as", "版主A"], input: "e summary 小区团购，接龙卖水果\na\nu\n")
        cli.sluice(["review", "reject", "2", "--as", "版主B", "--reason", "off_topic", "--text", "跑题"])
        #expect(try cli.log() == ["版主A edit #1", "版主A approve #1", "版主A undo #1", "版主B reject #2"])
        #expect(try cli.log(["--as", "版主B"]) == ["版主B reject #2"])
        let today = String(Timestamp.string(Date()).prefix(10))
        let tomorrow = String(Timestamp.string(Date().addingTimeInterval(86_400)).prefix(10))
        #expect(try cli.log(["--since", today]).count == 4)
        #expect(try cli.log(["--since", tomorrow]).isEmpty)
        let text = cli.sluice(["review", "log", "--as", "版主B"]).output
        #expect(text.contains("版主B reject #2 pending_review → rejected (off_topic: 跑题)"))
        let bad = cli.sluice(["review", "log", "--since", "last week"], expect: 2)
        #expect(bad.errors.contains("--since takes a date like 2026-11-01, not \"last week\""))
    }

    @Test func aClaimShowsInTheListAndKeepsTheItemFromTheOtherModerator() throws {
        try cli.store().claim(itemID: 1, moderator: "版主A")
        #expect(cli.sluice(["review", "list"]).output.contains("[claimed by 版主A]"))
        let listed = try #require(try cli.json(["review", "list"]) as? [[String: Any]])
        #expect(listed.map { $0["claimed_by"] as? String } == ["版主A", nil, nil])
        let bob = cli.sluice(["review", "--as", "版主B"], input: "a\nq\n").output
        #expect(bob.contains("── 1/2 · #2 v"))
        #expect(bob.contains("approved #2"))
        #expect(try cli.item(1)["state"] as? String == "pending_review")
        let refused = cli.sluice(["review", "approve", "1", "--as", "版主B"], expect: 1)
        #expect(refused.errors.contains("item #1 is being reviewed by 版主A until"))
        #expect(try cli.log() == ["版主B approve #2"])
    }

    @Test func aDecisionOnAStaleVersionIsRefused() throws {
        let version = try #require(try cli.item(1)["version"] as? Int)
        cli.sluice(["review", "--as", "版主A"], input: "e title 社区团购的复盘\nq\n")
        let refused = cli.sluice(["review", "approve", "1", "--as", "版主B", "--version", "\(version)"], expect: 1)
        #expect(refused.errors.contains("item #1 changed since it was shown (version \(version), now \(version + 1))"))
        #expect(try cli.item(1)["state"] as? String == "pending_review")
    }

    /// Two `sluice` processes approve the same item at the same version at once: the store keeps one decision
    /// and the other process is told, on standard error with exit status 1.
    @Test func twoProcessesRacingOnOneItemLeaveOneDecision() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sluice executable first")
        let version = try #require(try cli.item(1)["version"] as? Int)
        let racers = try ["版主A", "版主B"].map { moderator in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["review", "approve", "1", "--as", moderator, "--version", "\(version)", "--store", cli.storePath]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return (process, errors)
        }
        let outcomes = racers.map { process, errors in
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, message)
        }
        #expect(outcomes.map(\.0).sorted() == [0, 1])
        let loser = try #require(outcomes.first { $0.0 == 1 })
        #expect(loser.1.contains("item #1 was already decided by"))
        #expect(loser.1.contains("left as it is"))
        let log = try cli.log()
        #expect(log.count == 1)
        #expect(log.first?.hasSuffix("approve #1") == true)
    }
}
