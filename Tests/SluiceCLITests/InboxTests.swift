import Foundation
import Synchronization
import Testing
import SluiceApp
import SluiceCore
import SluicePipeline
import SluiceStore
import SluiceTestSupport

/// The service's inbox on real files and a real store: every file ends in done/ or failed/ with a report, none
/// is lost, none is imported twice.
@Suite struct InboxTests {
    let directory = TemporaryDirectory("inbox")
    var inbox: URL { directory.url.appendingPathComponent("inbox", isDirectory: true) }

    func world() throws -> (store: SQLiteStore, watcher: InboxWatcher, intake: IntakeService) {
        let store = try SQLiteStore(path: directory.path("sluice.db"))
        let definition = try PipelineDefinition.locate(explicit: nil, search: ConfigurationSearch(folders: []))
        let clock = ManualClock("2026-11-30T08:00:00.000Z")
        let watcher = try InboxWatcher(folder: inbox, store: store, clock: clock, defaultVolunteer: "协调员")
        return (store, watcher, try ServiceRunner.intake(store: store, definition: definition, clock: clock))
    }

    func drop(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: inbox.appendingPathComponent(name))
    }

    func contents(_ sub: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent(sub).path).sorted()
    }

    /// Two scans: the first sees the file, the second (the file unchanged) imports it.
    func settle(_ watcher: InboxWatcher, _ intake: IntakeService, log: (ServiceEvent) -> Void = { _ in })
        -> [InboxWatcher.Outcome] {
        #expect(watcher.scan(intake: intake, log: log).isEmpty, "a file is taken only once it stopped changing")
        return watcher.scan(intake: intake, log: log)
    }

    static let csv = "提交时间,提交人,链接,备注\n2026-11-28 10:00,小明,https://www.36kr.com/p/1,闲鱼卖书\n"
        + "2026-11-28 11:00,小红,,小区团购团长一个月多赚一千\n"

    @Test func aSettledFileIsImportedThenMovedToDoneWithAReport() throws {
        let (store, watcher, intake) = try world()
        try drop("问卷星导出.csv", Self.csv)
        try drop("in-progress.csv.part", Self.csv)
        try drop(".hidden.jsonl", #"{"note":"x","volunteer":"y"}"#)
        let events = Mutex<[ServiceEvent]>([])
        let outcomes = settle(watcher, intake) { event in events.withLock { $0.append(event) } }
        #expect(outcomes == [InboxWatcher.Outcome(name: "问卷星导出.csv", movedTo: "done/问卷星导出.csv", submitted: 2,
                                                  alreadyPresent: 0, refused: 0, seenBefore: false)])
        #expect(try contents("done") == ["问卷星导出.csv", "问卷星导出.csv.report.txt"])
        let report = try String(contentsOf: inbox.appendingPathComponent("done/问卷星导出.csv.report.txt"), encoding: .utf8)
        #expect(report.contains("2 new, 0 already present, 0 refused"))
        #expect(try store.status().total == 2)
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("in-progress.csv.part").path))
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent(".hidden.jsonl").path))
        #expect(events.withLock { $0 }.map(\.event) == ["inbox.imported"])
        let sha = SHA256.hex(Data(Self.csv.utf8))
        #expect(try store.importedFile(sha256: sha)?.name == "问卷星导出.csv")
    }

    @Test func refusedLinesSendTheFileToFailedWithEachReasonAndTheGoodLinesStored() throws {
        let (store, watcher, intake) = try world()
        try drop("batch.jsonl", #"{"note":"小区团购团长，一个月多赚一千","volunteer":"阿强"}"# + "\n"
                 + #"{"url":"javascript:alert(1)","volunteer":"x"}"# + "\n")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).write(to: inbox.appendingPathComponent("old.xls"))
        let outcomes = settle(watcher, intake)
        #expect(outcomes.map(\.movedTo) == ["failed/batch.jsonl", "failed/old.xls"])
        let report = try String(contentsOf: inbox.appendingPathComponent("failed/batch.jsonl.report.txt"), encoding: .utf8)
        #expect(report.contains("batch.jsonl:2: ") && report.contains("only http and https links are accepted"), "\(report)")
        #expect(try store.status().total == 1, "the good line is stored")
        let xls = try String(contentsOf: inbox.appendingPathComponent("failed/old.xls.report.txt"), encoding: .utf8)
        #expect(xls.contains("Excel 97-2003"))
        // A file refused as a whole is not remembered: the same bytes under a better name are still read.
        let bytes = try Data(contentsOf: inbox.appendingPathComponent("failed/old.xls"))
        #expect(try store.importedFile(sha256: SHA256.hex(bytes)) == nil)
    }

    /// The same bytes again (dropped twice, or back after a crash between the record and the move): only
    /// moved, nothing imported, and the move never replaces what done/ holds.
    @Test func theSameBytesSeenAgainAreRecognisedAndOnlyMoved() throws {
        let (store, watcher, intake) = try world()
        try drop("a.csv", Self.csv)
        _ = settle(watcher, intake)
        let before = try store.status()
        try drop("a.csv", Self.csv)
        let again = settle(watcher, intake)
        #expect(again.map(\.seenBefore) == [true])
        #expect(again.first?.movedTo == "done/a-2.csv")
        #expect(try store.status() == before, "nothing imported twice")
        let report = try String(contentsOf: inbox.appendingPathComponent("done/a-2.csv.report.txt"), encoding: .utf8)
        #expect(report.contains("seen again") && report.contains("2 new"), "\(report)")
        #expect(try contents("done") == ["a-2.csv", "a-2.csv.report.txt", "a.csv", "a.csv.report.txt"])
    }

    /// A crash after the lines were stored but before the file was recorded: it is imported again, which
    /// stores nothing twice (one submission per volunteer, URL and note).
    @Test func aCrashBeforeTheRecordImportsAgainWithoutDuplicates() throws {
        let (store, watcher, intake) = try world()
        try drop("b.csv", Self.csv)
        _ = try intake.importFiles([inbox.appendingPathComponent("b.csv").path], defaultVolunteer: nil)
        let outcomes = settle(watcher, intake)
        #expect(outcomes.first?.submitted == 0 && outcomes.first?.alreadyPresent == 2, "\(outcomes)")
        #expect(try store.status().total == 2)
        #expect(try contents("done") == ["b.csv", "b.csv.report.txt"])
    }

    /// A file still growing between scans waits until it stops.
    @Test func aFileStillBeingWrittenWaits() throws {
        let (store, watcher, intake) = try world()
        try drop("c.txt", "https://www.36kr.com/p/1 闲鱼卖书\n")
        #expect(watcher.scan(intake: intake, log: { _ in }).isEmpty)
        try drop("c.txt", "https://www.36kr.com/p/1 闲鱼卖书\nhttps://www.36kr.com/p/2 小区团购\n")
        #expect(watcher.scan(intake: intake, log: { _ in }).isEmpty, "it changed since the last scan")
        let outcomes = watcher.scan(intake: intake, log: { _ in })
        #expect(outcomes.first?.submitted == 2, "the default volunteer credits .txt lines: \(outcomes)")
        #expect(try store.records(state: nil, limit: nil, after: nil).allSatisfy { $0.volunteer == "协调员" })
    }
}
