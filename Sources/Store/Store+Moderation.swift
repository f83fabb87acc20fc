import Foundation
import SluiceCore

/// What a moderator may edit on an item before deciding.
public enum EditableField: String, Sendable, CaseIterable {
    case category, title, summary

    var column: String {
        switch self {
        case .category: "category"
        case .title: "title"
        case .summary: "description"
        }
    }
}

extension Store {
    /// Claims an item in the review queue for `moderator` until `seconds` from now, so other moderators'
    /// sessions skip it. Refused while another moderator's claim is live, and once the item has left the
    /// queue (decided meanwhile); renewing one's own claim is allowed.
    public func claim(itemID: Int64, moderator: String, seconds: Double = 300, at now: Date = Date()) throws {
        try write { database in
            let current = try currentState(database, itemID: itemID)
            guard current.state == .pendingReview else {
                throw StoreError.invalidTransition(itemID: itemID, from: current.state, to: .pendingReview)
            }
            try checkClaim(database, itemID: itemID, moderator: moderator, at: now)
            try database.run("UPDATE items SET claim_moderator = ?, claim_until = ? WHERE id = ?",
                             [moderator, now.timeIntervalSince1970 + seconds, itemID])
        }
    }

    /// Gives up a claim (skip, end of session) so others get the item at once.
    public func releaseClaim(itemID: Int64, moderator: String) throws {
        _ = try write { database in
            try database.run("UPDATE items SET claim_moderator = NULL, claim_until = NULL WHERE id = ? AND claim_moderator = ?",
                             [itemID, moderator])
        }
    }

    /// The review queue for one moderator: pending items by priority, without those others have claimed.
    /// The claim filter and the limit are in the query, so a long queue costs only the cards asked for.
    public func reviewQueue(moderator: String, limit: Int, at now: Date = Date()) throws -> [ItemRecord] {
        try read { database in
            var records = try database.query("""
                SELECT \(Store.recordColumns) FROM items i \(Store.recordJoin)
                WHERE i.state = ? AND (i.claim_moderator IS NULL OR i.claim_moderator = ? OR i.claim_until IS NULL
                    OR i.claim_until <= ?)
                ORDER BY i.priority DESC, i.id LIMIT ?
                """, [ItemState.pendingReview.rawValue, moderator, now.timeIntervalSince1970, limit]) { record(from: $0) }
            for index in records.indices {
                records[index].reports = try reports(database, itemID: records[index].id)
            }
            return records
        }
    }

    /// Edits a field of a reviewable item, version-checked and audited; returns the audit entry and new version.
    public func edit(itemID: Int64, field: EditableField, value: String, moderator: String, expectedVersion: Int,
                     at now: Date = Date()) throws -> (entry: DecisionEntry, version: Int) {
        try write { database in
            let current = try currentState(database, itemID: itemID)
            guard current.version == expectedVersion else {
                throw StoreError.staleVersion(itemID: itemID, expected: expectedVersion, actual: current.version)
            }
            try checkClaim(database, itemID: itemID, moderator: moderator, at: now)
            guard current.state.isReviewable else {
                throw StoreError.invalidTransition(itemID: itemID, from: current.state, to: current.state)
            }
            let cleaned = field == .summary ? TextCleaning.paragraphs(value, limit: 2000) : TextCleaning.line(value, limit: 512)
            let before = try database.query("SELECT \(field.column), category_source FROM items WHERE id = ?", [itemID]) {
                (value: $0.string(0), source: $0.string(1))
            }.first
            let stamp = Timestamp.string(now)
            try database.run("UPDATE items SET \(field.column) = ?, version = version + 1, updated_at = ? WHERE id = ?",
                             [cleaned, stamp, itemID])
            if field == .category {
                try database.run("UPDATE items SET category_source = 'moderator' WHERE id = ?", [itemID])
            }
            let beforeJSON = try encodeJSON(["field": field.rawValue, "value": before?.value, "category_source": before?.source])
            try database.run("""
                INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, before_json, at)
                VALUES (?, ?, 'edit', ?, ?, ?, ?, ?, ?)
                """, [itemID, moderator, field.rawValue, cleaned, current.state.rawValue, current.state.rawValue, beforeJSON, stamp])
            let entry = DecisionEntry(id: database.lastInsertID, itemID: itemID, moderator: moderator, action: "edit",
                                      reason: field.rawValue, detail: cleaned, fromState: current.state.rawValue,
                                      toState: current.state.rawValue, at: now)
            return (entry, current.version + 1)
        }
    }

    /// Reverts one of this moderator's decisions or edits; audited. With `expectedVersion` (the version the
    /// decision left), refused as stale when anything changed the item since.
    public func undo(decisionID: Int64, moderator: String, expectedVersion: Int? = nil, at now: Date = Date()) throws -> Int {
        try write { database in
            guard let decision = try database.query("""
                SELECT item_id, moderator, action, from_state, to_state, before_json FROM decisions
                WHERE id = ? AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = decisions.id)
                """, [decisionID], { row in
                (item: row.int(0) ?? 0, moderator: row.string(1) ?? "", action: row.string(2) ?? "",
                 from: ItemState(rawValue: row.string(3) ?? "") ?? .pendingReview,
                 to: ItemState(rawValue: row.string(4) ?? "") ?? .pendingReview, before: row.string(5))
            }).first, decision.moderator == moderator else { throw StoreError.nothingToUndo }
            let current = try currentState(database, itemID: decision.item)
            if let expectedVersion, expectedVersion != current.version {
                throw StoreError.staleVersion(itemID: decision.item, expected: expectedVersion, actual: current.version)
            }
            guard current.state == decision.to, current.state != .published else {
                throw StoreError.invalidTransition(itemID: decision.item, from: current.state, to: decision.from)
            }
            let before = decision.before.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
            let stamp = Timestamp.string(now)
            if decision.action == "edit", let field = (before["field"] as? String).flatMap(EditableField.init(rawValue:)) {
                try database.run("UPDATE items SET \(field.column) = ? WHERE id = ?", [before["value"] as? String, decision.item])
                if field == .category {
                    try database.run("UPDATE items SET category_source = ? WHERE id = ?",
                                     [before["category_source"] as? String, decision.item])
                }
            } else {
                try database.run("UPDATE items SET title = ?, category = ?, decision_reason = ? WHERE id = ?",
                                 [before["title"] as? String, before["category"] as? String,
                                  before["decision_reason"] as? String, decision.item])
            }
            try database.run("UPDATE items SET state = ?, version = version + 1, updated_at = ? WHERE id = ?",
                             [decision.from.rawValue, stamp, decision.item])
            try database.run("""
                INSERT INTO decisions (item_id, moderator, action, from_state, to_state, undoes, at)
                VALUES (?, ?, 'undo', ?, ?, ?, ?)
                """, [decision.item, moderator, decision.to.rawValue, decision.from.rawValue, decisionID, stamp])
            return current.version + 1
        }
    }

    /// Refuses a write while another moderator's claim on the item is live.
    private func checkClaim(_ database: Database, itemID: Int64, moderator: String, at now: Date) throws {
        let claims = try database.query("SELECT claim_moderator, claim_until FROM items WHERE id = ?", [itemID]) {
            (moderator: $0.string(0), until: $0.double(1))
        }
        guard let claim = claims.first else { throw StoreError.notFound(itemID: itemID) }
        if let holder = claim.moderator, holder != moderator, let until = claim.until, until > now.timeIntervalSince1970 {
            throw StoreError.claimedByOther(itemID: itemID, moderator: holder, until: Date(timeIntervalSince1970: until))
        }
    }

    private func currentState(_ database: Database, itemID: Int64) throws -> (state: ItemState, version: Int) {
        guard let row = try database.query("SELECT state, version FROM items WHERE id = ?", [itemID], {
            (ItemState(rawValue: $0.string(0) ?? "") ?? .submitted, Int($0.int(1) ?? 0))
        }).first else { throw StoreError.notFound(itemID: itemID) }
        return row
    }

    /// What moderators decided before on items from the same site and from the same volunteer, as counts.
    public func decisionHistory(site: String?, volunteer: String, excluding itemID: Int64) throws -> [String] {
        try read { database in
            func tally(_ condition: String, _ value: String) throws -> String? {
                let rows = try database.query("""
                    SELECT i.state, COALESCE(i.decision_reason, ''), COUNT(*) FROM items i \(Store.recordJoin)
                    WHERE \(condition) AND i.id != ? AND i.state IN ('approved', 'published', 'rejected') GROUP BY 1, 2
                    """, [value, itemID]) { (state: $0.string(0) ?? "", reason: $0.string(1) ?? "", count: Int($0.int(2) ?? 0)) }
                guard !rows.isEmpty else { return nil }
                let approved = rows.filter { $0.state != "rejected" }.reduce(0) { $0 + $1.count }
                let rejected = rows.filter { $0.state == "rejected" }
                let reasons = rejected.map { "\($0.reason.isEmpty ? "other" : $0.reason) \($0.count)" }.joined(separator: ", ")
                return "\(approved) approved, \(rejected.reduce(0) { $0 + $1.count }) rejected" + (reasons.isEmpty ? "" : " (\(reasons))")
            }
            var lines: [String] = []
            if let site, let summary = try tally("i.site = ?", site) { lines.append("site \(site): \(summary)") }
            if let summary = try tally("v.name = ?", volunteer) { lines.append("volunteer \(volunteer): \(summary)") }
            return lines
        }
    }
}

/// One submission of a volunteer and where its item stands, for `sluice volunteer status`.
public struct VolunteerSubmission: Sendable, Equatable {
    public var itemID: Int64
    public var url: String?
    public var note: String?
    public var title: String?
    public var submittedAt: Date
    public var state: ItemState
    public var duplicateOf: Int64?
    /// The state of the first item of the cluster, for a duplicate.
    public var rootState: ItemState?
    public var decisionReason: String?
    /// The moderator's own words on the last rejection, if any.
    public var decisionText: String?
    public var problem: Problem?
}

extension Store {
    /// Every submission of `volunteer`, oldest first; nil when no volunteer has that name.
    public func submissions(volunteer: String) throws -> [VolunteerSubmission]? {
        try read { database in
            guard try database.scalar("SELECT id FROM volunteers WHERE name = ?", [volunteer]) != nil else { return nil }
            return try database.query("""
                SELECT i.id, s.url, s.note, i.title, s.submitted_at, i.state, i.duplicate_of, r.state, i.decision_reason,
                    (SELECT d.detail FROM decisions d WHERE d.item_id = i.id AND d.action = 'reject' ORDER BY d.id DESC LIMIT 1),
                    i.problem_code, i.problem_stage, i.problem_message
                FROM submissions s JOIN volunteers v ON v.id = s.volunteer_id JOIN items i ON i.id = s.item_id
                LEFT JOIN items r ON r.id = i.duplicate_of
                WHERE v.name = ? ORDER BY s.submitted_at, i.id
                """, [volunteer]) { row in
                VolunteerSubmission(
                    itemID: row.int(0) ?? 0, url: row.string(1), note: row.string(2), title: row.string(3),
                    submittedAt: Timestamp.date(row.string(4)) ?? Date(timeIntervalSince1970: 0),
                    state: ItemState(rawValue: row.string(5) ?? "") ?? .submitted, duplicateOf: row.int(6),
                    rootState: row.string(7).flatMap(ItemState.init(rawValue:)), decisionReason: row.string(8),
                    decisionText: row.string(9),
                    problem: row.string(10).map { code in
                        Problem(ProblemCode(rawValue: code) ?? .other, stage: Stage(rawValue: row.string(11) ?? "") ?? .fetch,
                                message: row.string(12) ?? "")
                    })
            }
        }
    }
}
