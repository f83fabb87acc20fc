import Foundation
import Synchronization
import Testing
import SluiceApp
import SluiceCore
import SluicePipeline
import SluiceStore
import SluiceTestSupport

/// `sluice run --watch`: the real binary kept running against a real store and a loopback server, and the
/// service's runner in process with a clock the test sets.
@Suite(.serialized) struct ServiceTests {
    let directory = TemporaryDirectory("service")

    /// A pipeline for one loopback host: no politeness delay, a quick inbox, jobs as given.
    func pipeline(jobs enabled: Bool) throws -> String {
        let path = directory.path("service.json")
        let text = """
            {"fetch": {"per_host_delay_ms": 0, "per_host_concurrency": 8},
             "service": {"inbox_poll_seconds": 0.3, "recheck": {"enabled": \(enabled)},
                         "retrain": {"enabled": \(enabled)}, "export": {"enabled": \(enabled)}}}
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func waitFor(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test(.enabled(if: BinaryRun.sluiceBuilt, "the sluice binary is not built"))
    func theServiceProcessesArrivalsImportsItsInboxReloadsAndStopsCleanly() throws {
        var routes: [String: TestHTTPReply] = ["/fast": try .html(DistinctPages.html(0))]
        for index in 1...12 {
            var reply = try TestHTTPReply.html(DistinctPages.html(index))
            reply.delay = .milliseconds(400)
            routes["/slow/\(index)"] = reply
        }
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let storePath = directory.path("sluice.db")
        let store = try SQLiteStore(path: storePath)
        let inbox = directory.url.appendingPathComponent("inbox", isDirectory: true)
        let (process, output, errors) = try BinaryRun.start(
            ["run", "--watch", "--inbox", inbox.path, "--by", "协调员", "--allow-host", "127.0.0.1:\(server.port)",
             "--pipeline", try pipeline(jobs: false), "--log-format", "json", "--store", storePath], directory: directory.url)
        var stopped = false
        defer { if !stopped { process.terminate() } }
        // Another process submits: the service notices without being told.
        let submit = try BinaryRun.run(BinaryRun.sluice, ["submit", "\(server.baseURL)/fast", "--by", "小明", "--store", storePath])
        #expect(submit.status == 0, "\(submit.errors)")
        try waitFor("the submission to reach review") { try store.pendingCounts()[.pendingReview, default: 0] == 1 }
        // A form export dropped into the inbox.
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Data(#"{"note": "小区团购团长，一个月多赚一千", "volunteer": "阿强"}"#.utf8 + [0x0A])
            .write(to: inbox.appendingPathComponent("form.jsonl"))
        try waitFor("the inbox file to be imported and moved") {
            FileManager.default.fileExists(atPath: inbox.appendingPathComponent("done/form.jsonl").path)
        }
        try waitFor("the imported note to reach review") { try store.pendingCounts()[.pendingReview, default: 0] == 2 }
        kill(process.processIdentifier, SIGHUP)
        // Slow pages, and SIGTERM while they are in flight.
        for index in 1...12 {
            _ = try store.submit(Submission(volunteer: "v", url: "\(server.baseURL)/slow/\(index)", note: nil, source: "test"))
        }
        try waitFor("the slow pages to start arriving") { try store.pendingCounts()[.pendingReview, default: 0] > 2 }
        kill(process.processIdentifier, SIGTERM)
        let outcome = BinaryRun.collect(process, output: output, errors: errors)
        stopped = true
        #expect(outcome.status == 0, "SIGTERM stops the service cleanly: \(outcome.errors)")
        #expect(try store.leaseOwners().isEmpty, "no lease is left behind")
        let counts = try store.pendingCounts()
        #expect(counts.values.reduce(0, +) == 14, "nothing lost: \(counts)")
        #expect(counts[.failed, default: 0] == 0)
        #expect(try store.integrityCheck() == "ok")

        let lines = outcome.errors.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every log line is one JSON object: \(outcome.errors)")
        let events = objects.compactMap { $0["event"] as? String }
        for expected in ["service.started", "round.finished", "inbox.imported", "rules.reloaded", "service.stopping",
                         "service.stopped"] {
            #expect(events.contains(expected), "\(expected) in \(events)")
        }
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
    }

    /// The runner in process: the clock says it is the 1st, so last month's export runs; stop() returns.
    @Test func theRunnerRunsDueJobsOnItsClockAndKeepsItsRulesWhenAReloadFails() throws {
        let storePath = directory.path("in-process.db")
        let store = try SQLiteStore(path: storePath)
        let pipelinePath = try pipeline(jobs: true)
        let clock = ManualClock("2026-12-01T01:30:00.000Z")
        let events = Mutex<[ServiceEvent]>([])
        let settings = ServiceRunner.Settings(source: .network, inbox: nil, inboxVolunteer: nil,
                                              workingDirectory: directory.url)
        let runner = try ServiceRunner(store: store, clock: clock, settings: settings, load: {
            try PipelineDefinition.locate(explicit: pipelinePath, search: ConfigurationSearch(folders: [])).pinned()
        }, log: { event in events.withLock { $0.append(event) } })
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? runner.run()
            finished.signal()
        }
        thread.start()
        try waitFor("last month's column") {
            FileManager.default.fileExists(atPath: directory.path("columns/column-2026-11.md"))
        }
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: pipelinePath))
        runner.reload()
        try waitFor("the failed reload to be logged") { events.withLock { $0 }.contains { $0.event == "rules.reload_failed" } }
        _ = try IntakeService(store: store, canonicalizer: nil, clock: clock)
            .submit(url: nil, note: "闲鱼卖二手书的复盘，按斤收书按本卖", volunteer: "小明", source: "test")
        try waitFor("the rules kept to classify new work") { try store.pendingCounts()[.pendingReview, default: 0] == 1 }
        runner.stop()
        #expect(finished.wait(timeout: .now() + 20) == .success, "stop() ends run()")
        let logged = events.withLock { $0 }
        #expect(logged.first?.event == "service.started")
        #expect(logged.last?.event == "service.stopped")
        #expect(logged.contains { $0.event == "job.succeeded" && $0.fields["job"] == "export" && $0.fields["period"] == "2026-11" })
    }
}
