import Foundation

/// Which report of a story comes first. Credit is the community's currency, so the first finder is whoever
/// submitted first, not whichever item a worker happened to finish first: the earliest submission, then the
/// lowest item id (two submissions in one millisecond). The same submissions give the same roots whatever
/// the worker counts, the timing or the crashes of a run.
public enum ClusterOrder {
    /// Whether the report submitted at `first` (item `firstID`) comes before the one at `second`.
    public static func precedes(_ firstID: Int64, submittedAt first: Date, _ secondID: Int64, submittedAt second: Date) -> Bool {
        if first != second { return first < second }
        return firstID < secondID
    }

    /// The first of several cluster roots a new item matches, by submission.
    public static func earliest(_ candidates: [DedupCandidate]) -> DedupCandidate? {
        candidates.min { precedes($0.itemID, submittedAt: $0.submittedAt, $1.itemID, submittedAt: $1.submittedAt) }
    }

    /// Whether an item that precedes its cluster's root may take the root's place. A root a moderator has
    /// already decided keeps its place (its decision, evidence and ledger entry belong to it); the earlier
    /// reporter is still credited first, as the reports are listed by submission.
    public static func mayReroot(rootState: ItemState) -> Bool {
        switch rootState {
        case .submitted, .fetched, .parsed, .deduplicated, .pendingReview: true
        case .duplicate, .approved, .rejected, .published, .failed: false
        }
    }

    /// Reports in credit order: the earliest submission first.
    public static func sorted(_ reports: [Report]) -> [Report] {
        reports.sorted { precedes($0.itemID, submittedAt: $0.submittedAt, $1.itemID, submittedAt: $1.submittedAt) }
    }
}

/// What makes an approved item publishable: it is approved and has no live (unretracted) ledger entry.
/// An item is in at most one month's column; republishing a retracted item puts it in the month it is
/// republished, its retracted entry kept on record.
public enum Publishability {
    public static func isPublishable(state: ItemState, hasLiveLedgerEntry: Bool) -> Bool {
        state == .approved && !hasLiveLedgerEntry
    }
}

/// Whether a review claim keeps `moderator` from an item: another moderator's claim that has not run out.
public enum ReviewClaim {
    public static func blocks(holder: String?, until: Double?, moderator: String, serverNow: Double) -> Bool {
        guard let holder, holder != moderator, let until else { return false }
        return until > serverNow
    }
}
