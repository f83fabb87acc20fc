import Foundation
import Testing
import SluiceCore
import SluicePipeline
import SluiceStore
import SluiceTestSupport

/// The runner against a real store and real transfers over loopback.
@Suite struct PipelineRunnerTests {
    let directory = TemporaryDirectory("runner")

    func definition(queueBound: Int, server: TestHTTPServer) throws -> PipelineDefinition {
        var definition = try PipelineDefinition.load(path: SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path)
        for keyPath: WritableKeyPath<StageLayout, StageSettings> in [\.fetch, \.parse, \.dedup, \.classify] {
            definition.stages[keyPath: keyPath].queueBound = queueBound
        }
        definition.store.claimBatch = 3
        definition.fetch.allowHosts = ["127.0.0.1:\(server.port)"]
        definition.fetch.respectRobots = false
        return definition
    }

    func server(pages: Int, delay: Duration = .zero) throws -> TestHTTPServer {
        var routes: [String: TestHTTPReply] = [:]
        for index in 0..<pages {
            var reply = try TestHTTPReply.html(DistinctPages.html(index))
            reply.delay = delay
            routes["/p/\(index)"] = reply
        }
        return try TestHTTPServer(routes: routes)
    }

    func submit(_ count: Int, to server: TestHTTPServer, store: SQLiteStore) throws {
        for index in 0..<count {
            _ = try store.submit(Submission(volunteer: "v\(index % 3)", url: "\(server.baseURL)/p/\(index)", note: nil, source: "test"))
        }
    }

    @Test func tinyQueuesStillMoveEveryItemThrough() throws {
        let server = try server(pages: 12)
        defer { server.stop() }
        let store = try SQLiteStore(path: directory.path("s.db"))
        try submit(12, to: server, store: store)
        let engines = try StageEngines(definition: try definition(queueBound: 1, server: server), model: nil)
        let summary = try PipelineRunner(engines: engines, store: store, source: .network, owner: "t", stop: StopSignal()).run()
        #expect(summary.queuedForReview == 12)
        #expect(summary.leftPending == 0)
        #expect(try store.status().states["pending_review"] == 12)
        #expect(try store.leaseOwners().isEmpty)
    }

    @Test func aStoppedRunLeavesItemsWhereTheyWereAndTheNextRunFinishes() throws {
        let server = try server(pages: 20, delay: .milliseconds(40))
        defer { server.stop() }
        let store = try SQLiteStore(path: directory.path("s.db"))
        try submit(20, to: server, store: store)
        let engines = try StageEngines(definition: try definition(queueBound: 2, server: server), model: nil)
        let stop = StopSignal()
        DispatchQueue(label: "stopper").asyncAfter(deadline: .now() + 0.15) { stop.raise() }
        let first = try PipelineRunner(engines: engines, store: store, source: .network, owner: "first", stop: stop).run()
        #expect(first.interrupted)
        #expect(first.leftPending > 0)
        #expect(try store.leaseOwners().isEmpty)
        let second = try PipelineRunner(engines: engines, store: store, source: .network, owner: "second", stop: StopSignal()).run()
        #expect(!second.interrupted)
        #expect(first.queuedForReview + second.queuedForReview == 20)
        #expect(try store.status().states["pending_review"] == 20)
        #expect(try store.integrityCheck() == "ok")
    }
}
