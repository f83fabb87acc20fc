import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// One `Store` shared by many threads, as the pipeline shares it (worth running with `--sanitize=thread`).
@Suite struct StoreConcurrencyTests {
    let directory = TemporaryDirectory("store-concurrency")

    @Test func claimsAndCommitsFromManyThreadsHandEachItemToOneOwnerOnce() throws {
        let store = try Store(path: directory.path("sluice.db"))
        for index in 0..<60 {
            _ = try store.submit(Submission(volunteer: "v\(index % 4)", url: "https://pages.example/p/\(index)",
                                            note: nil, source: "test"))
        }
        let claimed = Mutex<[Int64]>([])
        let errors = Mutex<[String]>([])
        let threads = DispatchGroup()
        for worker in 0..<8 {
            DispatchQueue(label: "claimer.\(worker)").async(group: threads) {
                do {
                    while case let items = try store.claim(state: .submitted, limit: 3, owner: "w\(worker)", leaseSeconds: 60),
                          !items.isEmpty {
                        let outcomes = items.map { StageOutcome(itemID: $0.id, from: .submitted, to: .failed, stage: .fetch) }
                        let skipped = try store.commit(outcomes, owner: "w\(worker)", leaseSeconds: 60)
                        if !skipped.isEmpty { errors.withLock { $0.append("w\(worker) was skipped on \(skipped.map(\.itemID))") } }
                        claimed.withLock { $0 += items.map(\.id) }
                    }
                } catch {
                    errors.withLock { $0.append("w\(worker): \(error)") }
                }
            }
        }
        #expect(threads.wait(timeout: .now() + 30) == .success)
        #expect(errors.withLock { $0 }.isEmpty)
        let ids = claimed.withLock { $0 }
        #expect(ids.count == 60)
        #expect(Set(ids).count == 60)
        #expect(try store.status().states["failed"] == 60)
        #expect(try store.leaseOwners().isEmpty)
        #expect(try store.integrityCheck() == "ok")
    }
}
