import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceFetch
@testable import SluicePipeline
@testable import SluiceStore
import SluiceTestSupport

/// The runner under faults and extreme settings: each run must end (a watchdog fails the test instead of
/// hanging it) and leave every item in the state of its last committed transition, with no lease held.
@Suite struct PipelineRunnerFaultTests {
    let directory = TemporaryDirectory("runner-faults")

    func definition(queueBound: Int, workers: Int = 1, allowing port: UInt16) throws -> PipelineDefinition {
        var definition = try PipelineDefinition.load(path: SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path)
        for keyPath: WritableKeyPath<StageLayout, StageSettings> in [\.fetch, \.parse, \.dedup, \.classify] {
            definition.stages[keyPath: keyPath] = StageSettings(workers: workers, queueBound: queueBound)
        }
        definition.store.claimBatch = 3
        definition.fetch.allowHosts = ["127.0.0.1:\(port)"]
        definition.fetch.respectRobots = false
        definition.fetch.perHostConcurrency = 8
        definition.fetch.perHostDelayMilliseconds = 0
        return definition
    }

    /// `repeats` copies of a page's text make it slower to parse without making it like another page.
    func server(pages: Int, repeats: Int = 1) throws -> TestHTTPServer {
        var routes: [String: TestHTTPReply] = [:]
        for index in 0..<pages {
            let html = "<html><head><title>副业笔记 \(index)</title></head><body><article>"
                + String(repeating: "<p>\(DistinctPages.text(index))</p>", count: repeats) + "</article></body></html>"
            routes["/p/\(index)"] = try TestHTTPReply.html(html)
        }
        return try TestHTTPServer(routes: routes)
    }

    func submit(_ urls: [String], store: SQLiteStore) throws {
        for (index, url) in urls.enumerated() {
            _ = try store.submit(Submission(volunteer: "v\(index % 3)", url: url, note: nil, source: "test"))
        }
    }

    func pages(_ count: Int, on server: TestHTTPServer) -> [String] {
        (0..<count).map { "\(server.baseURL)/p/\($0)" }
    }

    /// Runs on a thread of its own; nil when the run has not ended after `seconds`.
    func runWatched(_ runner: PipelineRunner, seconds: Double = 60) -> Result<RunSummary, any Error>? {
        let outcome = Mutex<Result<RunSummary, any Error>?>(nil)
        let ended = DispatchSemaphore(value: 0)
        Thread {
            let result = Result { try runner.run() }
            outcome.withLock { $0 = result }
            ended.signal()
        }.start()
        guard ended.wait(timeout: .now() + seconds) == .success else { return nil }
        return outcome.withLock { $0 }
    }

    /// Every item is in the state its last transition committed (`submitted` when it has none), unleased.
    func expectEveryItemCommitted(_ path: String, count: Int) throws {
        let database = try SQLiteConnection(path: path, mode: .readWrite)
        let rows = try database.query("""
            SELECT i.id, i.state, i.lease_owner,
                   (SELECT t.to_state FROM transitions t WHERE t.item_id = i.id ORDER BY t.id DESC LIMIT 1)
            FROM items i ORDER BY i.id
            """) { row in
            (id: row.int(0) ?? 0, state: row.string(1) ?? "", lease: row.string(2), committed: row.string(3) ?? "submitted")
        }
        #expect(rows.count == count)
        for row in rows {
            #expect(row.state == row.committed, "item #\(row.id) is \(row.state) but its last transition is to \(row.committed)")
            #expect(row.lease == nil, "item #\(row.id) is still leased to \(row.lease ?? "")")
        }
    }

    /// A trigger standing in for a failing disk: SQLite aborts the statement, the store throws `SQLiteError`.
    func injectFault(_ path: String, on condition: String) throws {
        try SQLiteConnection(path: path, mode: .readWrite).execute("""
            CREATE TRIGGER injected_fault BEFORE UPDATE OF state ON items WHEN \(condition)
            BEGIN SELECT RAISE(ABORT, 'injected fault'); END;
            """)
    }

    func removeFault(_ path: String) throws {
        try SQLiteConnection(path: path, mode: .readWrite).execute("DROP TRIGGER injected_fault")
    }

    func expectInjectedFault(_ result: Result<RunSummary, any Error>?) {
        guard let result else {
            Issue.record("the run did not end within the watchdog's time")
            return
        }
        guard case .failure(let error) = result else {
            Issue.record("the run should have failed with the injected store error")
            return
        }
        #expect("\(error)".contains("injected fault"))
    }

    func finishRemaining(_ engines: StageEngines, store: SQLiteStore, expectReview count: Int) throws {
        let result = runWatched(PipelineRunner(engines: engines, store: store, source: .network, owner: "rerun", stop: StopSignal()))
        let summary = try #require(try result?.get())
        #expect(summary.leftPending == 0)
        #expect(try store.status().states["pending_review"] == count)
        #expect(try store.integrityCheck() == "ok")
    }

    /// `parsed` and `pending_review` are committed by the writer, `deduplicated` by a dedup worker's own
    /// transaction: the fault hits item 5 as it enters that state.
    @Test(arguments: ["parsed", "deduplicated", "pending_review"])
    func aStoreErrorMidRunEndsTheRunAndTheNextRunFinishes(state: String) throws {
        let server = try server(pages: 12)
        defer { server.stop() }
        let path = directory.path("\(state).db")
        let store = try SQLiteStore(path: path)
        try submit(pages(12, on: server), store: store)
        try injectFault(path, on: "NEW.state = '\(state)' AND NEW.id = 5")
        let engines = try StageEngines(definition: try definition(queueBound: 1, workers: 2, allowing: server.port), model: nil)
        expectInjectedFault(runWatched(PipelineRunner(engines: engines, store: store, source: .network, owner: "t", stop: StopSignal())))
        try expectEveryItemCommitted(path, count: 12)
        try removeFault(path)
        try finishRemaining(engines, store: store, expectReview: 12)
    }

    /// Sixteen long pages through the default pipeline with queues of one, changed by `adjust`; stop is raised
    /// once `blocked` holds of the running runner (read from its queues). Then every item must be in its last
    /// committed state and a second run must finish them all.
    func interrupt(_ name: String, adjust: (inout PipelineDefinition) -> Void, unlessBlocked message: Comment,
                   _ blocked: @escaping @Sendable (PipelineRunner) -> Bool) throws {
        let server = try server(pages: 16, repeats: 200)
        defer { server.stop() }
        let path = directory.path("\(name).db")
        let store = try SQLiteStore(path: path)
        try submit(pages(16, on: server), store: store)
        var settings = try definition(queueBound: 1, allowing: server.port)
        settings.stages.fetch = StageSettings(workers: 1, queueBound: 16)
        adjust(&settings)
        let engines = try StageEngines(definition: settings, model: nil)
        let stop = StopSignal()
        let runner = PipelineRunner(engines: engines, store: store, source: .network, owner: "t", stop: stop)
        let seen = Atomic<Bool>(false)
        let watcher = DispatchSemaphore(value: 0)
        Thread {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline && !blocked(runner) { Thread.sleep(forTimeInterval: 0.002) }
            seen.store(Date() < deadline, ordering: .sequentiallyConsistent)
            stop.raise()
            watcher.signal()
        }.start()
        let result = runWatched(runner)
        watcher.wait()
        let wasBlocked = seen.load(ordering: .sequentiallyConsistent)
        #expect(wasBlocked, message)
        let summary = try #require(try result?.get())
        #expect(summary.interrupted)
        #expect(summary.leftPending > 0)
        try expectEveryItemCommitted(path, count: 16)
        try finishRemaining(engines, store: store, expectReview: 16)
    }

    /// Dedup (one worker, the whole text fingerprinted and looked up) behind a queue of one is the slow stage:
    /// the writer, the only producer of that queue here, blocks handing it the next parsed item.
    @Test func stopWhileTheWriterIsBlockedOnAFullStageQueue() throws {
        // Dedup batches of one: a dedup worker gathering a batch would drain the queue as the writer fills it.
        try interrupt("stop-writer", adjust: {
            $0.stages.parse = StageSettings(workers: 2, queueBound: 4)
            $0.store.commitBatch = 1
        },
                      unlessBlocked: "the writer never waited on the full dedup queue") { runner in
            runner.dedupQueue.statistics.waitingProducers > 0
        }
    }

    /// One slow parse worker behind a queue of one: the fetch stage's worker cannot reserve a place for the next
    /// transfer's result and waits, starting no transfer.
    @Test func stopWhileTheFetcherWaitsForRoomInTheParseQueue() throws {
        try interrupt("stop-fetch", adjust: { $0.stages.dedup = StageSettings(workers: 1, queueBound: 16) },
                      unlessBlocked: "the fetch stage never waited for room in the parse queue") { runner in
            runner.parseQueue.statistics.waitingProducers > 0
        }
    }

    /// Parse is the slow stage (one worker, long pages): the fetch stage shows it waited for parse, parse's
    /// queue shows producers held up by it, and the run never holds more items than the sum of the queue bounds.
    @Test func aSlowParseHoldsFetchingBackAndTheRunStaysWithinItsBounds() throws {
        let server = try server(pages: 40, repeats: 100)
        defer { server.stop() }
        let path = directory.path("slow-parse.db")
        let store = try SQLiteStore(path: path)
        try submit(pages(40, on: server), store: store)
        var settings = try definition(queueBound: 4, workers: 2, allowing: server.port)
        settings.stages.parse = StageSettings(workers: 1, queueBound: 2)
        settings.stages.fetch = StageSettings(workers: 1, queueBound: 8)
        let engines = try StageEngines(definition: settings, model: nil)
        let result = runWatched(PipelineRunner(engines: engines, store: store, source: .network, owner: "t", stop: StopSignal()))
        let summary = try #require(try result?.get())
        #expect(summary.queuedForReview == 40)
        #expect(summary.inFlight.bound == 8 + 2 + 4 + 4)
        #expect(summary.inFlight.highWater <= summary.inFlight.bound)
        #expect(summary.inFlight.highWater > 0)
        for (name, stage) in summary.stages {
            if let bound = stage.queueBound, let high = stage.queueHighWater {
                #expect(high <= bound, "\(name) queue held \(high) of \(bound)")
            }
        }
        let fetch = try #require(summary.stages["fetch"])
        let parse = try #require(summary.stages["parse"])
        #expect(fetch.blockedSeconds > 0, "the fetch stage never waited for parse: \(fetch)")
        #expect(try #require(parse.queueFullSeconds) > 0, "nothing waited on the parse queue: \(parse)")
        #expect(parse.busySeconds > 0)
        #expect((fetch.itemsIn, fetch.itemsOut, parse.itemsIn, parse.itemsOut) == (40, 40, 40, 40))
        #expect(summary.stages["classify"]?.itemsOut == 40)
        #expect(summary.stages["write"]?.itemsOut == 80, "one commit for fetch and parse together, one for classify")
        #expect(summary.transitions["fetched"] == 40 && summary.transitions["parsed"] == 40)
        try expectEveryItemCommitted(path, count: 40)
    }

    @Test func aRunWhoseEveryItemFailsEnds() throws {
        let closed = try server(pages: 0)
        let urls = (0..<10).map { "\(closed.baseURL)/gone/\($0)" }
        closed.stop()
        let path = directory.path("fail.db")
        let store = try SQLiteStore(path: path)
        try submit(urls, store: store)
        var settings = try definition(queueBound: 1, workers: 4, allowing: closed.port)
        settings.fetch.retries = 0
        let engines = try StageEngines(definition: settings, model: nil)
        let result = runWatched(PipelineRunner(engines: engines, store: store, source: .network, owner: "t", stop: StopSignal()))
        let summary = try #require(try result?.get())
        #expect(summary.transitions["failed"] == 10)
        #expect(summary.failures.values.reduce(0, +) == 10)
        #expect(summary.leftPending == 0)
        #expect(try store.status().states["failed"] == 10)
        try expectEveryItemCommitted(path, count: 10)
    }

    /// The most workers a pipeline file allows, behind queues of one: every worker blocks in `pop` at once.
    @Test func queuesOfOneWithTheMostWorkersMoveEveryItemThrough() throws {
        let archivePath = directory.path("pages.warc")
        let writer = try WARCWriter(path: archivePath, gzip: false)
        let urls = (0..<40).map { "https://pages.example/p/\($0)" }
        for (index, url) in urls.enumerated() {
            let html = DistinctPages.html(index)
            try writer.write(Capture(requestedURL: url, finalURL: url, redirectChain: [url], status: 200,
                                     headers: [HTTPHeader(name: "Content-Type", value: "text/html; charset=utf-8")],
                                     contentType: "text/html; charset=utf-8", body: Data(html.utf8), text: nil,
                                     charset: nil, charsetBasis: nil, problem: nil, attempts: [], fetchedAt: Date()))
        }
        try writer.close()
        let path = directory.path("wide.db")
        let store = try SQLiteStore(path: path)
        try submit(urls, store: store)
        let engines = try StageEngines(definition: try definition(queueBound: 1, workers: 64, allowing: 1), model: nil)
        let result = runWatched(PipelineRunner(engines: engines, store: store, source: .replay(try ReplayArchive(path: archivePath)),
                                               owner: "t", stop: StopSignal()))
        let summary = try #require(try result?.get())
        #expect(summary.queuedForReview == 40)
        #expect(summary.leftPending == 0)
        try expectEveryItemCommitted(path, count: 40)
    }
}
