import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// What the long-running service keeps in the store, on both databases: imported files and job runs.
extension StoreConformanceTests {
    @Test(arguments: StoreBackend.available)
    func anImportedFileIsRecordedOnceByItsBytes(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        #expect(try store.importedFile(sha256: "ab12") == nil)
        let first = ImportedFile(sha256: "ab12", name: "问卷星导出.csv", importedAt: base, report: "3 new")
        #expect(try store.recordImportedFile(first) == first)
        let again = ImportedFile(sha256: "ab12", name: "renamed.csv", importedAt: base.addingTimeInterval(60), report: "0 new")
        #expect(try store.recordImportedFile(again) == first, "the first record is kept")
        #expect(try location.open(create: false).importedFile(sha256: "ab12") == first)
    }

    @Test(arguments: StoreBackend.available)
    func aJobRunsOncePerPeriodAndAFailedOneIsRetriedUntilItsAttemptsAreUsed(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let other = try location.open(create: false)
        let claimed = try #require(try store.claimJobRun(job: "export", period: "2026-11", owner: "a", leaseSeconds: 600,
                                                         maxAttempts: 2, at: base))
        #expect(claimed.state == .running && claimed.attempts == 1 && claimed.owner == "a")
        #expect(try other.claimJobRun(job: "export", period: "2026-11", owner: "b", leaseSeconds: 600, maxAttempts: 2,
                                      at: base) == nil, "a live claim is not given twice")
        let retryAt = base.addingTimeInterval(1800)
        try store.finishJobRun(job: "export", period: "2026-11", owner: "a", state: .failed, detail: "disk full",
                               retryAt: retryAt, at: base.addingTimeInterval(5))
        #expect(try other.claimJobRun(job: "export", period: "2026-11", owner: "b", leaseSeconds: 600, maxAttempts: 2,
                                      at: base.addingTimeInterval(60)) == nil, "not before its retry time")
        let retried = try #require(try other.claimJobRun(job: "export", period: "2026-11", owner: "b", leaseSeconds: 600,
                                                         maxAttempts: 2, at: retryAt))
        #expect(retried.attempts == 2 && retried.owner == "b")
        // The first owner's late word on a run taken over is ignored.
        try store.finishJobRun(job: "export", period: "2026-11", owner: "a", state: .succeeded, detail: "late", retryAt: nil,
                               at: retryAt)
        try other.finishJobRun(job: "export", period: "2026-11", owner: "b", state: .failed, detail: "disk still full",
                               retryAt: retryAt.addingTimeInterval(1800), at: retryAt)
        #expect(try store.claimJobRun(job: "export", period: "2026-11", owner: "a", leaseSeconds: 600, maxAttempts: 2,
                                      at: retryAt.addingTimeInterval(3600)) == nil, "two attempts were allowed")
        let runs = try store.jobRuns(limit: 10)
        #expect(runs.count == 1)
        #expect(runs.first?.state == .failed && runs.first?.attempts == 2 && runs.first?.detail == "disk still full")
        // Another period is another run; a settled one is never run again.
        let next = try #require(try store.claimJobRun(job: "export", period: "2026-12", owner: "a", leaseSeconds: 600,
                                                      maxAttempts: 2, at: retryAt))
        try store.finishJobRun(job: "export", period: next.period, owner: "a", state: .succeeded, detail: "12 items",
                               retryAt: nil, at: retryAt)
        #expect(try other.claimJobRun(job: "export", period: "2026-12", owner: "b", leaseSeconds: 600, maxAttempts: 2,
                                      at: retryAt.addingTimeInterval(86400)) == nil)
        let listed = try store.jobRuns(limit: 10)
        #expect(listed.map(\.period) == ["2026-12", "2026-11"], "the newest run and every failed one")
    }

    /// An instance that died with a job claimed: once its lease (the server's clock) runs out, another takes over.
    @Test(arguments: StoreBackend.available)
    func aJobWhoseInstanceDiedIsTakenOverAfterItsLease(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let other = try location.open(create: false)
        _ = try #require(try store.claimJobRun(job: "recheck", period: "2026-11-30", owner: "dead", leaseSeconds: 0.3,
                                               maxAttempts: 3, at: base))
        #expect(try other.claimJobRun(job: "recheck", period: "2026-11-30", owner: "b", leaseSeconds: 600, maxAttempts: 3,
                                      at: base) == nil)
        Thread.sleep(forTimeInterval: 0.5)
        let taken = try #require(try other.claimJobRun(job: "recheck", period: "2026-11-30", owner: "b", leaseSeconds: 600,
                                                       maxAttempts: 3, at: base))
        #expect(taken.owner == "b" && taken.attempts == 2)
    }

    /// Many instances asking at once for the same job and period: exactly one gets it.
    @Test(arguments: StoreBackend.available)
    func concurrentClaimsOfOneJobGiveItToOneInstance(_ backend: StoreBackend) throws {
        let (_, location) = try fresh(backend)
        let stores = try (0..<4).map { _ in try location.open(create: false) }
        let winners = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: stores.count) { index in
            let owner = "instance-\(index)"
            if (try? stores[index].claimJobRun(job: "retrain", period: "2026-W48", owner: owner, leaseSeconds: 600,
                                              maxAttempts: 3, at: base)) ?? nil != nil {
                winners.withLock { $0.append(owner) }
            }
        }
        #expect(winners.withLock { $0.count } == 1)
    }

    /// The listener wakes an idle worker when another connection commits work.
    @Test(arguments: StoreBackend.available)
    func theWorkListenerHearsAnotherConnectionsCommit(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let heard = DispatchSemaphore(value: 0)
        let listener = try #require(try store.listenForWork { heard.signal() })
        defer { listener.cancel() }
        Thread.sleep(forTimeInterval: 0.3)
        let other = try location.open(create: false)
        _ = try submit(other, nil, note: "小区团购团长，一个月多赚一千")
        #expect(heard.wait(timeout: .now() + 5) == .success)
    }
}
