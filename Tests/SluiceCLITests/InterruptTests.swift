import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// SIGINT and SIGKILL against the real `sluice` binary in the middle of a run.
@Suite(.serialized) struct InterruptTests {
    let directory = TemporaryDirectory("interrupt")
    let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path
    static let binary = SharedCorpus.packageRoot.appendingPathComponent(".build/debug/sluice").path

    func slowServer(pages: Int) throws -> TestHTTPServer {
        var routes: [String: TestHTTPReply] = [:]
        for index in 0..<pages {
            var reply = try TestHTTPReply.html(DistinctPages.html(index))
            reply.delay = .milliseconds(100)
            routes["/slow/\(index)"] = reply
        }
        return try TestHTTPServer(routes: routes)
    }

    func startRun(store: String, port: UInt16) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(port)", "--store", store]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func prepare(pages: Int, server: TestHTTPServer) throws -> SQLiteStore {
        let store = try SQLiteStore(path: directory.path("s.db"))
        for index in 0..<pages {
            _ = try store.submit(Submission(volunteer: "v", url: "\(server.baseURL)/slow/\(index)", note: nil, source: "test"))
        }
        return store
    }

    /// Waits until the run has committed at least one transition, so the signal lands mid-run.
    func waitForProgress(_ store: SQLiteStore) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? store.pendingCounts()[.submitted]) == 24 { Thread.sleep(forTimeInterval: 0.02) }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "the sluice binary is not built"))
    func interruptedRunExitsCleanlyAndTheNextRunFinishes() throws {
        let server = try slowServer(pages: 24)
        defer { server.stop() }
        let store = try prepare(pages: 24, server: server)
        let process = try startRun(store: store.path, port: server.port)
        waitForProgress(store)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try store.leaseOwners().isEmpty)
        let afterInterrupt = try store.pendingCounts()
        #expect(afterInterrupt.values.reduce(0, +) == 24)
        let resumed = try startRun(store: store.path, port: server.port)
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)
        #expect(try store.pendingCounts()[.pendingReview] == 24)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "the sluice binary is not built"))
    func killedRunLosesNothingAndItsLeasesAreFreedAtOnce() throws {
        let server = try slowServer(pages: 24)
        defer { server.stop() }
        let store = try prepare(pages: 24, server: server)
        let process = try startRun(store: store.path, port: server.port)
        waitForProgress(store)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try !store.leaseOwners().isEmpty, "a killed run leaves its leases behind")
        let resumed = try startRun(store: store.path, port: server.port)
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)
        let counts = try store.pendingCounts()
        #expect(counts[.pendingReview] == 24)
        #expect(counts.values.reduce(0, +) == 24)
        #expect(try store.integrityCheck() == "ok")
    }
}
