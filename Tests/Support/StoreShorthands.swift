import Foundation
import SluiceCore

// Shorthands for tests that drive a store directly: the contracts take every time and option explicitly
// (use cases pass their clock); tests that do not care about them take the machine's clock and the defaults.

extension IntakeStore {
    /// Stores a submission without URL keys (nothing is "already known"), now.
    @discardableResult
    public func submit(_ submission: Submission, at now: Date = Date()) throws -> SubmitReceipt {
        try submit(submission, urlKeys: [], refetchKnown: false, at: now)
    }
}

extension PipelineStore {
    @discardableResult
    public func commit(_ outcomes: [StageOutcome], owner: String, leaseSeconds: Double = 300) throws -> [StageOutcome] {
        try commit(outcomes, owner: owner, leaseSeconds: leaseSeconds, at: Date())
    }
}

extension DedupIndex {
    public func deduplicate(_ item: WorkItem, keys: DedupKeys, canonicalURL: String?, owner: String,
                            decide: (DedupCandidates) -> DedupVerdict) throws -> DedupOutcome {
        try deduplicate(item, keys: keys, canonicalURL: canonicalURL, owner: owner, leaseSeconds: 300, at: Date(),
                        decide: decide)
    }

    @discardableResult
    public func rekey(version: String, keys: (WorkItem) -> DedupKeys) throws -> Int? {
        try rekey(version: version, force: false, keys: keys)
    }
}

extension ReviewStore {
    public func records(state: ItemState?, limit: Int? = nil) throws -> [ItemRecord] {
        try records(state: state, limit: limit, after: nil)
    }

    /// A decision with no evidence frozen (publishing freezes it then) and no expectation beyond `expectedVersion`.
    @discardableResult
    public func decide(itemID: Int64, _ decision: Decision, moderator: String, expectedVersion: Int? = nil,
                       at now: Date = Date()) throws -> DecisionEntry {
        try decide(itemID: itemID, decision, moderator: moderator, expected: ExpectedItem(version: expectedVersion),
                   evidence: nil, at: now)
    }

    public func claim(itemID: Int64, moderator: String, seconds: Double = 300) throws {
        try claimForReview(itemID: itemID, moderator: moderator, seconds: seconds)
    }

    public func edit(itemID: Int64, field: EditableField, value: String, moderator: String, expectedVersion: Int) throws
        -> EditReceipt {
        try edit(itemID: itemID, field: field, value: value, moderator: moderator, expectedVersion: expectedVersion, at: Date())
    }

    public func undo(decisionID: Int64, moderator: String, expectedVersion: Int? = nil) throws -> Int {
        try undo(decisionID: decisionID, moderator: moderator, expectedVersion: expectedVersion, at: Date())
    }

    public func unlink(itemID: Int64, moderator: String) throws -> UnlinkOutcome {
        try unlink(itemID: itemID, moderator: moderator, at: Date())
    }

    public func decisions() throws -> [DecisionEntry] {
        try decisions(moderator: nil, since: nil)
    }
}

extension PublicationStore {
    public func retract(itemID: Int64, reason: String, moderator: String) throws -> Publication {
        try retract(itemID: itemID, reason: reason, moderator: moderator, at: Date())
    }

    @discardableResult
    public func recordSourceCheck(itemID: Int64, state: SourceState, detail: String?) throws -> SourceStatus {
        try recordSourceCheck(itemID: itemID, state: state, detail: detail, at: Date())
    }
}

extension ModelStore {
    public func reclassify(_ updates: [Reclassification], actor: String) throws -> [Int64] {
        try reclassify(updates, actor: actor, at: Date())
    }
}

extension SubmitReceipt {
    /// Test shorthand: the id of a submission that must have created an item.
    public var createdID: Int64? { created ? itemID : nil }
}
