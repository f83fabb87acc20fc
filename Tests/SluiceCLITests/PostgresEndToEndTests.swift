import Foundation
import Synchronization
import Testing
import SluiceCore
@testable import SluiceStore
import SluiceTestSupport

/// Several `sluice` processes on one PostgreSQL store, as worker hosts and moderators share it: every item
/// fetched once, processed once, decided once; a killed run's items finished by the other after the lease; a
/// server restart mid-run survived with nothing lost or done twice.
@Suite(.serialized, .enabled(if: CrashHarness.binaryBuilt && StoreBackend.available.contains(.postgres),
                             "needs the built binary and a PostgreSQL server (SLUICE_TEST_POSTGRES)"))
struct PostgresEndToEndTests {
    let directory = TemporaryDirectory("pg-e2e")

    func server(pages: Int, delay: Duration) throws -> TestHTTPServer {
        var routes: [String: TestHTTPReply] = [:]
        for index in 0..<pages {
            var reply = try TestHTTPReply.html(DistinctPages.html(index))
            reply.delay = delay
            routes["/p/\(index)"] = reply
        }
        return try TestHTTPServer(routes: routes)
    }

    /// The default pipeline without politeness delays, with a short lease so a dead run's items return soon.
    func pipeline(leaseSeconds: Double) throws -> String {
        let pipelines = SharedCorpus.packageRoot.appendingPathComponent("pipelines")
        var definition = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: pipelines.appendingPathComponent("default.json"))) as? [String: Any])
        var fetch = definition["fetch"] as? [String: Any] ?? [:]
        fetch["per_host_delay_ms"] = 0
        fetch["per_host_concurrency"] = 4
        definition["fetch"] = fetch
        var store = definition["store"] as? [String: Any] ?? [:]
        store["lease_seconds"] = leaseSeconds
        store["claim_batch"] = 2
        definition["store"] = store
        // Small queues: a run holds a few items at a time, so two runs share the work.
        definition["stages"] = Dictionary(uniqueKeysWithValues: ["fetch", "parse", "dedup", "classify"].map {
            ($0, ["workers": 1, "queue_bound": 2])
        })
        let rules = try #require(definition["rules"] as? [String: String])
        definition["rules"] = rules.mapValues { pipelines.appendingPathComponent($0).path }
        let path = directory.path("pipeline-\(UUID().uuidString.prefix(6)).json")
        try JSONSerialization.data(withJSONObject: definition).write(to: URL(fileURLWithPath: path))
        return path
    }

    func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        try BinaryRun.start(arguments, directory: directory.url)
    }

    /// Waits for a process, reading its pipes first so a chatty one cannot block.
    func finish(_ started: (Process, Pipe, Pipe)) -> BinaryOutcome {
        let (process, output, errors) = started
        return BinaryRun.collect(process, output: output, errors: errors)
    }

    func submitAll(_ count: Int, server: TestHTTPServer, to location: String) throws -> any SQLStore {
        let store = try #require(try StoreLocation(location).open(create: true) as? any SQLStore)
        for index in 0..<count {
            _ = try store.submit(Submission(volunteer: "v\(index % 5)", url: "\(server.baseURL)/p/\(index)", note: nil,
                                            source: "test"), urlKeys: [], refetchKnown: false, at: Date())
        }
        return store
    }

    /// Transitions per item into `state`, by item.
    func transitions(into state: ItemState, in store: any SQLStore) throws -> [Int64: Int] {
        let rows = try store.sql.read { database in
            try database.query("SELECT item_id, COUNT(*) FROM transitions WHERE to_state = ? GROUP BY item_id",
                               [state.rawValue]) { ($0.int(0) ?? 0, Int($0.int(1) ?? 0)) }
        }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    @Test func twoRunsAndTwoReviewersShareOneStoreAndDoEverythingOnce() throws {
        let pages = 40
        let server = try server(pages: pages, delay: .milliseconds(40))
        defer { server.stop() }
        let location = try StoreBackend.postgres.freshLocation(in: directory)
        let store = try submitAll(pages, server: server, to: location)
        let pipeline = try pipeline(leaseSeconds: 30)
        let runs = try (0..<2).map { _ in
            try start(["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(server.port)", "--store", location, "--json"])
        }
        let outcomes = runs.map(finish)
        #expect(outcomes.map(\.status) == [0, 0], "\(outcomes.map(\.errors))")
        let summaries = try outcomes.map { try #require(try JSONSerialization.jsonObject(with: Data($0.output.utf8)) as? [String: Any]) }
        let queued = summaries.compactMap { $0["queued_for_review"] as? Int }
        #expect(queued.reduce(0, +) == pages)
        #expect(queued.allSatisfy { $0 > 0 }, "both runs took a share of the work: \(queued)")
        #expect(try store.status().states["pending_review"] == pages)
        let fetched = try transitions(into: .fetched, in: store)
        #expect(fetched.count == pages && fetched.values.allSatisfy { $0 == 1 }, "every item fetched once")
        #expect(try transitions(into: .pendingReview, in: store).values.allSatisfy { $0 == 1 }, "classified once")
        #expect(Dictionary(grouping: server.requestedPaths.filter { $0.hasPrefix("/p/") }, by: { $0 }).values
            .allSatisfy { $0.count == 1 }, "no page was requested twice")

        let reviewers = try [["review", "approve", "--all", "--yes", "--as", "版主甲", "--store", location],
                             ["review", "reject", "--all", "--yes", "--as", "版主乙", "--reason", "hype_scam", "--store", location]]
            .map(start)
        let decided = reviewers.map(finish)
        #expect(decided.allSatisfy { $0.status == 0 || $0.status == 1 })
        let decisions = try store.decisions(moderator: nil, since: nil)
        #expect(decisions.count == pages)
        #expect(Set(decisions.map(\.itemID)).count == pages, "no item was decided twice")
        let status = try store.status().states
        #expect((status["approved"] ?? 0) + (status["rejected"] ?? 0) == pages)
        let told = decided.map(\.errors).joined()
        if Set(decisions.map(\.moderator)).count == 2 {
            #expect(told.contains("was already decided by"), "the second reviewer is told who decided")
        }
    }

    @Test func aKilledRunsItemsAreFinishedByTheOtherAfterTheLease() throws {
        let pages = 40
        let server = try server(pages: pages, delay: .milliseconds(80))
        defer { server.stop() }
        let location = try StoreBackend.postgres.freshLocation(in: directory)
        let store = try submitAll(pages, server: server, to: location)
        let pipeline = try pipeline(leaseSeconds: 2)
        let arguments = ["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(server.port)", "--store", location, "--json"]
        let doomed = try start(arguments)
        let survivor = try start(arguments)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try store.pendingCounts()[.pendingReview] ?? 0) < 6 { Thread.sleep(forTimeInterval: 0.01) }
        kill(doomed.0.processIdentifier, SIGKILL)
        _ = finish(doomed)
        let finished = finish(survivor)
        #expect(finished.status == 0, "\(finished.errors)")
        let counts = try store.pendingCounts()
        #expect(counts[.pendingReview] == pages, "every item reached review: \(counts)")
        #expect(try store.leaseOwners().isEmpty)
        #expect(try transitions(into: .pendingReview, in: store).values.allSatisfy { $0 == 1 }, "nothing classified twice")
    }

    @Test func aRunSurvivesAServerRestartWithNothingLostOrDoneTwice() throws {
        let cluster = directory.path("cluster")
        let script = SharedCorpus.packageRoot.appendingPathComponent("scripts/pg-cluster.sh").path
        let started = finish(try startScript(script, "start", cluster))
        try #require(started.status == 0, "a second PostgreSQL server could not start: \(started.errors)")
        defer { if let stopping = try? startScript(script, "stop", cluster) { _ = finish(stopping) } }
        let location = started.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let pages = 40
        let server = try server(pages: pages, delay: .milliseconds(150))
        defer { server.stop() }
        let store = try submitAll(pages, server: server, to: location)
        let run = try start(["run", "--pipeline", try pipeline(leaseSeconds: 30), "--allow-host", "127.0.0.1:\(server.port)",
                             "--store", location, "--json"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try store.pendingCounts()[.pendingReview] ?? 0) < 4 { Thread.sleep(forTimeInterval: 0.01) }
        let restarted = finish(try startScript(script, "restart", cluster))
        #expect(restarted.status == 0, "\(restarted.errors)")
        #expect(try store.pendingCounts()[.pendingReview] ?? 0 < pages, "the restart landed mid-run")
        let outcome = finish(run)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let counts = try store.pendingCounts()
        #expect(counts[.pendingReview] == pages, "\(counts)")
        #expect(try transitions(into: .fetched, in: store).values.allSatisfy { $0 == 1 }, "nothing fetched twice")
        #expect(try transitions(into: .pendingReview, in: store).count == pages)
    }

    func startScript(_ script: String, _ command: String, _ cluster: String) throws -> (Process, Pipe, Pipe) {
        try BinaryRun.start([script, command, cluster], executable: "/bin/bash")
    }

    @Test func migrateCopiesAStoreVerifiesItAndNeverDoublesIt() throws {
        let sqlite = directory.path("source-\(UUID().uuidString.prefix(6)).db")
        let source = try SQLiteStore(path: sqlite)
        for index in 0..<12 {
            _ = try source.submit(Submission(volunteer: "志愿者\(index % 3)", url: index % 4 == 0 ? nil : "https://www.36kr.com/p/\(index)",
                                             note: "第\(index)条：闲鱼卖二手书", source: "test"),
                                  urlKeys: [], refetchKnown: false, at: Date())
        }
        try source.saveModel(StoredModel(body: Data([0, 1, 2, 255]), trainedAt: Date(), examples: 4))
        let target = try StoreBackend.postgres.freshLocation(in: directory)
        let first = finish(try start(["migrate", "--from", sqlite, "--to", target, "--json"]))
        #expect(first.status == 0, "\(first.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        #expect(report["verified"] as? Bool == true)
        #expect(report["copied"] as? Bool == true)
        let tables = try #require(report["tables"] as? [[String: Any]])
        #expect(tables.first { $0["name"] as? String == "items" }?["target_rows"] as? Int == 12)
        let migrated = try StoreLocation(target).open(create: false)
        #expect(try migrated.status().total == 12)
        #expect(try migrated.latestModel()?.body == Data([0, 1, 2, 255]))
        // New rows get ids after the copied ones.
        let next = try migrated.submit(Submission(volunteer: "新人", url: nil, note: "迁移后的第一条", source: "test"),
                                       urlKeys: [], refetchKnown: false, at: Date())
        #expect(next.itemID == 13)

        let again = finish(try start(["migrate", "--from", sqlite, "--to", target]))
        #expect(again.status == 2, "a target that no longer matches is refused: \(again.output)")
        #expect(again.errors.contains("migrate copies only into an empty store"))
        #expect(try migrated.status().total == 13, "nothing was copied twice")

        let twin = try StoreBackend.postgres.freshLocation(in: directory)
        #expect(finish(try start(["migrate", "--from", sqlite, "--to", twin])).status == 0)
        let rerun = finish(try start(["migrate", "--from", sqlite, "--to", twin]))
        #expect(rerun.status == 0)
        #expect(rerun.output.contains("already holds exactly"))
        #expect(try StoreLocation(twin).open(create: false).status().total == 12)
    }

    @Test func anUnreachableServerIsOneClearLineAndExitTwo() throws {
        let outcome = finish(try start(["status", "--store", "postgres://sluice:secret@127.0.0.1:1/nothing"]))
        #expect(outcome.status == 2)
        let lines = outcome.errors.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.errors)")
        #expect(outcome.errors.contains("cannot reach the database"))
        #expect(!outcome.errors.contains("secret"), "the password is never printed")
        #expect(outcome.errors.contains("sluice:***@"))
    }
}
