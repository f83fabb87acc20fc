import Foundation
import Synchronization
import SluiceCore
import SluiceReview

/// A `ReviewBackend` held in memory for the screen's tests until the SQLite store implements the protocol.
/// Honest about what the store must do: claims expire, every write checks the version, undo restores the item
/// as it was and still moves the version forward. One `Mutex` guards all state, so sessions on several
/// threads may share it.
final class InMemoryReviewBackend: ReviewBackend {
    struct Decision {
        var id: Int64
        var itemID: Int64
        var moderator: String
        var action: String
        var before: ReviewCard
        var undone = false
    }

    private struct State {
        var items: [Int64: ReviewCard] = [:]
        var fullTexts: [Int64: String] = [:]
        var claims: [Int64: (moderator: String, until: Date)] = [:]
        var decisions: [Decision] = []
        var now = Date(timeIntervalSince1970: 1_790_000_000)
    }

    private let state = Mutex(State())
    private let claimDuration: TimeInterval
    private let categoryNames: [String]

    init(cards: [ReviewCard], fullTexts: [Int64: String] = [:], claimDuration: TimeInterval = 300,
         categories: [String] = ["副业", "电商", "投资理财", "自媒体", "其他"]) {
        self.claimDuration = claimDuration
        self.categoryNames = categories
        state.withLock { state in
            for card in cards { state.items[card.id] = card }
            state.fullTexts = fullTexts
        }
    }

    /// Moves the backend's clock, so claims can be shown to expire.
    func advanceClock(by seconds: TimeInterval) {
        state.withLock { $0.now += seconds }
    }

    /// A new item reaching review while sessions run.
    func add(_ card: ReviewCard) {
        state.withLock { $0.items[card.id] = card }
    }

    func card(_ id: Int64) -> ReviewCard? { state.withLock { $0.items[id] } }
    var decisions: [Decision] { state.withLock { $0.decisions } }

    /// Changes an item behind every session's back, as another moderator or the pipeline would.
    func touch(_ id: Int64, _ change: (inout ReviewCard) -> Void) {
        state.withLock { state in
            guard var card = state.items[id] else { return }
            change(&card)
            card.version += 1
            state.items[id] = card
        }
    }

    func nextCards(moderator: String, limit: Int) throws -> [ReviewCard] {
        state.withLock { state in
            let open = state.items.values.filter { card in
                guard card.state == ItemState.pendingReview.rawValue else { return false }
                guard let claim = state.claims[card.id] else { return true }
                return claim.moderator == moderator || claim.until <= state.now
            }
            return Array(open.sorted { ($0.priority, -$0.id) > ($1.priority, -$1.id) }.prefix(limit))
        }
    }

    func claim(itemID: Int64, moderator: String) throws {
        try state.withLock { state in
            guard state.items[itemID] != nil else { throw ReviewBackendError.notFound(itemID) }
            try Self.checkClaim(state, itemID: itemID, moderator: moderator)
            state.claims[itemID] = (moderator, state.now + claimDuration)
        }
    }

    func release(itemID: Int64, moderator: String) throws {
        state.withLock { state in
            if state.claims[itemID]?.moderator == moderator { state.claims[itemID] = nil }
        }
    }

    func approve(itemID: Int64, version: Int, moderator: String) throws -> DecisionReceipt {
        try write(itemID: itemID, version: version, moderator: moderator, action: "approve") {
            $0.state = ItemState.approved.rawValue
        }
    }

    func reject(itemID: Int64, version: Int, moderator: String, reason: RejectReason, text: String?) throws
        -> DecisionReceipt {
        try write(itemID: itemID, version: version, moderator: moderator, action: "reject \(reason.rawValue)") {
            $0.state = ItemState.rejected.rawValue
        }
    }

    func edit(itemID: Int64, version: Int, moderator: String, field: EditField, value: String) throws
        -> DecisionReceipt {
        try write(itemID: itemID, version: version, moderator: moderator, action: "edit \(field.rawValue)") {
            switch field {
            case .category: $0.category = value
            case .title: $0.title = value
            case .summary: $0.excerpt = value
            }
        }
    }

    func undo(_ receipt: DecisionReceipt, moderator: String) throws {
        try state.withLock { state in
            guard let index = state.decisions.firstIndex(where: {
                $0.id == receipt.decisionID && $0.moderator == moderator && !$0.undone
            }) else { throw ReviewBackendError.nothingToUndo }
            guard let current = state.items[receipt.itemID] else { throw ReviewBackendError.notFound(receipt.itemID) }
            guard current.version == receipt.newVersion else {
                throw ReviewBackendError.staleView(itemID: receipt.itemID,
                                                   message: "changed again since (version \(current.version))")
            }
            var restored = state.decisions[index].before
            restored.version = current.version + 1
            state.items[receipt.itemID] = restored
            state.decisions[index].undone = true
        }
    }

    func fullText(itemID: Int64) throws -> String {
        try state.withLock { state in
            guard let card = state.items[itemID] else { throw ReviewBackendError.notFound(itemID) }
            return state.fullTexts[itemID] ?? card.excerpt ?? ""
        }
    }

    func categories() -> [String] { categoryNames }

    private func write(itemID: Int64, version: Int, moderator: String, action: String,
                       change: (inout ReviewCard) -> Void) throws -> DecisionReceipt {
        try state.withLock { state in
            guard var card = state.items[itemID] else { throw ReviewBackendError.notFound(itemID) }
            guard card.version == version else {
                throw ReviewBackendError.staleView(itemID: itemID,
                                                   message: "shown at version \(version), now \(card.version)")
            }
            guard ItemState(rawValue: card.state)?.isReviewable == true else {
                throw ReviewBackendError.notReviewable(itemID: itemID, state: card.state)
            }
            try Self.checkClaim(state, itemID: itemID, moderator: moderator)
            let decisionID = Int64(state.decisions.count + 1)
            state.decisions.append(Decision(id: decisionID, itemID: itemID, moderator: moderator, action: action,
                                            before: card))
            change(&card)
            card.version += 1
            state.items[itemID] = card
            return DecisionReceipt(itemID: itemID, decisionID: decisionID, newVersion: card.version)
        }
    }

    private static func checkClaim(_ state: State, itemID: Int64, moderator: String) throws {
        if let claim = state.claims[itemID], claim.moderator != moderator, claim.until > state.now {
            throw ReviewBackendError.claimedByOther(itemID: itemID, moderator: claim.moderator,
                                                    until: ISO8601DateFormatter().string(from: claim.until))
        }
    }
}
