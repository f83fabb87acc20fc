import Foundation
import Testing
import SluiceCLI
import SluiceCore
@testable import SluiceStore
import SluiceTestSupport

/// A store is never damaged by accident: a read-only store still answers, writes get one sentence, backups
/// are consistent while a run goes on, and `check` says when something is wrong. The read-only cases run the
/// real binary as `nobody` (root ignores permissions) or through a read-only bind mount.
@Suite(.serialized) struct StoreSafetyTests {
    let directory = TemporaryDirectory("store-safety")
    var month: String { Timestamp.month(Date()) }

    /// A store in `folder` holding a published note (#1), a note in review (#2) and a submitted one (#3).
    func seededStore(in folder: String) throws -> String {
        let url = directory.url.appendingPathComponent(folder, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let harness = CLIHarness(storePath: url.appendingPathComponent("sluice.db").path)
        harness.run(["submit", "--note", "小区团购团长，一个月多赚一千", "--by", "阿强"])
        harness.run(["run"])
        harness.run(["review", "approve", "1", "--as", "版主A"])
        harness.run(["publish", "--content", directory.path("content-\(folder)")])
        harness.run(["submit", "--note", "闲鱼卖二手书的复盘，按斤收书按本卖", "--by", "小明"])
        harness.run(["run"])
        harness.run(["submit", "--note", "拼多多店群一个月的真实收入和成本", "--by", "小红"])
        return harness.storePath
    }

    /// The reads a moderator or a script makes on a store it may not write: all answer.
    func expectReadsAnswer(_ sluice: ([String]) throws -> BinaryOutcome, _ label: String) throws {
        let status = try sluice(["status"])
        #expect(status.status == 0 && status.output.contains("items: 3"), "\(label) status: \(status.errors)")
        let list = try sluice(["review", "list"])
        #expect(list.status == 0 && list.output.contains("闲鱼卖二手书"), "\(label) review list: \(list.errors)")
        let show = try sluice(["review", "show", "2", "--json"])
        #expect(show.status == 0 && show.output.contains("\"state\" : \"pending_review\""), "\(label) review show: \(show.errors)")
        let export = try sluice(["export", "--month", month])
        #expect(export.status == 0 && export.output.contains("小区团购团长"), "\(label) export: \(export.errors)")
        let check = try sluice(["check"])
        #expect(check.status == 0 && check.output.contains("the store is sound"), "\(label) check: \(check.output) \(check.errors)")
    }

    /// Writes are refused with one sentence naming the store, never a raw SQLite error.
    func expectWritesRefused(_ sluice: ([String]) throws -> BinaryOutcome, store: String, _ label: String) throws {
        for arguments in [["review", "approve", "2", "--as", "版主B"], ["submit", "--note", "新的一条线索：小区跑腿", "--by", "阿强"],
                          ["run"], ["review", "reject", "--all", "--as", "版主B", "--reason", "other", "--yes"]] {
            let outcome = try sluice(arguments)
            #expect(outcome.status == 2, "\(label) \(arguments): \(outcome.status) \(outcome.errors)")
            #expect(outcome.errors.contains("\(store): the store is read-only here"), "\(label) \(arguments): \(outcome.errors)")
            #expect(!outcome.errors.contains("SQLite"), "\(label) \(arguments): \(outcome.errors)")
            #expect(outcome.errors.split(separator: "\n").count == 1, "\(label) \(arguments): one sentence: \(outcome.errors)")
        }
    }

    @Test(.enabled(if: BinaryRun.sluiceBuilt, "the sluice binary is not built"))
    func aStoreThisUserMayNotWriteStillAnswersAndRefusesWritesInOneSentence() throws {
        let store = try seededStore(in: "permissions")
        let folder = URL(fileURLWithPath: store).deletingLastPathComponent().path
        // As root the files stay root's and nobody reads them; as anyone else the folder and file lose their
        // write permission. Either way the store cannot be written by the user running sluice.
        let user = BinaryRun.canRunAsNobody ? "nobody" : nil
        if user == nil {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
        let sluice = { (arguments: [String]) in
            try BinaryRun.run(BinaryRun.sluice, arguments + ["--store", store], asUser: user, directory: URL(fileURLWithPath: "/"))
        }
        // Closed cleanly, a WAL store leaves no -wal or -shm file, and a reader cannot create them here.
        #expect(!FileManager.default.fileExists(atPath: store + "-wal"))
        try expectReadsAnswer(sluice, "closed")
        try expectWritesRefused(sluice, store: store, "closed")
        #expect(!FileManager.default.fileExists(atPath: store + "-shm"), "a reader made no file in the folder")
        // While the owner has it open (the service), readers share its -wal and -shm files.
        let writer = try SQLiteStore(path: store, create: false)
        #expect(FileManager.default.fileExists(atPath: store + "-wal"))
        try expectReadsAnswer(sluice, "held open")
        try expectWritesRefused(sluice, store: store, "held open")
        #expect(try writer.record(id: 2)?.state == .pendingReview, "nothing was written")
        let backup = try sluice(["backup", "--out", folder + "/copy.db"])
        #expect(backup.status == 2 && backup.errors.contains("cannot write \(folder)/copy.db"), "\(backup.errors)")
    }

    /// A read-only replica: the file system itself refuses writes, to root too.
    @Test(.enabled(if: BinaryRun.sluiceBuilt && getuid() == 0, "needs root for a bind mount"))
    func aStoreOnAReadOnlyMountStillAnswers() throws {
        let store = try seededStore(in: "replica")
        let source = URL(fileURLWithPath: store).deletingLastPathComponent().path
        let mountPoint = directory.path("mounted")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard try BinaryRun.run("/usr/bin/mount", ["--bind", source, mountPoint]).status == 0 else {
            print("StoreSafetyTests: bind mounts are not allowed here; the read-only mount case is skipped")
            return
        }
        defer { _ = try? BinaryRun.run("/usr/bin/umount", [mountPoint]) }
        guard try BinaryRun.run("/usr/bin/mount", ["-o", "remount,ro,bind", mountPoint]).status == 0 else {
            print("StoreSafetyTests: read-only remounts are not allowed here; the case is skipped")
            return
        }
        let replica = mountPoint + "/sluice.db"
        let sluice = { (arguments: [String]) in
            try BinaryRun.run(BinaryRun.sluice, arguments + ["--store", replica], directory: URL(fileURLWithPath: "/"))
        }
        try expectReadsAnswer(sluice, "read-only mount")
        try expectWritesRefused(sluice, store: replica, "read-only mount")
    }

    @Test func checkSaysWhatIsWrongAndExitsOne() throws {
        let store = try seededStore(in: "check")
        let harness = CLIHarness(storePath: store)
        let sound = try #require(try harness.json(["check"]) as? [String: Any])
        #expect(sound["ok"] as? Bool == true)
        #expect(sound["integrity"] as? String == "ok")
        #expect((sound["orphans"] as? [Any])?.isEmpty == true)
        let opened = try SQLiteStore(path: store, create: false)
        try opened.sql.write { database in
            try database.run("INSERT INTO items (state, created_at, updated_at) VALUES ('approved', 'x', 'x')", [])
        }
        let broken = harness.run(["check"], expect: 1)
        #expect(broken.output.contains("orphan rows     NOT OK: 1 items without a submission"), "\(broken.output)")
        #expect(broken.output.contains("the store is NOT sound"))
        #expect(CLIHarness(storePath: directory.path("none.db")).run(["check"], expect: 2).errors.contains("no sluice store here"))
    }

    /// `backup` while `run` commits: the copy is one consistent moment of the store, sound and complete.
    @Test(.enabled(if: BinaryRun.sluiceBuilt, "the sluice binary is not built"))
    func aBackupTakenDuringARunIsSoundAndConsistent() throws {
        var routes: [String: TestHTTPReply] = [:]
        for index in 0..<24 {
            var reply = try TestHTTPReply.html(DistinctPages.html(index))
            reply.delay = .milliseconds(60)
            routes["/page/\(index)"] = reply
        }
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let storePath = directory.path("running.db")
        let store = try SQLiteStore(path: storePath)
        for index in 0..<24 {
            _ = try store.submit(Submission(volunteer: "v\(index % 3)", url: "\(server.baseURL)/page/\(index)", note: nil,
                                            source: "test"))
        }
        let (run, output, errors) = try BinaryRun.start(["run", "--allow-host", "127.0.0.1:\(server.port)", "--store", storePath],
                                                        directory: directory.url)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try store.pendingCounts()[.pendingReview, default: 0] < 3 { Thread.sleep(forTimeInterval: 0.01) }
        let copy = directory.path("during-run.db")
        let backup = try BinaryRun.run(BinaryRun.sluice, ["backup", "--out", copy, "--json", "--store", storePath])
        let stillRunning = run.isRunning
        let finished = BinaryRun.collect(run, output: output, errors: errors)
        #expect(finished.status == 0, "\(finished.errors)")
        #expect(stillRunning, "the backup was taken while the run went on")
        #expect(backup.status == 0, "\(backup.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(backup.output.utf8)) as? [String: Any])
        #expect(report["integrity"] as? String == "ok")
        #expect(report["items"] as? Int == 24)

        let copied = try SQLiteStore(path: copy, create: false)
        #expect(try copied.integrityCheck() == "ok")
        #expect(try copied.orphanRows().isEmpty)
        let counts = try copied.pendingCounts()
        #expect(counts.values.reduce(0, +) == 24, "every submission is in the copy: \(counts)")
        let reviewed = counts[.pendingReview, default: 0]
        #expect(reviewed >= 3 && reviewed <= 24, "\(counts)")
        // One moment: every item the copy has in review has the capture and transitions that got it there.
        for record in try copied.records(state: .pendingReview, limit: nil, after: nil) {
            #expect(try copied.capture(itemID: record.id) != nil, "#\(record.id) in review without its capture")
        }
        #expect(try store.pendingCounts()[.pendingReview] == 24, "the run itself finished undisturbed")
        let check = try BinaryRun.run(BinaryRun.sluice, ["check", "--store", copy])
        #expect(check.status == 0, "\(check.output)")
    }

    /// `NO_COLOR` (and a pipe) keep colours out; a terminal gets them.
    @Test func coloursOnlyOnATerminalAndNeverWithNoColor() throws {
        let store = try seededStore(in: "colours")
        func check(_ environment: [String: String], terminal: Bool) -> String {
            let console = Console.capturing(terminal: terminal)
            _ = Command.run(arguments: ["check", "--store", store], console: console, environment: environment)
            return console.output
        }
        #expect(check([:], terminal: true).contains("\u{1B}[32mok\u{1B}[0m"))
        #expect(!check(["NO_COLOR": "1"], terminal: true).contains("\u{1B}"))
        #expect(!check(["TERM": "dumb"], terminal: true).contains("\u{1B}"))
        #expect(!check([:], terminal: false).contains("\u{1B}"))
    }
}
