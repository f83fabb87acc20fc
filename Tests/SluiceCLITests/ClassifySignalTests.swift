import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// The "duplicate of a rejected item" signal on the real store: an item dedup judged unique that still
/// shares a near-duplicate band with rejected content (the rejected item itself or a duplicate of it).
@Suite struct ClassifySignalTests {
    let directory = TemporaryDirectory("classify-signal")

    /// Takes a note through dedup (with the given band keys, judged unique) and classify into the queue.
    func queue(_ store: SQLiteStore, note: String, bands: [Int64]) throws -> Int64 {
        let id = try store.submit(Submission(volunteer: "志愿者", url: nil, note: note, source: "test")).itemID
        let item = try #require(try store.claim(state: .submitted, limit: 10, owner: "test", leaseSeconds: 60).first { $0.id == id })
        _ = try store.deduplicate(item, keys: DedupKeys(urlKeys: [], exactContentHash: nil, fingerprint: nil, bandKeys: bands),
                                  canonicalURL: nil, owner: "test") { _ in .unique }
        let classification = Classification(category: "other", categorySource: .rule, flags: [], ruleVersion: "t",
                                            matchedTerms: [], pApprove: nil, priority: 0.5)
        try store.commit([StageOutcome(itemID: id, from: .deduplicated, to: .pendingReview, stage: .classify,
                                       classification: classification)], owner: "test", leaseSeconds: 60)
        return id
    }

    @Test func itemsSharingABandWithRejectedContentAreMarked() throws {
        let store = try SQLiteStore(path: directory.path("s.db"))
        let rejected = try queue(store, note: "躺赚项目，交入门费发展下线", bands: [101, 102])
        try store.decide(itemID: rejected, .reject(reason: "hype_scam", text: nil), moderator: "版主A")
        let approved = try queue(store, note: "闲鱼卖二手书的复盘", bands: [201])
        try store.decide(itemID: approved, .approve(category: nil, title: nil), moderator: "版主A")

        let reworded = try queue(store, note: "躺赚项目换了个说法，还是交入门费", bands: [102, 999])
        let nearApproved = try queue(store, note: "闲鱼卖二手教材", bands: [201])
        let unrelated = try queue(store, note: "公众号写作复盘", bands: [301])
        #expect(try store.sharesContentWithRejected(itemID: reworded))
        #expect(try !store.sharesContentWithRejected(itemID: nearApproved))
        #expect(try !store.sharesContentWithRejected(itemID: unrelated))
        #expect(try !store.sharesContentWithRejected(itemID: rejected), "an item is not its own rejected neighbour")
    }
}
