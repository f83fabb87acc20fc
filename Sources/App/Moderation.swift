import Foundation
import SluiceCore
import SluicePublish

/// The moderators' decisions: one item at a time or in bulk, each version-checked so that two moderators
/// never decide the same item twice, every one in the audit log.
public struct ModerationService: Sendable {
    let store: any ReviewStore
    let clock: any TimeSource

    public init(store: any ReviewStore, clock: any TimeSource = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// Decides one item. The item must still be as `expected` (by default: as it is read here, so the
    /// evidence frozen with an approval is the text the decision saw).
    public func decide(itemID: Int64, _ decision: Decision, moderator: String, expected: ExpectedItem? = nil) throws
        -> DecisionEntry {
        let source = try store.evidenceSource(itemID: itemID)
        let evidence: FrozenEvidence? = switch decision {
        case .approve(_, let title):
            FrozenEvidence.freeze(title: title ?? source.title, text: source.text, capturedAt: source.capturedAt)
        case .reject:
            nil
        }
        let expectation = expected ?? ExpectedItem(version: source.version, state: source.state)
        return try store.decide(itemID: itemID, decision, moderator: moderator, expected: expectation, evidence: evidence,
                                at: clock.now())
    }

    /// What a bulk decision did: how many items the selection matched, the decisions made, and the items left
    /// as they were because they had moved on since they were selected (with who decided them).
    public struct BulkReport: Sendable, Encodable {
        public var selected: Int
        public var applied: [DecisionEntry]
        public var skipped: [Skipped]

        public struct Skipped: Sendable, Encodable, Equatable {
            public var id: Int64
            public var reason: String
            /// The moderator who decided the item meanwhile, when that is why.
            public var decidedBy: String?

            enum CodingKeys: String, CodingKey {
                case id, reason
                case decidedBy = "decided_by"
            }
        }
    }

    /// The pending items a selection matches, as they are now.
    public func select(_ selection: ReviewSelection) throws -> [ItemRecord] {
        try store.records(state: .pendingReview, limit: nil, after: nil).filter(selection.matches)
    }

    /// Decides every selected item that is still pending at the version it was selected at; the others are
    /// reported, never decided over someone else's decision.
    public func decide(_ selected: [ItemRecord], _ decision: Decision, moderator: String) throws -> BulkReport {
        var report = BulkReport(selected: selected.count, applied: [], skipped: [])
        for record in selected {
            do {
                report.applied.append(try decide(itemID: record.id, decision, moderator: moderator,
                                                 expected: ExpectedItem(version: record.version, state: .pendingReview)))
            } catch let error as StoreError where !error.isEnvironmental {
                var decidedBy: String?
                if case .decidedByOther(_, let other, _, _) = error { decidedBy = other }
                report.skipped.append(.init(id: record.id, reason: error.description, decidedBy: decidedBy))
            }
        }
        return report
    }

    public func unlink(itemID: Int64, moderator: String) throws -> UnlinkOutcome {
        try store.unlink(itemID: itemID, moderator: moderator, at: clock.now())
    }

    public func log(moderator: String?, since: Date?) throws -> [DecisionEntry] {
        try store.decisions(moderator: moderator, since: since)
    }

    /// "site 36kr.com: 2 approved, 1 rejected (hype_scam 1)", the history lines of a review card.
    public static func historyLines(site: String?, volunteer: String, tallies: (site: DecisionTally, volunteer: DecisionTally))
        -> [String] {
        // Whole sentences, so the review screen's catalog finds each one as it is written here.
        func line(_ subject: String, _ tally: DecisionTally) -> String {
            let reasons = tally.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return reasons.isEmpty ? "\(subject): \(tally.approved) approved, \(tally.rejected) rejected"
                : "\(subject): \(tally.approved) approved, \(tally.rejected) rejected (\(reasons))"
        }
        var lines: [String] = []
        if let site, !tallies.site.isEmpty { lines.append(line("site \(site)", tallies.site)) }
        if !tallies.volunteer.isEmpty { lines.append(line("volunteer \(volunteer)", tallies.volunteer)) }
        return lines
    }
}
