import Foundation
import Synchronization
import Testing
import SluiceApp
import SluiceCore
import SluiceDedup
import SluiceIntake
import SluicePublish
import SluiceStore
import SluiceTestSupport

/// A clock the test moves by hand: use cases read the time from it, so nothing here sleeps.
final class ManualClock: TimeSource {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }
}

/// The use cases of the application layer on a real store (both backends), driven by a manual clock.
@Suite struct UseCaseTests {
    let directory = TemporaryDirectory("use-cases")
    let canonicalizer = try? URLCanonicalizer.load(path: SharedCorpus.packageRoot.appendingPathComponent("pipelines/url-rules.json").path)

    func store(_ backend: StoreBackend) throws -> any Store {
        try StoreLocation(try backend.freshLocation(in: directory)).open(create: true)
    }

    /// An item through dedup and classify into the review queue, as the pipeline would leave it.
    func queue(_ store: any Store, note: String, clock: ManualClock) throws -> Int64 {
        let intake = IntakeService(store: store, canonicalizer: canonicalizer, clock: clock)
        let id = try intake.submit(url: nil, note: note, volunteer: "小明", source: "test").id
        let item = try #require(try store.claim(state: .submitted, limit: 10, owner: "t", leaseSeconds: 60).first { $0.id == id })
        _ = try store.deduplicate(item, keys: DedupKeys(urlKeys: [], exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                  canonicalURL: nil, owner: "t", leaseSeconds: 60, at: clock.now()) { _ in .unique }
        try store.commit([StageOutcome(itemID: id, from: .deduplicated, to: .pendingReview, stage: .classify)], owner: "t",
                         leaseSeconds: 60, at: clock.now())
        return id
    }

    @Test(arguments: StoreBackend.available)
    func publishingTakesItsMonthFromTheClock(_ backend: StoreBackend) throws {
        let store = try store(backend)
        let clock = ManualClock(Timestamp.date("2026-11-30T23:00:00.000Z") ?? Date())
        let id = try queue(store, note: "小区团购团长，一个月多赚一千", clock: clock)
        _ = try ModerationService(store: store, clock: clock).decide(itemID: id, .approve(category: "local_services", title: nil),
                                                                   moderator: "版主A")
        let content = ContentDirectory(root: directory.url.appendingPathComponent("content-\(backend)"))
        let publishing = PublishingService(store: store, clock: clock)
        #expect(try publishing.publish(into: content).published == [id])
        #expect(try publishing.column(month: "2026-11").items.map(\.id) == [id])
        #expect(try publishing.publish(into: content).published.isEmpty, "publishing twice is a no-op")
        clock.advance(days: 2)
        _ = try publishing.unpublish([String(id)], reason: "作者要求删除", moderator: "版主A", from: content)
        #expect(try publishing.publish(into: content).published == [id])
        #expect(try publishing.column(month: "2026-11").items.isEmpty)
        #expect(try publishing.column(month: "2026-12").items.map(\.id) == [id], "republished in the month it is republished")
        #expect(try store.evidence(itemID: id)?.text == "小区团购团长，一个月多赚一千")
    }

    @Test(arguments: StoreBackend.available)
    func aBulkDecisionLeavesItemsThatMovedOnAndSaysWhoDecidedThem(_ backend: StoreBackend) throws {
        let store = try store(backend)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_764_000_000))
        let ids = try (0..<4).map { try queue(store, note: "第\($0)条：闲鱼倒卖教材的复盘", clock: clock) }
        let moderation = ModerationService(store: store, clock: clock)
        let selected = try moderation.select(ReviewSelection(volunteer: "小明"))
        #expect(selected.map(\.id) == ids)
        _ = try moderation.decide(itemID: ids[1], .reject(reason: "low_quality", text: nil), moderator: "版主乙")
        let report = try moderation.decide(selected, .approve(category: nil, title: nil), moderator: "版主甲")
        #expect(report.selected == 4)
        #expect(report.applied.map(\.itemID) == [ids[0], ids[2], ids[3]])
        #expect(report.skipped.map(\.id) == [ids[1]])
        #expect(report.skipped.first?.decidedBy == "版主乙")
        #expect(try store.record(id: ids[1])?.state == .rejected, "the earlier decision stands")
    }

    @Test(arguments: StoreBackend.available)
    func aKnownLinkIsRecognisedAtSubmitUnderAnyOfItsSpellings(_ backend: StoreBackend) throws {
        let store = try store(backend)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_764_000_000))
        let intake = IntakeService(store: store, canonicalizer: canonicalizer, clock: clock)
        let first = try intake.submit(url: "https://www.36kr.com/p/123", note: nil, volunteer: "小明", source: "test")
        let item = try #require(try store.claim(state: .submitted, limit: 1, owner: "t", leaseSeconds: 60).first)
        let keys = canonicalizer?.identityKeys(submitted: "https://www.36kr.com/p/123").map(\.value) ?? []
        _ = try store.deduplicate(item, keys: DedupKeys(urlKeys: keys, exactContentHash: nil, fingerprint: nil, bandKeys: []),
                                  canonicalURL: nil, owner: "t", leaseSeconds: 60, at: clock.now()) { _ in .unique }
        let again = try intake.submit(url: "https://36kr.com/p/123?utm_source=wechat&utm_medium=share", note: "群里转的",
                                      volunteer: "小红", source: "test")
        #expect(again.status == "already_known")
        #expect(again.knownAs == first.id)
        #expect(try store.record(id: first.id)?.reports.map(\.volunteer) == ["小明", "小红"])
        #expect(throws: IntakeError.self) {
            try intake.submit(url: "javascript:alert(1)", note: nil, volunteer: "小红", source: "test")
        }
    }
}
