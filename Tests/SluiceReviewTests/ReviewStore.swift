import Foundation
import SluiceApp
import SluiceCLI
import SluiceCore
import SluiceReview
import SluiceStore
import SluiceTestSupport

/// A real SQLite store in a temporary directory, filled from cards the way the pipeline fills it: each card is
/// submitted by its first reporter, then committed to `pending_review` with its page and classification in one
/// stage outcome. Items get ids 1, 2, 3… in the order added and start at version 2 (submitted, then queued).
/// Sessions reach it through `ModerationBackend`, each on its own connection when asked, like separate
/// moderators; tests read the store back to check what was saved. With `filingEveryReport`, each later
/// reporter of a card files the same link again, so the store keeps them as reports of one duplicate cluster.
final class ReviewStore: Sendable {
    let directory = TemporaryDirectory("review")
    let store: SQLiteStore
    var path: String { directory.path("sluice.db") }

    init(cards: [ReviewCard], fullTexts: [Int64: String] = [:], filingEveryReport: Bool = false) throws {
        store = try SQLiteStore(path: directory.path("sluice.db"))
        for card in cards {
            try add(card, fullText: fullTexts[card.id], urlKeys: filingEveryReport ? card.url.map { [$0] } ?? [] : [])
            guard filingEveryReport, let url = card.url else { continue }
            for report in card.reports.dropFirst() {
                _ = try store.submit(Submission(volunteer: report.volunteer, url: url, note: report.note, source: "test"),
                                 urlKeys: [url], refetchKnown: false, at: Date())
            }
        }
    }

    /// A moderator's backend on a connection of its own to the same file.
    func backend(claimSeconds: Double = 300) throws -> ModerationBackend {
        ModerationBackend(store: try SQLiteStore(path: path), claimSeconds: claimSeconds)
    }

    /// An item reaching review; returns its id.
    @discardableResult
    func add(_ card: ReviewCard, fullText: String? = nil, urlKeys: [String] = []) throws -> Int64 {
        let report = card.reports.first
        let id = try store.submit(Submission(volunteer: report?.volunteer ?? "志愿者", url: card.url, note: report?.note,
                                             source: "test")).itemID
        var from = ItemState.submitted
        if !urlKeys.isEmpty, let item = try store.claim(state: .submitted, limit: 100, owner: "test", leaseSeconds: 60)
            .first(where: { $0.id == id }) {
            _ = try store.deduplicate(item, keys: DedupKeys(urlKeys: urlKeys, exactContentHash: nil, fingerprint: nil,
                                                            bandKeys: []),
                                      canonicalURL: card.canonicalURL, owner: "test") { _ in .unique }
            from = .deduplicated
        }
        let page = Page(title: card.title, canonicalURL: card.canonicalURL, siteName: card.site,
                        mainText: fullText ?? card.excerpt ?? "", excerpt: card.excerpt ?? "")
        let classification = Classification(
            category: card.category ?? "其他",
            categorySource: card.categorySource.flatMap(CategorySource.init(rawValue:)) ?? .rule, flags: card.flags,
            ruleVersion: "test", matchedTerms: card.matchedTerms, pApprove: card.pApprove, priority: card.priority)
        try store.commit([StageOutcome(itemID: id, from: from, to: .pendingReview, stage: .classify, page: page,
                                       classification: classification, canonicalURL: card.canonicalURL)],
                         owner: "test")
        try store.releaseLeases(owner: "test")
        return id
    }

    func record(_ id: Int64) throws -> ItemRecord? { try store.record(id: id) }

    /// The audit log, each entry as `action[ reason]`.
    func actions() throws -> [String] {
        try store.decisions().map { [$0.action, $0.reason].compactMap { $0 }.joined(separator: " ") }
    }

    func moderators() throws -> [String] { try store.decisions().map(\.moderator) }
}
