import Foundation
import SluiceCore
import SluicePublish
import SluiceReview

/// The review screen's backend on any store: claims, version-checked decisions, edits and undo, each one
/// transaction in the store; store errors become the screen's own error values. Several backends (threads,
/// processes, moderators' machines on one PostgreSQL store) may share one store.
public struct ModerationBackend: ReviewBackend {
    let store: any ReviewStore
    let moderation: ModerationService
    let categoryIDs: [String]
    /// How long a claim keeps an item from other moderators' queues.
    let claimSeconds: Double
    let clock: any TimeSource

    /// `categoryIDs` defaults to the column's categories, in their order.
    public init(store: any ReviewStore, categoryIDs: [String]? = nil, claimSeconds: Double = 300,
                clock: any TimeSource = SystemClock()) {
        self.store = store
        moderation = ModerationService(store: store, clock: clock)
        self.categoryIDs = categoryIDs ?? CategoryInfo.column.map(\.id)
        self.claimSeconds = claimSeconds
        self.clock = clock
    }

    public func nextCards(moderator: String, limit: Int) throws -> [ReviewCard] {
        try translate {
            // The history counts only decided items, so every pending item of one site and volunteer shares it.
            var histories: [[String?]: [String]] = [:]
            return try store.reviewQueue(moderator: moderator, limit: limit).map { record in
                let key = [record.site, record.volunteer]
                let history = try histories[key] ?? ModerationService.historyLines(
                    site: record.site, volunteer: record.volunteer,
                    tallies: store.decisionTallies(site: record.site, volunteer: record.volunteer, excluding: record.id))
                histories[key] = history
                return ReviewCard(
                    id: record.id, version: record.version, state: record.state.rawValue, title: record.title,
                    site: record.site, url: record.url, canonicalURL: record.canonicalURL,
                    reports: record.reports.map {
                        VolunteerReport(volunteer: $0.volunteer, note: $0.note, submittedAt: Timestamp.string($0.submittedAt))
                    },
                    category: record.category, categorySource: record.categorySource?.rawValue,
                    matchedTerms: record.matchedTerms, flags: record.flags, pApprove: record.pApprove,
                    uncertain: record.uncertain, basis: record.categoryBasis, priority: record.priority, excerpt: record.description ?? record.excerpt ?? record.note,
                    problems: record.error.map { ["\($0.code.rawValue): \($0.message)"] } ?? [],
                    clusterSize: max(1, record.reports.count),
                    history: history)
            }
        }
    }

    public func claim(itemID: Int64, moderator: String) throws {
        try translate { try store.claimForReview(itemID: itemID, moderator: moderator, seconds: claimSeconds) }
    }

    public func release(itemID: Int64, moderator: String) throws {
        try translate { try store.releaseClaim(itemID: itemID, moderator: moderator) }
    }

    public func approve(itemID: Int64, version: Int, moderator: String) throws -> DecisionReceipt {
        try decide(itemID: itemID, version: version, moderator: moderator, .approve(category: nil, title: nil))
    }

    public func reject(itemID: Int64, version: Int, moderator: String, reason: RejectReason, text: String?) throws
        -> DecisionReceipt {
        try decide(itemID: itemID, version: version, moderator: moderator, .reject(reason: reason.rawValue, text: text))
    }

    private func decide(itemID: Int64, version: Int, moderator: String, _ decision: Decision) throws -> DecisionReceipt {
        try translate {
            let entry = try moderation.decide(itemID: itemID, decision, moderator: moderator,
                                              expected: ExpectedItem(version: version))
            return DecisionReceipt(itemID: itemID, decisionID: entry.id, newVersion: version + 1)
        }
    }

    public func edit(itemID: Int64, version: Int, moderator: String, field: EditField, value: String) throws
        -> DecisionReceipt {
        if field == .category && !categoryIDs.contains(value) {
            throw ReviewBackendError.invalidEdit(
                itemID: itemID, message: "no category \"\(value)\" (one of \(categoryIDs.joined(separator: ", ")))")
        }
        return try translate {
            let editable = EditableField(rawValue: field.rawValue) ?? .title
            let result = try store.edit(itemID: itemID, field: editable, value: value, moderator: moderator,
                                        expectedVersion: version, at: clock.now())
            return DecisionReceipt(itemID: itemID, decisionID: result.entry.id, newVersion: result.version)
        }
    }

    public func undo(_ receipt: DecisionReceipt, moderator: String) throws {
        try translate {
            _ = try store.undo(decisionID: receipt.decisionID, moderator: moderator, expectedVersion: receipt.newVersion,
                               at: clock.now())
        }
    }

    public func fullText(itemID: Int64) throws -> String {
        try translate {
            guard let record = try store.record(id: itemID) else { throw StoreError.notFound(itemID: itemID) }
            let text = try store.page(itemID: itemID)?.mainText
            return [record.title, text ?? record.note ?? record.excerpt].compactMap { $0 }.joined(separator: "\n\n")
        }
    }

    public func categories() -> [String] { categoryIDs }

    private func translate<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            switch error {
            case .notFound(let id): throw ReviewBackendError.notFound(id)
            case .staleVersion(let id, let expected, let actual):
                throw ReviewBackendError.staleView(itemID: id, message: "shown at version \(expected), now \(actual)")
            case .decidedByOther(let id, let moderator, let action, let state):
                throw ReviewBackendError.staleView(itemID: id, message: "\(moderator) decided it meanwhile: \(action), now \(state.rawValue)")
            case .claimedByOther(let id, let moderator, let until):
                throw ReviewBackendError.claimedByOther(itemID: id, moderator: moderator, until: Timestamp.string(until))
            case .invalidTransition(let id, let from, _): throw ReviewBackendError.notReviewable(itemID: id, state: from.rawValue)
            case .nothingToUndo: throw ReviewBackendError.nothingToUndo
            default: throw error
            }
        }
    }
}
