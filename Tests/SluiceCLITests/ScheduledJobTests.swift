import Foundation
import Synchronization
import Testing
import SluiceApp
import SluiceCore
import SluicePipeline
import SluicePublish
import SluiceStore
import SluiceTestSupport

/// The service's scheduled jobs, driven by a clock the test moves (no sleeping for a schedule).
@Suite struct ScheduledJobTests {
    let directory = TemporaryDirectory("jobs")

    func date(_ text: String) throws -> Date { try #require(Timestamp.date(text), "\(text)") }

    func schedule(_ job: ScheduledJob, _ text: String, options: ServiceOptions = ServiceOptions()) throws -> (String, Bool)? {
        try JobScheduler.schedule(job, options: options, at: date(text)).map { ($0.period, $0.due) }
    }

    /// Periods are UTC days, ISO weeks and the month before; a job is due from its hour in its period on, so
    /// a service that was down at that hour catches up once.
    @Test func periodsAndDueTimes() throws {
        #expect(try schedule(.recheck, "2026-11-30T02:59:59.000Z")! == ("2026-11-30", false))
        #expect(try schedule(.recheck, "2026-11-30T03:00:00.000Z")! == ("2026-11-30", true))
        #expect(try schedule(.recheck, "2026-11-30T23:59:00.000Z")! == ("2026-11-30", true))
        // 2027-01-01 is a Friday of ISO week 2026-W53; 2021-01-03, a Sunday, ends 2020-W53.
        #expect(try schedule(.retrain, "2027-01-01T00:00:00.000Z")! == ("2026-W53", true))
        #expect(try schedule(.retrain, "2021-01-03T12:00:00.000Z")! == ("2020-W53", true))
        // 2026-11-30 is a Monday: the weekly job waits for its hour that day.
        #expect(try schedule(.retrain, "2026-11-30T03:59:00.000Z")! == ("2026-W49", false))
        #expect(try schedule(.retrain, "2026-11-30T04:00:00.000Z")! == ("2026-W49", true))
        #expect(try schedule(.export, "2027-01-01T00:59:00.000Z")! == ("2026-12", false))
        #expect(try schedule(.export, "2027-01-01T01:00:00.000Z")! == ("2026-12", true))
        #expect(try schedule(.export, "2026-12-15T00:00:00.000Z")! == ("2026-11", true))
        var options = ServiceOptions()
        options.export.enabled = false
        #expect(try schedule(.export, "2026-12-15T00:00:00.000Z", options: options) == nil)
    }

    /// A store with one note published on 2026-11-15 (UTC), so November's column holds it.
    func storeWithNovemberColumn() throws -> (SQLiteStore, PipelineDefinition) {
        let store = try SQLiteStore(path: directory.path("sluice.db"))
        let definition = try PipelineDefinition.locate(explicit: nil, search: ConfigurationSearch(folders: []))
        let november = ManualClock("2026-11-15T08:00:00.000Z")
        let intake = try ServiceRunner.intake(store: store, definition: definition, clock: november)
        _ = try intake.submit(url: nil, note: "小区团购团长，一个月多赚一千", volunteer: "阿强", source: "test")
        _ = try PipelineService(store: store, definition: definition, clock: november)
            .run(source: .network, stop: StopSignal(), note: { _ in })
        _ = try ModerationService(store: store, clock: november).decide(itemID: 1, .approve(category: nil, title: nil),
                                                                       moderator: "版主A")
        _ = try PublishingService(store: store, clock: november)
            .publish(into: ContentDirectory(root: directory.url.appendingPathComponent("content")))
        return (store, definition)
    }

    @Test func dueJobsRunOnceEachAndTheExportWritesLastMonthsColumn() throws {
        let (store, definition) = try storeWithNovemberColumn()
        let clock = ManualClock("2026-12-01T00:30:00.000Z")
        let events = Mutex<[ServiceEvent]>([])
        let scheduler = JobScheduler(store: store, definition: definition, clock: clock, owner: "host:1:a",
                                     workingDirectory: directory.url)
        let log: (ServiceEvent) -> Void = { event in events.withLock { $0.append(event) } }
        // 2026-12-01 is a Tuesday: the week's retraining is due (too few decisions: skipped, not retried).
        let early = scheduler.runDue(log: log)
        #expect(early.map(\.job) == ["retrain"])
        #expect(early.first?.state == .skipped)
        clock.set(try date("2026-12-01T01:10:00.000Z"))
        let export = scheduler.runDue(log: log)
        #expect(export.map(\.job) == ["export"] && export.first?.state == .succeeded, "\(export)")
        #expect(export.first?.period == "2026-11")
        let markdown = try String(contentsOf: directory.url.appendingPathComponent("columns/column-2026-11.md"), encoding: .utf8)
        #expect(markdown.contains("小区团购团长"))
        #expect(FileManager.default.fileExists(atPath: directory.path("columns/column-2026-11.html")))
        clock.set(try date("2026-12-01T03:05:00.000Z"))
        let recheck = scheduler.runDue(log: log)
        #expect(recheck.map(\.job) == ["recheck"] && recheck.first?.state == .succeeded, "\(recheck)")
        #expect(recheck.first?.detail?.contains("of 2026-12") == true, "this month's sources: \(recheck)")
        #expect(scheduler.runDue(log: log).isEmpty, "each job once per period")
        let logged = events.withLock { $0 }
        #expect(logged.filter { $0.event == "job.started" }.count == 3)
        #expect(logged.contains { $0.event == "job.succeeded" && $0.fields["job"] == "export" && $0.message.contains("2026-11") })
        #expect(logged.contains { $0.event == "job.skipped" && $0.fields["job"] == "retrain" })
    }

    /// A job that fails is logged, retried after `retry_after_minutes` up to `max_attempts`, and shown by `status`.
    @Test func aFailedJobIsRetriedThenReportedInStatus() throws {
        var (store, definition) = try storeWithNovemberColumn()
        definition.service.export.formats = ["md", "atom"]
        definition.site = SiteOptions()
        let clock = ManualClock("2026-12-01T01:00:00.000Z")
        definition.service.recheck.enabled = false
        definition.service.retrain.enabled = false
        let scheduler = JobScheduler(store: store, definition: definition, clock: clock, owner: "host:1:a",
                                     workingDirectory: directory.url)
        let events = Mutex<[ServiceEvent]>([])
        let log: (ServiceEvent) -> Void = { event in events.withLock { $0.append(event) } }
        let first = try #require(scheduler.runDue(log: log).first)
        #expect(first.state == .failed && first.attempts == 1)
        #expect(first.detail?.contains("base") == true, "the feed needs a base URL: \(first)")
        #expect(first.nextAttemptAt == clock.now().addingTimeInterval(30 * 60))
        clock.advance(by: 10 * 60)
        #expect(scheduler.runDue(log: log).isEmpty, "not before its retry time")
        clock.advance(by: 21 * 60)
        #expect(scheduler.runDue(log: log).first?.attempts == 2)
        clock.advance(by: 31 * 60)
        let last = try #require(scheduler.runDue(log: log).first)
        #expect(last.attempts == 3 && last.nextAttemptAt == nil)
        clock.advance(by: 3600)
        #expect(scheduler.runDue(log: log).isEmpty, "three attempts were allowed")
        #expect(events.withLock { $0 }.filter { $0.event == "job.failed" && $0.level == .error }.count == 3)
        #expect(events.withLock { $0 }.last { $0.event == "job.failed" }?.message.contains("no attempts left") == true)

        let status = CLIHarness(storePath: store.path).run(["status"])
        #expect(status.output.contains("scheduled jobs"))
        #expect(status.output.contains("export 2026-11") && status.output.contains("failed (attempt 3)"), "\(status.output)")
        let json = try #require(try CLIHarness(storePath: store.path).json(["status"]) as? [String: Any])
        let jobs = try #require(json["jobs"] as? [[String: Any]])
        #expect(jobs.first?["state"] as? String == "failed" && jobs.first?["attempts"] as? Int == 3)
    }

    /// Two service instances on one store, both finding the jobs due at the same moment: each job runs once.
    @Test func twoInstancesRunEachJobOnce() throws {
        let (store, definition) = try storeWithNovemberColumn()
        let clock = ManualClock("2026-12-02T05:00:00.000Z")
        let other = try SQLiteStore(path: store.path, create: false)
        let runs = Mutex<[JobRun]>([])
        let stores: [any Store] = [store, other]
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let scheduler = JobScheduler(store: stores[index], definition: definition, clock: clock, owner: "host:\(index):x",
                                         workingDirectory: directory.url)
            let made = scheduler.runDue(log: { _ in })
            runs.withLock { $0 += made }
        }
        let all = runs.withLock { $0 }
        #expect(all.map(\.job).sorted() == ["export", "recheck", "retrain"], "\(all.map { "\($0.job) \($0.state)" })")
    }
}
