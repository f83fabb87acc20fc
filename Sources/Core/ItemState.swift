/// The one state machine every item follows. The store persists it; every change is one transaction.
///
/// `submitted → fetched → parsed → deduplicated → pending_review → approved | rejected → published`,
/// with `duplicate` (linked to the first item of its cluster) and `failed` (carrying the error) on the side.
/// Note-only intel skips fetch and parse: it enters dedup straight from `submitted`.
public enum ItemState: String, Codable, Sendable, CaseIterable, Comparable {
    case submitted
    case fetched
    case parsed
    case deduplicated
    case pendingReview = "pending_review"
    case duplicate
    case approved
    case rejected
    case published
    case failed

    /// The states the pipeline still has work for, in the order the stages take them.
    public static let pipelineStates: [ItemState] = [.submitted, .fetched, .parsed, .deduplicated]

    /// Which states may follow this one. Anything else is a bug or a stale view and is refused by the store.
    public var successors: Set<ItemState> {
        switch self {
        case .submitted: [.fetched, .deduplicated, .duplicate, .pendingReview, .failed]
        case .fetched: [.parsed, .pendingReview, .failed, .submitted]
        case .parsed: [.deduplicated, .duplicate, .failed, .fetched]
        case .deduplicated: [.pendingReview, .failed, .parsed, .duplicate]
        case .pendingReview: [.approved, .rejected, .duplicate, .deduplicated]
        case .duplicate: [.pendingReview, .deduplicated]
        case .approved: [.published, .rejected, .pendingReview]
        case .rejected: [.approved, .pendingReview]
        case .published: [.approved]
        case .failed: [.submitted, .approved, .rejected]
        }
    }

    public func canMove(to next: ItemState) -> Bool { successors.contains(next) }

    /// Whether a moderator may decide on an item in this state.
    public var isReviewable: Bool {
        switch self {
        case .pendingReview, .failed, .approved, .rejected, .duplicate: true
        default: false
        }
    }

    private var order: Int { ItemState.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: ItemState, rhs: ItemState) -> Bool { lhs.order < rhs.order }
}
