import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

@Suite struct StoreTests {
    let directory = TemporaryDirectory("store")
    var storePath: String { directory.path("sluice.db") }

    func submitted(_ store: Store, url: String? = "https://www.36kr.com/p/1", note: String? = nil,
                   volunteer: String = "小明") throws -> Int64 {
        try store.submit(Submission(volunteer: volunteer, url: url, note: note, source: "cli")).itemID
    }

    @Test func migratesOnceAndReopens() throws {
        let store = try Store(path: storePath)
        #expect(try store.schemaVersion() == 4)
        let id = try submitted(store)
        let reopened = try Store(path: storePath)
        #expect(try reopened.schemaVersion() == 4)
        #expect(try reopened.record(id: id)?.state == .submitted)
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func sameVolunteerURLAndNoteIsOneSubmission() throws {
        let store = try Store(path: storePath)
        let first = try store.submit(Submission(volunteer: "小明", url: "https://a.example/x", note: "好", source: "cli"))
        let again = try store.submit(Submission(volunteer: "小明", url: "https://a.example/x", note: "好", source: "cli"))
        let other = try store.submit(Submission(volunteer: "小红", url: "https://a.example/x", note: "好", source: "cli"))
        #expect(again == .alreadyPresent(itemID: first.itemID))
        #expect(other == .created(itemID: first.itemID + 1))
        #expect(throws: StoreError.emptyVolunteer) {
            try store.submit(Submission(volunteer: "  ", url: "https://a.example/y", note: nil, source: "cli"))
        }
    }

    @Test func claimLeasesAndCommitMovesOnlyFromTheExpectedState() throws {
        let store = try Store(path: storePath)
        let id = try submitted(store)
        let claimed = try store.claim(state: .submitted, limit: 10, owner: "run-1", leaseSeconds: 60)
        #expect(claimed.map(\.id) == [id])
        #expect(try store.claim(state: .submitted, limit: 10, owner: "run-2", leaseSeconds: 60).isEmpty)
        let failure = StageOutcome(itemID: id, from: .submitted, to: .failed, stage: .fetch,
                                   problem: Problem(.dns, stage: .fetch, message: "no such host"))
        #expect(try store.commit([failure], owner: "run-1").isEmpty)
        #expect(try store.commit([failure], owner: "run-1").count == 1)
        let record = try #require(try store.record(id: id))
        #expect(record.state == .failed)
        #expect(record.error?.code == .dns)
        #expect(throws: StoreError.self) {
            try store.commit([StageOutcome(itemID: id, from: .failed, to: .published, stage: .publish)], owner: "x")
        }
    }

    @Test func releasedLeasesAreClaimedAgain() throws {
        let store = try Store(path: storePath)
        _ = try submitted(store)
        _ = try store.claim(state: .submitted, limit: 1, owner: "killed", leaseSeconds: 600)
        try store.releaseLeases(owner: "killed")
        #expect(try store.claim(state: .submitted, limit: 1, owner: "next", leaseSeconds: 60).count == 1)
        _ = try submitted(store, url: "https://www.36kr.com/p/2")
        _ = try store.claim(state: .submitted, limit: 1, owner: "expired", leaseSeconds: -1)
        #expect(try store.claim(state: .submitted, limit: 1, owner: "next", leaseSeconds: 60).count == 1)
    }

    @Test func deduplicationLinksToTheClusterRootAcrossStoreReopens() throws {
        let firstID: Int64
        do {
            let store = try Store(path: storePath)
            firstID = try submitted(store)
            let item = try #require(try store.claim(state: .submitted, limit: 1, owner: "a", leaseSeconds: 60).first)
            let verdict = try store.deduplicate(item, keys: DedupKeys(urlKeys: ["https://www.36kr.com/p/1"],
                                                                      exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                                canonicalURL: nil, owner: "a") { candidates in
                #expect(candidates.byURL.isEmpty)
                return .unique
            }
            #expect(verdict == .unique)
        }
        let store = try Store(path: storePath)
        let secondID = try submitted(store, url: "https://www.36kr.com/p/1?utm_source=wx", volunteer: "小红")
        let item = try #require(try store.claim(state: .submitted, limit: 1, owner: "b", leaseSeconds: 60).first)
        let verdict = try store.deduplicate(item, keys: DedupKeys(urlKeys: ["https://www.36kr.com/p/1"],
                                                                  exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                            canonicalURL: nil, owner: "b") { candidates in
            guard let match = candidates.byURL.first else { return .unique }
            return DedupVerdict(duplicateOf: match.itemID, kind: "url", evidence: match.key)
        }
        #expect(verdict.duplicateOf == firstID)
        let duplicate = try #require(try store.record(id: secondID))
        #expect(duplicate.state == .duplicate)
        #expect(duplicate.duplicateOf == firstID)
        let root = try #require(try store.record(id: firstID))
        #expect(root.reports.map(\.volunteer) == ["小明", "小红"])
        #expect(try store.knownItem(urlKeys: ["https://www.36kr.com/p/1"])?.id == firstID)
    }

    func pendingItem(_ store: Store) throws -> Int64 {
        let id = try submitted(store, url: nil, note: "闲鱼卖二手书，每月多赚五百")
        try store.commit([StageOutcome(itemID: id, from: .submitted, to: .deduplicated, stage: .dedup),
                          StageOutcome(itemID: id, from: .deduplicated, to: .pendingReview, stage: .classify)],
                         owner: "run")
        return id
    }

    @Test func decisionsAreVersionCheckedAndAudited() throws {
        let store = try Store(path: storePath)
        let id = try pendingItem(store)
        let shown = try #require(try store.record(id: id))
        #expect(throws: StoreError.staleVersion(itemID: id, expected: shown.version - 1, actual: shown.version)) {
            try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主A",
                             expectedVersion: shown.version - 1)
        }
        try store.decide(itemID: id, .reject(reason: "low_quality", text: "太泛"), moderator: "版主A",
                         expectedVersion: shown.version)
        #expect(throws: StoreError.staleVersion(itemID: id, expected: shown.version, actual: shown.version + 1)) {
            try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主B",
                             expectedVersion: shown.version)
        }
        try store.decide(itemID: id, .approve(category: "ecommerce", title: "闲鱼卖书"), moderator: "版主B")
        let record = try #require(try store.record(id: id))
        #expect(record.state == .approved)
        #expect(record.category == "ecommerce")
        #expect(record.categorySource == .moderator)
        #expect(try store.decisions().map(\.action) == ["reject", "approve"])
        #expect(try store.decisions(moderator: "版主A").count == 1)
    }

    @Test func publicationLedgerPublishesOnceAndRetractionKeepsTheRecord() throws {
        let store = try Store(path: storePath)
        let id = try pendingItem(store)
        try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主A")
        #expect(try store.approvedAwaitingPublication().map(\.id) == [id])
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let publication = Publication(itemID: id, month: Timestamp.month(now), publishedAt: now, slug: "a", path: nil,
                                      evidenceSHA256: nil, evidenceText: nil, capturedAt: nil)
        #expect(try store.recordPublication(publication, actor: "test"))
        #expect(try !store.recordPublication(publication, actor: "test"))
        #expect(try store.approvedAwaitingPublication().isEmpty)
        #expect(try store.publications(month: Timestamp.month(now)).map(\.record.id) == [id])
        #expect(try store.figures(month: Timestamp.month(now)).approved == 1)
        _ = try store.retract(itemID: id, reason: "source was fake", moderator: "版主A")
        #expect(try store.publications(month: Timestamp.month(now)).isEmpty)
        #expect(try store.record(id: id)?.state == .approved)
        #expect(try store.decisions().last?.action == "unpublish")
    }

    @Test func statusCountsStatesAndFailures() throws {
        let store = try Store(path: storePath)
        let id = try submitted(store)
        _ = try pendingItem(store)
        try store.commit([StageOutcome(itemID: id, from: .submitted, to: .failed, stage: .fetch,
                                       problem: Problem(.http4xx, stage: .fetch, message: "404"))], owner: "run")
        let status = try store.status()
        #expect(status.states["failed"] == 1)
        #expect(status.states["pending_review"] == 1)
        #expect(status.failures.first?.code == "http_4xx")
        #expect(status.total == 2)
    }
}
