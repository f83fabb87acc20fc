import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// The store contracts, held to the same answers on SQLite and PostgreSQL by the same test code: every
/// behaviour the pipeline, review and publishing rely on.
@Suite struct StoreConformanceTests {
    let directory = TemporaryDirectory("store-conformance")

    /// A new empty store of `backend`, and its location (to open a second connection to it).
    func fresh(_ backend: StoreBackend) throws -> (store: any Store, location: StoreLocation) {
        let location = StoreLocation(try backend.freshLocation(in: directory))
        return (try location.open(create: true), location)
    }

    let base = Date(timeIntervalSince1970: 1_764_000_000)

    @discardableResult
    func submit(_ store: any Store, _ url: String?, note: String? = nil, by volunteer: String = "小明",
                keys: [String] = [], at offset: Double = 0) throws -> Int64 {
        try store.submit(Submission(volunteer: volunteer, url: url, note: note, source: "test"), urlKeys: keys,
                         refetchKnown: false, at: base.addingTimeInterval(offset)).itemID
    }

    /// An item taken through dedup (unique, with `keys`) and classify into the review queue.
    func pending(_ store: any Store, note: String = "闲鱼卖二手书，每月多赚五百", by volunteer: String = "小明",
                 keys: [String] = [], at offset: Double = 0) throws -> Int64 {
        let id = try submit(store, nil, note: note, by: volunteer, at: offset)
        let item = try #require(try store.claim(state: .submitted, limit: 100, owner: "run", leaseSeconds: 60).first { $0.id == id })
        _ = try store.deduplicate(item, keys: DedupKeys(urlKeys: keys, exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                  canonicalURL: nil, owner: "run", leaseSeconds: 60, at: base) { _ in .unique }
        try store.commit([StageOutcome(itemID: id, from: .deduplicated, to: .pendingReview, stage: .classify)],
                         owner: "run", leaseSeconds: 60, at: base)
        try store.releaseLeases(owner: "run")
        return id
    }

    // MARK: opening

    @Test(arguments: StoreBackend.available)
    func migratesOnceReopensAndIsSound(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let version = try store.schemaVersion()
        #expect(version >= 4)
        let id = try submit(store, "https://www.36kr.com/p/1")
        let reopened = try location.open(create: false)
        #expect(try reopened.schemaVersion() == version)
        #expect(try reopened.record(id: id)?.state == .submitted)
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test(arguments: StoreBackend.available)
    func aLocationWithoutAStoreIsNotCreatedByReading(_ backend: StoreBackend) throws {
        let location = StoreLocation(try backend.freshLocation(in: directory))
        #expect(throws: StoreError.noStore(location: location.description)) { try location.open(create: false) }
        if case .sqlite(let path) = location { #expect(!FileManager.default.fileExists(atPath: path)) }
    }

    @Test(arguments: StoreBackend.available)
    func twoProcessesOpeningANewStoreMigrateItOnce(_ backend: StoreBackend) throws {
        let location = StoreLocation(try backend.freshLocation(in: directory))
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do { _ = try location.open(create: true) } catch { errors.withLock { $0.append("\(error)") } }
        }
        #expect(errors.withLock { $0 } == [])
        #expect(try location.open(create: false).schemaVersion() >= 4)
    }

    // MARK: intake

    @Test(arguments: StoreBackend.available)
    func sameVolunteerURLAndNoteIsOneSubmission(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let submission = Submission(volunteer: "小明", url: "https://a.example/x", note: "好", source: "cli")
        let first = try store.submit(submission, urlKeys: [], refetchKnown: false, at: base)
        let again = try store.submit(submission, urlKeys: [], refetchKnown: false, at: base)
        let other = try store.submit(Submission(volunteer: "小红", url: "https://a.example/x", note: "好", source: "cli"),
                                     urlKeys: [], refetchKnown: false, at: base)
        #expect(first.created && !again.created && other.created)
        #expect(again.itemID == first.itemID)
        #expect(other.itemID != first.itemID)
        #expect(throws: StoreError.emptyVolunteer) {
            try store.submit(Submission(volunteer: "  ", url: "https://a.example/y", note: nil, source: "cli"),
                             urlKeys: [], refetchKnown: false, at: base)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aBatchOfSubmissionsIsStoredAsOneByOneAndNothingOfAFailedBatch(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/1"
        let root = try pending(store, by: "小明", keys: [key])
        func entry(_ volunteer: String, _ url: String, keys: [String] = []) -> SubmissionEntry {
            SubmissionEntry(Submission(volunteer: volunteer, url: url, note: nil, source: "import"), urlKeys: keys,
                            at: base.addingTimeInterval(60))
        }
        let receipts = try store.submit([entry("小红", "https://a.example/x"), entry("小红", "https://a.example/x"),
                                         entry("小刚", "https://a.example/x"), entry("小红", key, keys: [key])],
                                        refetchKnown: false)
        #expect(receipts.map(\.created) == [true, false, true, true])
        #expect(receipts[1].itemID == receipts[0].itemID)
        #expect(receipts[3].recordedAsReport && receipts[3].known?.id == root)
        #expect(try store.record(id: receipts[2].itemID)?.state == .submitted)
        #expect(try store.submit([], refetchKnown: false).isEmpty)
        #expect(throws: StoreError.emptyVolunteer) {
            try store.submit([entry("小芳", "https://a.example/y"), entry("  ", "https://a.example/z")], refetchKnown: false)
        }
        #expect(try store.claim(state: .submitted, limit: 10, owner: "run", leaseSeconds: 60).map(\.id).sorted()
            == [receipts[0].itemID, receipts[2].itemID].sorted(), "the failed batch left nothing behind")
    }

    @Test(arguments: StoreBackend.available)
    func aKnownLinkIsRecordedAtOnceAsACreditedReport(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/1"
        let root = try pending(store, by: "小明", keys: [key])
        let report = try store.submit(Submission(volunteer: "小红", url: key + "?utm_source=wx", note: "我也看到了", source: "cli"),
                                      urlKeys: [key], refetchKnown: false, at: base.addingTimeInterval(60))
        #expect(report.created && report.recordedAsReport)
        #expect(report.known?.id == root)
        let item = try #require(try store.record(id: report.itemID))
        #expect(item.state == .duplicate)
        #expect(item.duplicateOf == root)
        #expect(try store.record(id: root)?.reports.map(\.volunteer) == ["小明", "小红"])
        #expect(try store.claim(state: .submitted, limit: 10, owner: "run", leaseSeconds: 60).isEmpty)
        let refetched = try store.submit(Submission(volunteer: "小刚", url: key, note: nil, source: "cli"), urlKeys: [key],
                                         refetchKnown: true, at: base.addingTimeInterval(120))
        #expect(!refetched.recordedAsReport)
        #expect(try store.record(id: refetched.itemID)?.state == .submitted)
    }

    // MARK: web intake: idempotency keys and invitations

    @Test(arguments: StoreBackend.available)
    func anIdempotencyKeyStoresOneItemAndAnswersRetriesWithIt(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let submission = Submission(volunteer: "小明", url: "https://a.example/x", note: "好", source: "web")
        let key = IdempotencyKey(keySHA256: Secrets.hash("form-1"), requestSHA256: Secrets.hash("a|好"))
        let first = try store.submit(submission, urlKeys: [], refetchKnown: false, idempotency: key, at: base)
        #expect(first.created && !first.replayed)
        // The key was committed with the item: a retry on another connection (a restarted server) finds it.
        let reopened = try location.open(create: false)
        let retry = try reopened.submit(submission, urlKeys: [], refetchKnown: false, idempotency: key, at: base)
        #expect(retry.replayed && !retry.created && retry.itemID == first.itemID)
        #expect(throws: StoreError.idempotencyKeyReused(itemID: first.itemID)) {
            try store.submit(Submission(volunteer: "小明", url: "https://a.example/other", note: nil, source: "web"),
                             urlKeys: [], refetchKnown: false,
                             idempotency: IdempotencyKey(keySHA256: key.keySHA256, requestSHA256: Secrets.hash("other")), at: base)
        }
        // Keys are the volunteer's own: another volunteer's same key is another submission.
        let other = try store.submit(Submission(volunteer: "小红", url: "https://a.example/x", note: "好", source: "web"),
                                     urlKeys: [], refetchKnown: false, idempotency: key, at: base)
        #expect(other.created && other.itemID != first.itemID)
        #expect(try store.status().total == 2)
    }

    @Test(arguments: StoreBackend.available)
    func concurrentRetriesOfOneKeyStoreOneItem(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = IdempotencyKey(keySHA256: Secrets.hash("tap"), requestSHA256: Secrets.hash("r"))
        let ids = Mutex<[Int64]>([])
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do {
                let receipt = try store.submit(Submission(volunteer: "小明", url: "https://a.example/tap", note: nil, source: "web"),
                                               urlKeys: [], refetchKnown: false, idempotency: key, at: base)
                ids.withLock { $0.append(receipt.itemID) }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 } == [])
        #expect(Set(ids.withLock { $0 }).count == 1)
        #expect(try store.status().total == 1)
    }

    @Test(arguments: StoreBackend.available)
    func invitationsKeepOnlyTheHashAndOneLiveLinkPerVolunteer(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let first = Secrets.hash("token-one-0123456789")
        let second = Secrets.hash("token-two-0123456789")
        let invitation = try store.invite(volunteer: " 小明 ", tokenSHA256: first, at: base)
        #expect(invitation.volunteer == "小明")
        #expect(try store.invitation(tokenSHA256: first)?.volunteer == "小明")
        #expect(try store.invitation(tokenSHA256: Secrets.hash("never issued")) == nil)
        try store.invite(volunteer: "小明", tokenSHA256: second, at: base.addingTimeInterval(10))
        #expect(try store.invitation(tokenSHA256: first) == nil, "a new invitation ends the old link")
        #expect(try store.invitation(tokenSHA256: second)?.createdAt == base.addingTimeInterval(10))
        try store.invite(volunteer: "小红", tokenSHA256: Secrets.hash("token-red-0123456789"), at: base)
        #expect(try store.revokeInvitations(volunteer: "小明", at: base) == 1)
        #expect(try store.revokeInvitations(volunteer: "小明", at: base) == 0)
        #expect(try store.invitation(tokenSHA256: second) == nil)
        #expect(try store.invitation(tokenSHA256: Secrets.hash("token-red-0123456789"))?.volunteer == "小红")
        #expect(throws: StoreError.emptyVolunteer) { try store.invite(volunteer: "  ", tokenSHA256: first, at: base) }
    }

    // MARK: claims and leases

    @Test(arguments: StoreBackend.available)
    func claimLeasesAndCommitMovesOnlyFromTheExpectedState(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try submit(store, "https://www.36kr.com/p/1")
        let claimed = try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
        #expect(claimed.map(\.id) == [id])
        #expect(claimed.first?.submittedAt == base)
        #expect(try store.claim(state: .submitted, limit: 10, owner: "b", leaseSeconds: 60).isEmpty)
        #expect(try store.leaseOwners() == ["a"])
        let stale = StageOutcome(itemID: id, from: .fetched, to: .parsed, stage: .parse)
        #expect(try store.commit([stale], owner: "a", leaseSeconds: 60, at: base).map(\.itemID) == [id])
        let fetched = StageOutcome(itemID: id, from: .submitted, to: .failed, stage: .fetch,
                                   problem: Problem(.http4xx, stage: .fetch, message: "404"))
        #expect(try store.commit([fetched], owner: "a", leaseSeconds: 60, at: base).isEmpty)
        #expect(try store.record(id: id)?.state == .failed)
        #expect(try store.leaseOwners().isEmpty)
        #expect(throws: StoreError.invalidTransition(itemID: id, from: .failed, to: .published)) {
            try store.commit([StageOutcome(itemID: id, from: .failed, to: .published, stage: .publish)], owner: "a",
                             leaseSeconds: 60, at: base)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aDeadWorkersLeaseRunsOutAndItsItemsReturn(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try submit(store, "https://www.36kr.com/p/1")
        #expect(try store.claim(state: .submitted, limit: 10, owner: "dead", leaseSeconds: 0.3).map(\.id) == [id])
        #expect(try store.claim(state: .submitted, limit: 10, owner: "alive", leaseSeconds: 60).isEmpty)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try store.claim(state: .submitted, limit: 10, owner: "alive", leaseSeconds: 60).map(\.id) == [id])
        try store.releaseLeases(owner: "alive")
        #expect(try store.claim(state: .submitted, limit: 10, owner: "third", leaseSeconds: 60).map(\.id) == [id])
    }

    @Test(arguments: StoreBackend.available)
    func claimsFromTwoConnectionsHandEachItemToOneOwnerOnce(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        for index in 0..<60 { try submit(store, "https://pages.example/p/\(index)", by: "v\(index % 4)") }
        let second = try location.open(create: false)
        let claimed = Mutex<[Int64]>([])
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let connection = worker % 2 == 0 ? store : second
            do {
                while case let items = try connection.claim(state: .submitted, limit: 3, owner: "w\(worker)", leaseSeconds: 60),
                      !items.isEmpty {
                    let outcomes = items.map { StageOutcome(itemID: $0.id, from: .submitted, to: .failed, stage: .fetch) }
                    let skipped = try connection.commit(outcomes, owner: "w\(worker)", leaseSeconds: 60, at: base)
                    if !skipped.isEmpty { errors.withLock { $0.append("w\(worker) was skipped on \(skipped.map(\.itemID))") } }
                    claimed.withLock { $0 += items.map(\.id) }
                }
            } catch {
                errors.withLock { $0.append("w\(worker): \(error)") }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        let ids = claimed.withLock { $0 }
        #expect(ids.count == 60)
        #expect(Set(ids).count == 60)
        #expect(try store.status().states["failed"] == 60)
        #expect(try store.leaseOwners().isEmpty)
        #expect(try store.integrityCheck() == "ok")
    }

    // MARK: dedup

    @Test(arguments: StoreBackend.available)
    func dedupFindsEarlierItemsByKeyAndLinksTheReport(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/1"
        let first = try submit(store, key, by: "小明")
        let second = try submit(store, key + "?utm_source=wx", by: "小红", at: 10)
        let items = try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
        let keys = DedupKeys(urlKeys: [key], exactContentHash: nil, fingerprint: nil, bandKeys: [])
        let firstOutcome = try store.deduplicate(items[0], keys: keys, canonicalURL: nil, owner: "a", leaseSeconds: 60,
                                                 at: base) { candidates in
            #expect(candidates.byURL.isEmpty)
            return .unique
        }
        #expect(firstOutcome.state == .deduplicated)
        let secondOutcome = try store.deduplicate(items[1], keys: keys, canonicalURL: nil, owner: "a", leaseSeconds: 60,
                                                  at: base) { candidates in
            #expect(candidates.byURL.map(\.itemID) == [first])
            #expect(candidates.byURL.first?.submittedAt == base)
            return DedupVerdict(duplicateOf: first, kind: "url", evidence: key)
        }
        #expect(secondOutcome.state == .duplicate)
        #expect(try store.record(id: second)?.duplicateOf == first)
        #expect(try store.record(id: first)?.reports.map(\.volunteer) == ["小明", "小红"])
        #expect(try store.knownItem(urlKeys: [key])?.id == first)
        let pair = try #require(try store.dedupPair(itemID: second))
        #expect(pair.root.id == first && pair.kind == "url")
    }

    @Test(arguments: StoreBackend.available)
    func anEarlierReportArrivingLateBecomesTheRootAndTheAuditLogSaysSo(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://mp.weixin.qq.com/s/abc"
        let early = try submit(store, key, by: "先到的小明", at: 0)
        let late = try submit(store, key, by: "后到的小红", at: 60)
        let third = try submit(store, key, by: "小刚", at: 120)
        let items = Dictionary(uniqueKeysWithValues: try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
            .map { ($0.id, $0) })
        let keys = DedupKeys(urlKeys: [key], exactContentHash: nil, fingerprint: nil, bandKeys: [])
        func dedup(_ id: Int64) throws -> DedupOutcome {
            try store.deduplicate(try #require(items[id]), keys: keys, canonicalURL: nil, owner: "a", leaseSeconds: 60,
                                  at: base) { candidates in
                candidates.byURL.first.map { DedupVerdict(duplicateOf: $0.itemID, kind: "url", evidence: key) } ?? .unique
            }
        }
        // The late report's worker finished first; it is the root until the earlier one arrives.
        #expect(try dedup(late).state == .deduplicated)
        try store.commit([StageOutcome(itemID: late, from: .deduplicated, to: .pendingReview, stage: .classify)],
                         owner: "a", leaseSeconds: 60, at: base)
        #expect(try dedup(third).state == .duplicate)
        let rerooted = try dedup(early)
        #expect(rerooted.state == .deduplicated)
        #expect(rerooted.replacedRoot == late)
        #expect(try store.record(id: late)?.state == .duplicate)
        #expect(try store.record(id: late)?.duplicateOf == early)
        #expect(try store.record(id: third)?.duplicateOf == early)
        #expect(try store.record(id: early)?.reports.map(\.volunteer) == ["先到的小明", "后到的小红", "小刚"])
        let audit = try store.decisions(moderator: nil, since: nil)
        #expect(audit.map(\.action) == ["reroot"])
        #expect(audit.first?.itemID == late)
    }

    @Test(arguments: StoreBackend.available)
    func aBatchIsOneTransactionWhoseItemsSeeTheBatchsEarlierItems(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let story = "https://www.36kr.com/p/batch", other = "https://www.36kr.com/p/other"
        let late = try submit(store, story, by: "后到的小红", at: 60)
        let unrelated = try submit(store, other, by: "小刚", at: 61)
        let early = try submit(store, story + "?from=wx", by: "先到的小明", at: 0)
        let third = try submit(store, story, by: "小李", at: 120)
        let claimed = Dictionary(uniqueKeysWithValues: try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
            .map { ($0.id, $0) })
        func request(_ id: Int64, _ key: String) throws -> DedupRequest {
            DedupRequest(item: try #require(claimed[id]), keys: DedupKeys(urlKeys: [key], exactContentHash: nil,
                                                                         fingerprint: nil, bandKeys: []), canonicalURL: nil)
        }
        var seen: [Int64: [Int64]] = [:]
        // The late report comes first in the batch; the earlier one, later in the same batch, takes the root's place.
        let outcomes = try store.deduplicate([request(late, story), request(unrelated, other), request(early, story),
                                              request(third, story)], owner: "a", leaseSeconds: 60, at: base) { request, candidates in
            seen[request.item.id] = candidates.byURL.map(\.itemID)
            return candidates.byURL.first.map { DedupVerdict(duplicateOf: $0.itemID, kind: "url", evidence: story) } ?? .unique
        }
        #expect(seen == [late: [], unrelated: [], early: [late], third: [early]])
        #expect(outcomes.map(\.state) == [.deduplicated, .deduplicated, .deduplicated, .duplicate])
        #expect(outcomes[2].replacedRoot == late)
        #expect(try store.record(id: late)?.duplicateOf == early)
        #expect(try store.record(id: third)?.duplicateOf == early)
        #expect(try store.record(id: unrelated)?.duplicateOf == nil)
        #expect(try store.record(id: early)?.reports.map(\.volunteer) == ["先到的小明", "后到的小红", "小李"])
        #expect(try store.decisions(moderator: nil, since: nil).map(\.action) == ["reroot"])
    }

    @Test(arguments: StoreBackend.available)
    func aFailingItemRollsBackItsWholeBatch(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/rollback"
        let first = try submit(store, key, by: "小明")
        let second = try submit(store, key + "?n=2", by: "小红", at: 1)
        let items = try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
        var stale = try #require(items.first { $0.id == second })
        stale.state = .parsed
        let keys = DedupKeys(urlKeys: [key], exactContentHash: nil, fingerprint: nil, bandKeys: [])
        let requests = [DedupRequest(item: try #require(items.first { $0.id == first }), keys: keys, canonicalURL: nil),
                        DedupRequest(item: stale, keys: keys, canonicalURL: nil)]
        #expect(throws: StoreError.self) {
            try store.deduplicate(requests, owner: "a", leaseSeconds: 60, at: base) { _, _ in .unique }
        }
        #expect(try store.record(id: first)?.state == .submitted, "the batch's first item is not left half done")
        #expect(try store.knownItem(urlKeys: [key]) == nil)
    }

    @Test(arguments: StoreBackend.available)
    func contentCandidatesCarryTheRootsOwnFingerprintNotTheMembersTheBandLedTo(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let root = try submit(store, nil, note: "第一篇", by: "小明", at: 0)
        let member = try submit(store, nil, note: "第二篇", by: "小红", at: 1)
        let next = try submit(store, nil, note: "第三篇", by: "小刚", at: 2)
        let items = Dictionary(uniqueKeysWithValues: try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
            .map { ($0.id, $0) })
        func request(_ id: Int64, _ fingerprint: String, bands: [Int64]) throws -> DedupRequest {
            DedupRequest(item: try #require(items[id]), keys: DedupKeys(urlKeys: [], exactContentHash: "hash-\(id)",
                                                                       fingerprint: fingerprint, bandKeys: bands),
                         canonicalURL: nil)
        }
        // The member shares band 2 with the root and band 3 with the next item; the root shares nothing with it.
        var candidates: [Int64: [DedupCandidate]] = [:]
        _ = try store.deduplicate([request(root, "root-print", bands: [1, 2]), request(member, "member-print", bands: [2, 3]),
                                   request(next, "next-print", bands: [3, 4])],
                                  owner: "a", leaseSeconds: 60, at: base) { request, found in
            candidates[request.item.id] = found.byFingerprintBand
            return found.byFingerprintBand.first.map { DedupVerdict(duplicateOf: $0.itemID, kind: "near", evidence: nil) }
                ?? .unique
        }
        #expect(candidates[member]?.map(\.key) == ["root-print"])
        #expect(candidates[next]?.map(\.itemID) == [root])
        #expect(candidates[next]?.map(\.key) == ["root-print"], "judged against the root, not the member it resembles")
    }

    @Test(arguments: StoreBackend.available)
    func bandKeysAreFoundBeforeAndAfterTheyMoveIntoTheMainIndex(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let ids = try (0..<5).map { try submit(store, nil, note: "第\($0)篇", by: "小明", at: Double($0)) }
        let items = Dictionary(uniqueKeysWithValues: try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
            .map { ($0.id, $0) })
        var found: [Int64: [Int64]] = [:]
        func deduplicate(_ id: Int64, bands: [Int64]) throws {
            let request = DedupRequest(item: try #require(items[id]), keys: DedupKeys(
                urlKeys: [], exactContentHash: "hash-\(id)", fingerprint: "print-\(id)", bandKeys: bands), canonicalURL: nil)
            _ = try store.deduplicate([request], owner: "a", leaseSeconds: 60, at: base) { _, candidates in
                found[id] = candidates.byFingerprintBand.map(\.itemID)
                return .unique
            }
        }
        // Three items bring more keys than the recent table holds, so the third one's transaction merges them.
        for (index, id) in ids.prefix(3).enumerated() {
            try deduplicate(id, bands: Array(Int64(index * 11_000)..<Int64((index + 1) * 11_000)))
        }
        #expect(try RawSQL(location).lines("SELECT COUNT(*) FROM fingerprint_bands") == ["33000"])
        #expect(try RawSQL(location).lines("SELECT COUNT(*) FROM fingerprint_bands_recent") == ["0"])
        try deduplicate(ids[3], bands: [50_000])
        try deduplicate(ids[4], bands: [7, 50_000])
        #expect(found[ids[1]] == [] && found[ids[3]] == [], "no key in common")
        #expect(found[ids[4]] == [ids[0], ids[3]], "one key from the merged index, one still recent")
        #expect(try RawSQL(location).lines("SELECT COUNT(*) FROM fingerprint_bands_recent") == ["3"])
        try store.commit([StageOutcome(itemID: ids[0], from: .deduplicated, to: .pendingReview, stage: .classify)],
                         owner: "a", leaseSeconds: 60, at: base)
        try store.releaseLeases(owner: "a")
        _ = try store.decide(itemID: ids[0], .reject(reason: "hype_scam", text: nil), moderator: "版主")
        #expect(try store.sharesContentWithRejected(itemID: ids[4]), "its key 7 is in the merged index with the rejected item's")
        #expect(try !store.sharesContentWithRejected(itemID: ids[3]))
    }

    @Test(arguments: StoreBackend.available)
    func aDecidedRootKeepsItsPlace(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/9"
        let early = try submit(store, key, by: "小明", at: 0)
        let root = try pending(store, note: "先处理完的", by: "小红", keys: [key], at: 60)
        try store.decide(itemID: root, .approve(category: nil, title: nil), moderator: "版主A",
                         expected: ExpectedItem(), evidence: nil, at: base)
        let item = try #require(try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60).first { $0.id == early })
        let outcome = try store.deduplicate(item, keys: DedupKeys(urlKeys: [key], exactContentHash: nil, fingerprint: nil,
                                                                  bandKeys: []),
                                            canonicalURL: nil, owner: "a", leaseSeconds: 60, at: base) { candidates in
            candidates.byURL.first.map { DedupVerdict(duplicateOf: $0.itemID, kind: "url", evidence: key) } ?? .unique
        }
        #expect(outcome.state == .duplicate && outcome.replacedRoot == nil)
        #expect(try store.record(id: root)?.state == .approved)
        // The first finder is still credited first.
        #expect(try store.record(id: root)?.reports.map(\.volunteer) == ["小明", "小红"])
    }

    @Test(arguments: StoreBackend.available)
    func concurrentDedupOfOneStoryFromTwoConnectionsMakesOneRoot(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let key = "https://www.36kr.com/p/race"
        for index in 0..<12 { try submit(store, key + "?n=\(index)", by: "v\(index)", at: Double(index)) }
        let second = try location.open(create: false)
        let items = try store.claim(state: .submitted, limit: 20, owner: "a", leaseSeconds: 60)
        let errors = Mutex<[String]>([])
        let keys = DedupKeys(urlKeys: [key], exactContentHash: nil, fingerprint: nil, bandKeys: [])
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let connection = index % 2 == 0 ? store : second
            do {
                _ = try connection.deduplicate(items[index], keys: keys, canonicalURL: nil, owner: "a", leaseSeconds: 60,
                                               at: base) { candidates in
                    candidates.byURL.first.map { DedupVerdict(duplicateOf: $0.itemID, kind: "url", evidence: key) } ?? .unique
                }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 } == [])
        let records = try store.records(state: nil, limit: nil, after: nil)
        let roots = records.filter { $0.duplicateOf == nil }
        #expect(roots.map(\.id) == [items[0].id], "the earliest submission is the one root")
        #expect(records.filter { $0.duplicateOf == items[0].id }.count == 11)
    }

    @Test(arguments: StoreBackend.available)
    func aFailedFetchOfAKnownLinkIsStillAReport(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://mp.weixin.qq.com/s/deleted"
        let root = try pending(store, by: "小明", keys: [key])
        let again = try submit(store, key, by: "小红", at: 30)
        let unknown = try submit(store, "https://mp.weixin.qq.com/s/other", by: "小红", at: 31)
        _ = try store.claim(state: .submitted, limit: 10, owner: "a", leaseSeconds: 60)
        let problem = Problem(.http4xx, stage: .fetch, message: "answered HTTP 404")
        let credited = try store.settleFailedFetch(StageOutcome(itemID: again, from: .submitted, to: .failed, stage: .fetch,
                                                                problem: problem), urlKeys: [key], owner: "a", at: base)
        #expect(credited == .duplicate)
        #expect(try store.record(id: again)?.duplicateOf == root)
        #expect(try store.record(id: root)?.reports.map(\.volunteer) == ["小明", "小红"])
        let failed = try store.settleFailedFetch(StageOutcome(itemID: unknown, from: .submitted, to: .failed, stage: .fetch,
                                                              problem: problem),
                                                 urlKeys: ["https://mp.weixin.qq.com/s/other"], owner: "a", at: base)
        #expect(failed == .failed)
    }

    @Test(arguments: StoreBackend.available)
    func rekeyRecordsTheVersionOnce(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        _ = try pending(store, keys: ["https://old.example/1"])
        #expect(try store.dedupKeysVersion() == nil)
        let count = try store.rekey(version: "v2", force: false) { _ in
            DedupKeys(urlKeys: ["https://new.example/1"], exactContentHash: nil, fingerprint: nil, bandKeys: [])
        }
        #expect(count == 1)
        #expect(try store.rekey(version: "v2", force: false) { _ in DedupKeys(urlKeys: [], exactContentHash: nil,
                                                                             fingerprint: nil, bandKeys: []) } == nil)
        #expect(try store.dedupKeysVersion() == "v2")
        #expect(try store.knownItem(urlKeys: ["https://new.example/1"]) != nil)
        #expect(try store.knownItem(urlKeys: ["https://old.example/1"]) == nil)
    }

    // MARK: review

    @Test(arguments: StoreBackend.available)
    func decisionsAreVersionCheckedAndAudited(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try pending(store)
        let shown = try #require(try store.record(id: id))
        #expect(throws: StoreError.staleVersion(itemID: id, expected: shown.version - 1, actual: shown.version)) {
            try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主A",
                             expected: ExpectedItem(version: shown.version - 1), evidence: nil, at: base)
        }
        try store.decide(itemID: id, .reject(reason: "low_quality", text: "太泛"), moderator: "版主A",
                         expected: ExpectedItem(version: shown.version), evidence: nil, at: base)
        #expect(throws: StoreError.decidedByOther(itemID: id, moderator: "版主A", action: "reject", state: .rejected)) {
            try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主B",
                             expected: ExpectedItem(version: shown.version), evidence: nil, at: base)
        }
        let evidence = FrozenEvidence(text: "闲鱼卖二手书", sanitizedHTML: "<p>闲鱼卖二手书</p>", capturedAt: base)
        try store.decide(itemID: id, .approve(category: "ecommerce", title: "闲鱼卖书"), moderator: "版主B",
                         expected: ExpectedItem(), evidence: evidence, at: base)
        let record = try #require(try store.record(id: id))
        #expect(record.state == .approved)
        #expect(record.category == "ecommerce")
        #expect(record.categorySource == .moderator)
        #expect(try store.decisions(moderator: nil, since: nil).map(\.action) == ["reject", "approve"])
        #expect(try store.decisions(moderator: "版主A", since: nil).count == 1)
        #expect(try store.lastDecision(itemID: id)?.moderator == "版主B")
        #expect(try store.evidence(itemID: id) == evidence)
    }

    @Test(arguments: StoreBackend.available)
    func twoModeratorsDecidingOneItemAtOnceMakeOneDecision(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let ids = try (0..<20).map { try pending(store, note: "第\($0)条情报", at: Double($0)) }
        let versions = try Dictionary(uniqueKeysWithValues: ids.map { ($0, try #require(try store.record(id: $0)).version) })
        let second = try location.open(create: false)
        let outcomes = Mutex<[String: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { moderator in
            let connection = moderator == 0 ? store : second
            let decision: Decision = moderator == 0 ? .approve(category: nil, title: nil) : .reject(reason: "hype_scam", text: nil)
            for id in ids {
                do {
                    try connection.decide(itemID: id, decision, moderator: "版主\(moderator)",
                                          expected: ExpectedItem(version: versions[id], state: .pendingReview), evidence: nil,
                                          at: base)
                    outcomes.withLock { $0["decided", default: 0] += 1 }
                } catch StoreError.decidedByOther {
                    outcomes.withLock { $0["told", default: 0] += 1 }
                } catch {
                    outcomes.withLock { $0["\(error)", default: 0] += 1 }
                }
            }
        }
        #expect(outcomes.withLock { $0 } == ["decided": 20, "told": 20])
        #expect(try store.decisions(moderator: nil, since: nil).count == 20)
    }

    @Test(arguments: StoreBackend.available)
    func reviewClaimsKeepOtherModeratorsOffUntilReleased(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let first = try pending(store, note: "一")
        let second = try pending(store, note: "二")
        try store.claimForReview(itemID: first, moderator: "版主A", seconds: 60)
        #expect(try store.reviewQueue(moderator: "版主B", limit: 10).map(\.id) == [second])
        #expect(Set(try store.reviewQueue(moderator: "版主A", limit: 10).map(\.id)) == [first, second])
        #expect(try store.record(id: first)?.claimedBy == "版主A")
        #expect(throws: StoreError.self) { try store.claimForReview(itemID: first, moderator: "版主B", seconds: 60) }
        #expect(throws: StoreError.self) {
            try store.decide(itemID: first, .approve(category: nil, title: nil), moderator: "版主B", expected: ExpectedItem(),
                             evidence: nil, at: base)
        }
        try store.releaseClaim(itemID: first, moderator: "版主A")
        try store.claimForReview(itemID: first, moderator: "版主B", seconds: 60)
        try store.decide(itemID: first, .approve(category: nil, title: nil), moderator: "版主B", expected: ExpectedItem(),
                         evidence: nil, at: base)
        #expect(throws: StoreError.invalidTransition(itemID: first, from: .approved, to: .pendingReview)) {
            try store.claimForReview(itemID: first, moderator: "版主A", seconds: 60)
        }
    }

    @Test(arguments: StoreBackend.available)
    func editsAndUndoRestoreWhatWasThere(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try pending(store)
        let version = try #require(try store.record(id: id)).version
        let edit = try store.edit(itemID: id, field: .title, value: "  新标题\n", moderator: "版主A", expectedVersion: version,
                                  at: base)
        #expect(edit.version == version + 1)
        #expect(try store.record(id: id)?.title == "新标题")
        let decision = try store.decide(itemID: id, .reject(reason: "off_topic", text: nil), moderator: "版主A",
                                        expected: ExpectedItem(version: edit.version), evidence: nil, at: base)
        #expect(throws: StoreError.nothingToUndo) {
            try store.undo(decisionID: decision.id, moderator: "版主B", expectedVersion: nil, at: base)
        }
        let afterUndo = try store.undo(decisionID: decision.id, moderator: "版主A", expectedVersion: edit.version + 1, at: base)
        #expect(try store.record(id: id)?.state == .pendingReview)
        _ = try store.undo(decisionID: edit.entry.id, moderator: "版主A", expectedVersion: afterUndo, at: base)
        #expect(try store.record(id: id)?.title == nil)
        #expect(try store.decisions(moderator: nil, since: nil).map(\.action) == ["edit", "reject", "undo", "undo"])
    }

    @Test(arguments: StoreBackend.available)
    func unlinkSplitsAClusterForGood(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/2"
        let root = try pending(store, keys: [key])
        let report = try store.submit(Submission(volunteer: "小红", url: key, note: nil, source: "cli"), urlKeys: [key],
                                      refetchKnown: false, at: base.addingTimeInterval(5))
        #expect(throws: StoreError.notDuplicate(itemID: root, state: .pendingReview)) {
            try store.unlink(itemID: root, moderator: "版主A", at: base)
        }
        let outcome = try store.unlink(itemID: report.itemID, moderator: "版主A", at: base)
        #expect(outcome.root == root && outcome.state == .deduplicated)
        let item = try #require(try store.claim(state: .deduplicated, limit: 10, owner: "a", leaseSeconds: 60).first)
        try store.commit([StageOutcome(itemID: item.id, from: .deduplicated, to: .pendingReview, stage: .classify)],
                         owner: "a", leaseSeconds: 60, at: base)
        var queued = item
        queued.state = .pendingReview
        _ = try store.deduplicate(queued, keys: DedupKeys(urlKeys: [key], exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                  canonicalURL: nil, owner: "a", leaseSeconds: 60, at: base) { candidates in
            #expect(candidates.byURL.isEmpty, "the split cluster is never offered again")
            return .unique
        }
        #expect(try store.decisions(moderator: "版主A", since: nil).map(\.action) == ["unlink"])
    }

    @Test(arguments: StoreBackend.available)
    func decisionTalliesCountSiteAndVolunteerHistory(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let approved = try pending(store, note: "甲", by: "小明")
        let rejected = try pending(store, note: "乙", by: "小明")
        let current = try pending(store, note: "丙", by: "小明")
        try store.decide(itemID: approved, .approve(category: nil, title: nil), moderator: "版主A", expected: ExpectedItem(),
                         evidence: nil, at: base)
        try store.decide(itemID: rejected, .reject(reason: "hype_scam", text: nil), moderator: "版主A", expected: ExpectedItem(),
                         evidence: nil, at: base)
        let tallies = try store.decisionTallies(site: nil, volunteer: "小明", excluding: current)
        #expect(tallies.volunteer == DecisionTally(approved: 1, rejectedByReason: ["hype_scam": 1]))
        #expect(tallies.site.isEmpty)
    }

    // MARK: publication

    @Test(arguments: StoreBackend.available)
    func volunteersSeeTheMonthTheirStoryIsPublishedIn(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/7"
        let id = try pending(store, by: "小明", keys: [key])
        let report = try store.submit(Submission(volunteer: "小红", url: key, note: nil, source: "web"), urlKeys: [key],
                                      refetchKnown: false, at: base.addingTimeInterval(30)).itemID
        try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主A", expected: ExpectedItem(),
                         evidence: nil, at: base)
        #expect(try store.publishedMonths() == [])
        #expect(try store.submissions(volunteer: "小明")?.first?.publishedMonth == nil)
        try store.recordPublication(Publication(itemID: id, month: "2025-11", publishedAt: base, slug: "s", path: nil,
                                                evidenceSHA256: nil, evidenceText: nil, capturedAt: nil), actor: "test")
        #expect(try store.publishedMonths() == ["2025-11"])
        #expect(try store.submissions(volunteer: "小明")?.first?.publishedMonth == "2025-11")
        // A report of the story is credited in the same column.
        #expect(try store.submissions(volunteer: "小红")?.first { $0.itemID == report }?.publishedMonth == "2025-11")
        _ = try store.retract(itemID: id, reason: "来源侵权", moderator: "版主A", at: base)
        #expect(try store.publishedMonths() == [])
        #expect(try store.submissions(volunteer: "小明")?.first?.publishedMonth == nil)
    }

    @Test(arguments: StoreBackend.available)
    func publicationLedgerPublishesOnceAndRetractionKeepsTheRecord(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try pending(store)
        try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主A", expected: ExpectedItem(),
                         evidence: nil, at: base)
        #expect(try store.approvedAwaitingPublication().map(\.id) == [id])
        let month = Timestamp.month(base)
        let publication = Publication(itemID: id, month: month, publishedAt: base, slug: "a", path: "2025-11/a.md",
                                      evidenceSHA256: nil, evidenceText: nil, capturedAt: base)
        #expect(try store.recordPublication(publication, actor: "test"))
        #expect(try !store.recordPublication(publication, actor: "test"))
        #expect(try store.approvedAwaitingPublication().isEmpty)
        #expect(try store.publications(month: month).map(\.record.id) == [id])
        #expect(try store.takenSlugs() == ["a"])
        #expect(try store.figures(month: month).approved == 1)
        let retracted = try store.retract(itemID: id, reason: "source was fake", moderator: "版主A", at: base)
        #expect(retracted.path == "2025-11/a.md")
        #expect(try store.publications(month: month).isEmpty)
        #expect(try store.record(id: id)?.state == .approved)
        #expect(try store.decisions(moderator: nil, since: nil).last?.action == "unpublish")
        #expect(try store.approvedAwaitingPublication().map(\.id) == [id])
        var again = publication
        again.slug = "b"
        #expect(try store.recordPublication(again, actor: "test"))
        #expect(try store.takenSlugs() == ["b"])
    }

    @Test(arguments: StoreBackend.available)
    func sourceChecksKeepTheDayAStateWasFirstSeen(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try pending(store)
        let later = base.addingTimeInterval(86_400)
        #expect(try store.recordSourceCheck(itemID: id, state: .alive, detail: "304", at: base).checkedAt == base)
        #expect(try store.recordSourceCheck(itemID: id, state: .deleted, detail: "404", at: later).checkedAt == later)
        #expect(try store.recordSourceCheck(itemID: id, state: .deleted, detail: "404", at: later.addingTimeInterval(86_400))
            .checkedAt == later)
        #expect(try store.sourceStatus(itemID: id) == SourceStatus(state: .deleted, checkedAt: later))
    }

    @Test(arguments: StoreBackend.available)
    func capturesKeepTheirBytesAndComeBackOneAtATime(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try submit(store, "https://www.36kr.com/p/1")
        _ = try store.claim(state: .submitted, limit: 1, owner: "a", leaseSeconds: 60)
        let body = Data([0x00, 0xFF, 0xD6, 0xD0, 0x0A] + Array("<html>副业</html>".utf8))
        let capture = Capture(requestedURL: "https://www.36kr.com/p/1", finalURL: "https://www.36kr.com/p/1",
                              redirectChain: ["https://www.36kr.com/p/1"], status: 200,
                              headers: [HTTPHeader(name: "ETag", value: "\"v1\"")], contentType: "text/html; charset=gbk",
                              body: body, text: "decoded text that is not stored twice", charset: "gb18030",
                              charsetBasis: .header, problem: nil, attempts: [], fetchedAt: base)
        try store.commit([StageOutcome(itemID: id, from: .submitted, to: .fetched, stage: .fetch, capture: capture)],
                         owner: "a", leaseSeconds: 60, at: base)
        let stored = try #require(try store.capture(itemID: id))
        #expect(stored.body == body)
        #expect(stored.text == nil)
        #expect(stored.headers == capture.headers)
        let reclaimed = try store.claim(state: .fetched, limit: 1, owner: "b", leaseSeconds: 60)
        #expect(reclaimed.isEmpty, "still leased to a")
        var seen: [Int64] = []
        try store.forEachCapture { itemID, capture in
            seen.append(itemID)
            #expect(capture.body == body)
        }
        #expect(seen == [id])
        #expect(try store.evidenceSource(itemID: id).capturedAt == base)
    }

    @Test(arguments: StoreBackend.available)
    func bodiesAreStoredCompressedAndRawRowsOfEarlierReleasesStillRead(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let id = try submit(store, "https://www.36kr.com/p/1")
        _ = try store.claim(state: .submitted, limit: 1, owner: "a", leaseSeconds: 60)
        let body = Data(String(repeating: "<p>闲鱼卖二手书，一个月多赚五百。</p>\n", count: 400).utf8)
        let capture = Capture(requestedURL: "https://www.36kr.com/p/1", finalURL: "https://www.36kr.com/p/1",
                              redirectChain: [], status: 200, headers: [], contentType: "text/html; charset=utf-8",
                              body: body, text: nil, charset: "utf-8", charsetBasis: .header, problem: nil, attempts: [],
                              fetchedAt: base)
        try store.commit([StageOutcome(itemID: id, from: .submitted, to: .fetched, stage: .fetch, capture: capture)],
                         owner: "a", leaseSeconds: 60, at: base)
        let stored = try RawSQL(location).lines("SELECT octet_length(body), body_encoding, body_size FROM captures")
        let fields = try #require(stored.first).split(separator: "|").map(String.init)
        #expect(fields.count == 3 && fields[1] == "zstd" && fields[2] == "\(body.count)")
        #expect((Int(fields[0]) ?? .max) < body.count / 20, "a repetitive page compresses twentyfold: \(fields)")
        #expect(try store.capture(itemID: id)?.body == body)
        let frameHex = try #require(try RawSQL(location).lines(backend == .sqlite ? "SELECT hex(body) FROM captures"
                                                                                   : "SELECT encode(body, 'hex') FROM captures").first)

        func storeRow(_ bytes: Data, encoding: String?, size: Int?) throws {
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let literal = backend == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea"
            _ = try RawSQL(location).lines("UPDATE captures SET body = \(literal), body_encoding = \(encoding.map { "'\($0)'" } ?? "NULL"), "
                                           + "body_size = \(size.map(String.init) ?? "NULL")")
        }
        // Rows as earlier releases wrote them: the raw bytes and no encoding, and zlib-framed deflate.
        try storeRow(body, encoding: nil, size: nil)
        #expect(try store.capture(itemID: id)?.body == body)
        try storeRow(try ZlibStream(.compress, framing: .zlib, level: 1).compressMember(body), encoding: "zlib", size: body.count)
        #expect(try store.capture(itemID: id)?.body == body)
        // A row that is not what its encoding says, one whose size is wrong, and one damaged inside the frame.
        try storeRow(body, encoding: "zlib", size: 10)
        #expect(throws: StoreError.self) { try store.capture(itemID: id) }
        var frame = Data((0..<(frameHex.count / 2)).map { index in
            UInt8(frameHex.dropFirst(index * 2).prefix(2), radix: 16) ?? 0
        })
        try storeRow(frame, encoding: "zstd", size: body.count - 1)
        #expect(throws: StoreError.self) { try store.capture(itemID: id) }
        frame[frame.count - 6] ^= 0x55
        try storeRow(frame, encoding: "zstd", size: body.count)
        #expect(throws: StoreError.self) { try store.capture(itemID: id) }
        try storeRow(body, encoding: "brotli", size: body.count)
        #expect(throws: StoreError.self) { try store.capture(itemID: id) }
    }

    /// The page is written once, in its own table: later updates of the item (claims, states) leave it alone.
    /// A store of schema 8 kept the page in `items.page_json`; opening it moves the page over.
    @Test(arguments: StoreBackend.available)
    func thePageLivesInItsOwnTableAndEarlierStoresMoveItThere(_ backend: StoreBackend) throws {
        let (store, location) = try fresh(backend)
        let id = try submit(store, "https://www.36kr.com/p/1")
        _ = try store.claim(state: .submitted, limit: 1, owner: "a", leaseSeconds: 60)
        try store.commit([StageOutcome(itemID: id, from: .submitted, to: .fetched, stage: .fetch)],
                         owner: "a", leaseSeconds: 60, at: base)
        let page = Page(title: "闲鱼卖二手书", siteName: "36氪", mainText: String(repeating: "一个月多赚五百。", count: 200),
                        excerpt: "一个月多赚五百")
        try store.commit([StageOutcome(itemID: id, from: .fetched, to: .parsed, stage: .parse, page: page)],
                         owner: "a", leaseSeconds: 60, at: base)
        #expect(try store.page(itemID: id) == page)
        #expect(try RawSQL(location).lines("SELECT COUNT(*) FROM pages") == ["1"])

        let json = try #require(try RawSQL(location).lines("SELECT page_json FROM pages").first)
        let quoted = "'" + json.replacingOccurrences(of: "'", with: "''") + "'"
        let version = backend == .sqlite ? "PRAGMA user_version = 8" : "UPDATE sluice_schema SET version = 8"
        for statement in ["ALTER TABLE items ADD COLUMN page_json TEXT", "UPDATE items SET page_json = \(quoted)",
                          "DROP TABLE pages", "DROP TABLE fingerprint_bands_recent", version] {
            _ = try RawSQL(location).lines(statement)
        }
        let reopened = try location.open(create: false)
        #expect(try reopened.schemaVersion() == reopened.currentSchemaVersion)
        #expect(try reopened.page(itemID: id) == page)
        #expect(try RawSQL(location).lines("SELECT COUNT(*) FROM pages") == ["1"])
        #expect(try reopened.integrityCheck() == "ok")
    }

    // MARK: volunteers, models, status

    @Test(arguments: StoreBackend.available)
    func volunteersSeeTheirSubmissionsAndContributions(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let key = "https://www.36kr.com/p/3"
        let root = try pending(store, by: "小明", keys: [key])
        _ = try store.submit(Submission(volunteer: "小红", url: key, note: "我也发现了", source: "cli"), urlKeys: [key],
                             refetchKnown: false, at: base.addingTimeInterval(9))
        try store.decide(itemID: root, .reject(reason: "hype_scam", text: "暴利宣传"), moderator: "版主A",
                         expected: ExpectedItem(), evidence: nil, at: base)
        let submissions = try #require(try store.submissions(volunteer: "小红"))
        #expect(submissions.map(\.state) == [.duplicate])
        #expect(submissions.first?.rootState == .rejected)
        #expect(try store.submissions(volunteer: "没有这个人") == nil)
        let contributions = try store.contributions(month: nil)
        #expect(contributions.map(\.volunteer) == ["小明", "小红"])
        #expect(contributions.map(\.state) == [.rejected, .rejected])
        #expect(try store.contributions(month: "1999-01").isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func modelsAndReclassificationsAreKept(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try pending(store)
        #expect(try store.latestModel() == nil)
        try store.saveModel(StoredModel(body: Data([1, 2, 3]), trainedAt: base, examples: 3))
        try store.saveModel(StoredModel(body: Data([4, 5]), trainedAt: base.addingTimeInterval(1), examples: 2, version: "3f9c2a1e00b1c2d3"))
        #expect(try store.latestModel()?.body == Data([4, 5]))
        #expect(try store.latestModel()?.version == "3f9c2a1e00b1c2d3")
        #expect(try store.models().map(\.bytes) == [3, 2])
        #expect(try store.models().map(\.version) == [nil, "3f9c2a1e00b1c2d3"], "a model stored without a version reads back as nil")
        let item = try #require(try store.classifiableItems(states: [.pendingReview]).first)
        let classification = Classification(category: "ecommerce", categorySource: .rule, flags: [], ruleVersion: "r1",
                                            matchedTerms: ["闲鱼"], pApprove: 0.7, priority: 1.5)
        let stale = Reclassification(itemID: id, version: item.version - 1, classification: classification, detail: "old")
        let fresh = Reclassification(itemID: id, version: item.version, classification: classification, detail: "new")
        #expect(try store.reclassify([stale], actor: "test", at: base).isEmpty)
        #expect(try store.reclassify([fresh], actor: "test", at: base) == [id])
        #expect(try store.record(id: id)?.category == "ecommerce")
        try store.decide(itemID: id, .approve(category: nil, title: nil), moderator: "版主A", expected: ExpectedItem(),
                         evidence: nil, at: base.addingTimeInterval(10))
        #expect(try store.decisionCount(since: nil) == 1)
        #expect(try store.decisionCount(since: base.addingTimeInterval(20)) == 0)

        let copy = try self.fresh(backend).store
        #expect(try StoreMigration.migrate(from: store, to: copy).verified)
        #expect(try copy.models().map(\.version) == [nil, "3f9c2a1e00b1c2d3"], "a copy keeps the column a later migration added")
    }

    @Test(arguments: StoreBackend.available)
    func statusCountsStatesAndFailures(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try submit(store, "https://www.36kr.com/p/1")
        _ = try pending(store)
        _ = try store.claim(state: .submitted, limit: 10, owner: "run", leaseSeconds: 60)
        try store.commit([StageOutcome(itemID: id, from: .submitted, to: .failed, stage: .fetch,
                                       problem: Problem(.http4xx, stage: .fetch, message: "404"))],
                         owner: "run", leaseSeconds: 60, at: base)
        let status = try store.status()
        #expect(status.states["failed"] == 1)
        #expect(status.states["pending_review"] == 1)
        #expect(status.failures.first?.code == "http_4xx")
        #expect(status.total == 2)
        #expect(try store.pendingCounts()[.failed] == 1)
    }

    @Test(arguments: StoreBackend.available)
    func recordsPageByIDAndCarryEveryReport(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let ids = try (0..<7).map { try submit(store, "https://pages.example/\($0)", at: Double($0)) }
        let firstPage = try store.records(state: nil, limit: 3, after: nil)
        #expect(firstPage.map(\.id) == Array(ids.prefix(3)))
        let secondPage = try store.records(state: nil, limit: 3, after: firstPage.last?.id)
        #expect(secondPage.map(\.id) == Array(ids[3..<6]))
        #expect(try store.records(state: .submitted, limit: nil, after: ids[5]).map(\.id) == [ids[6]])
        #expect(firstPage.allSatisfy { $0.reports.count == 1 })
    }

    /// `review list` pages the queue by id while the queue itself comes highest priority first: paging from
    /// `after: 0` must not start in the queue's order, or the second page would skip and repeat items.
    @Test(arguments: StoreBackend.available)
    func theQueuePagesByIDWhateverItsPriorities(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let ids = try (0..<5).map { try pending(store, note: "闲鱼卖二手书第\($0)次复盘，每月多赚五百", at: Double($0)) }
        let priorities = [0.5, 3.0, 1.0, 4.0, 2.0]
        let items = try store.classifiableItems(states: [.pendingReview])
        let updates = try zip(ids, priorities).map { id, priority in
            let version = try #require(items.first { $0.id == id }?.version)
            let classification = Classification(category: "ecommerce", categorySource: .rule, flags: [], ruleVersion: "r1",
                                                matchedTerms: [], pApprove: nil, priority: priority)
            return Reclassification(itemID: id, version: version, classification: classification, detail: "priority \(priority)")
        }
        #expect(try store.reclassify(updates, actor: "test", at: base).count == 5)
        #expect(try store.records(state: .pendingReview, limit: nil, after: nil).map(\.id) == [ids[3], ids[1], ids[4], ids[2], ids[0]])
        let firstPage = try store.records(state: .pendingReview, limit: 2, after: 0)
        #expect(firstPage.map(\.id) == Array(ids.prefix(2)))
        #expect(try store.records(state: .pendingReview, limit: 2, after: firstPage.last?.id).map(\.id) == Array(ids[2..<4]))

        var paged: [[Int64]] = []
        #expect(try store.forEachPage(state: .pendingReview, pageSize: 2) { paged.append($0.map(\.id)) } == nil)
        #expect(paged == [Array(ids[0..<2]), Array(ids[2..<4]), [ids[4]]])
        var limited: [Int64] = []
        let next = try store.forEachPage(state: .pendingReview, after: ids[0], limit: 3, pageSize: 2) { limited += $0.map(\.id) }
        #expect(limited == Array(ids[1..<4]))
        #expect(next == ids[3], "items were left: the list continues after the last one handed over")
        #expect(try store.forEachPage(state: .pendingReview, after: ids[1], limit: 3) { _ in } == nil, "exactly the rest: none left")
    }
}
