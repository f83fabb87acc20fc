import Foundation
import SluiceCore

/// A moderator's decision on one item.
public enum Decision: Sendable, Equatable {
    case approve(category: String?, title: String?)
    case reject(reason: String, text: String?)

    var target: ItemState {
        switch self {
        case .approve: .approved
        case .reject: .rejected
        }
    }

    var action: String {
        switch self {
        case .approve: "approve"
        case .reject: "reject"
        }
    }
}

/// A decision as stored in the audit log.
public struct DecisionEntry: Sendable, Equatable, Encodable {
    public var id: Int64
    public var itemID: Int64
    public var moderator: String
    public var action: String
    public var reason: String?
    public var detail: String?
    public var fromState: String
    public var toState: String
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case id, moderator, action, reason, detail, at
        case itemID = "item_id"
        case fromState = "from_state"
        case toState = "to_state"
    }
}

extension Store {
    static let recordColumns = """
        i.id, i.state, i.version, i.url, i.final_url, i.canonical_url, i.title, i.description, i.site, i.excerpt,
        i.category, i.category_source, i.classification_json, i.p_approve, i.priority, i.problem_code,
        i.problem_stage, i.problem_message, i.duplicate_of, i.duplicate_kind, v.name, s.note, s.submitted_at,
        i.updated_at, i.claim_moderator, i.claim_until, i.decision_reason
        """
    static let recordJoin = "JOIN submissions s ON s.item_id = i.id JOIN volunteers v ON v.id = s.volunteer_id"

    func record(from row: Row) -> ItemRecord {
        let classification = row.string(12).flatMap { try? JSONDecoder().decode(Classification.self, from: Data($0.utf8)) }
        let problem = row.string(15).map { code in
            Problem(ProblemCode(rawValue: code) ?? .other, stage: Stage(rawValue: row.string(16) ?? "") ?? .fetch,
                    message: row.string(17) ?? "")
        }
        let claimUntil = row.double(25).map { Date(timeIntervalSince1970: $0) }
        let claimLive = (claimUntil ?? .distantPast) > Date()
        return ItemRecord(
            id: row.int(0) ?? 0, state: ItemState(rawValue: row.string(1) ?? "") ?? .submitted,
            version: Int(row.int(2) ?? 0), url: row.string(3), finalURL: row.string(4), canonicalURL: row.string(5),
            title: row.string(6), description: row.string(7), site: row.string(8), excerpt: row.string(9),
            category: row.string(10), categorySource: row.string(11).flatMap(CategorySource.init(rawValue:)),
            flags: classification?.flags ?? [], matchedTerms: classification?.matchedTerms ?? [],
            ruleVersion: classification?.ruleVersion, pApprove: row.double(13), priority: row.double(14) ?? 0,
            error: problem, duplicateOf: row.int(18), duplicateKind: row.string(19), volunteer: row.string(20) ?? "",
            note: row.string(21), submittedAt: Timestamp.date(row.string(22)) ?? Date(timeIntervalSince1970: 0),
            updatedAt: Timestamp.date(row.string(23)) ?? Date(timeIntervalSince1970: 0), reports: [],
            claimedBy: claimLive ? row.string(24) : nil, claimedUntil: claimLive ? claimUntil : nil,
            decisionReason: row.string(26), categoryBasis: classification?.basis, modelVersion: classification?.modelVersion,
            uncertain: classification?.uncertain ?? false)
    }

    /// The reports of an item's cluster: its own submission first, then those of its duplicates.
    func reports(_ database: Database, itemID: Int64) throws -> [Report] {
        try database.query("""
            SELECT v.name, s.url, s.note, s.submitted_at, i.id FROM items i \(Store.recordJoin)
            WHERE i.id = ? OR i.duplicate_of = ? ORDER BY (i.id != ?), s.submitted_at, i.id
            """, [itemID, itemID, itemID]) { row in
            Report(volunteer: row.string(0) ?? "", url: row.string(1), note: row.string(2),
                   submittedAt: Timestamp.date(row.string(3)) ?? Date(timeIntervalSince1970: 0), itemID: row.int(4) ?? 0)
        }
    }

    /// Items in `state` (every state when nil), the review queue's order for `pending_review`.
    public func records(state: ItemState?, limit: Int? = nil) throws -> [ItemRecord] {
        try read { database in
            var sql = "SELECT \(Store.recordColumns) FROM items i \(Store.recordJoin)"
            var values: [any SQLBindable] = []
            if let state {
                sql += " WHERE i.state = ?"
                values.append(state.rawValue)
            }
            sql += state == .pendingReview ? " ORDER BY i.priority DESC, i.id" : " ORDER BY i.id"
            if let limit {
                sql += " LIMIT ?"
                values.append(limit)
            }
            var records = try database.query(sql, values) { record(from: $0) }
            for index in records.indices {
                records[index].reports = try reports(database, itemID: records[index].id)
            }
            return records
        }
    }

    public func record(id: Int64) throws -> ItemRecord? {
        try read { database in
            guard var record = try database.query("""
                SELECT \(Store.recordColumns) FROM items i \(Store.recordJoin) WHERE i.id = ?
                """, [id], { record(from: $0) }).first else { return nil }
            record.reports = try reports(database, itemID: id)
            return record
        }
    }

    /// The stored page of an item, if it was parsed.
    public func page(itemID: Int64) throws -> Page? {
        try read { database in
            try database.query("SELECT page_json FROM items WHERE id = ?", [itemID]) { row in
                row.string(0).flatMap { try? JSONDecoder().decode(Page.self, from: Data($0.utf8)) }
            }.first ?? nil
        }
    }

    /// The latest capture of an item, body included.
    public func capture(itemID: Int64) throws -> Capture? {
        try read { database in try latestCapture(database, itemID: itemID) }
    }

    /// Records a moderator's decision in one transaction, with its audit entry; an approval freezes the
    /// item's evidence in the same transaction (`freezeEvidence`). Refused when the item is
    /// not reviewable, when another moderator holds a live claim, or when `expectedVersion` is stale.
    @discardableResult
    public func decide(itemID: Int64, _ decision: Decision, moderator: String, expectedVersion: Int? = nil,
                       at now: Date = Date()) throws -> DecisionEntry {
        try write { database in
            guard let current = try database.query("""
                SELECT state, version, claim_moderator, claim_until, title, category, decision_reason FROM items WHERE id = ?
                """, [itemID], { row in
                (state: ItemState(rawValue: row.string(0) ?? "") ?? .submitted, version: Int(row.int(1) ?? 0),
                 claimant: row.string(2), claimUntil: row.double(3), title: row.string(4), category: row.string(5),
                 reason: row.string(6))
            }).first else { throw StoreError.notFound(itemID: itemID) }
            if let expectedVersion, expectedVersion != current.version {
                throw StoreError.staleVersion(itemID: itemID, expected: expectedVersion, actual: current.version)
            }
            if let claimant = current.claimant, claimant != moderator, let until = current.claimUntil,
               until > now.timeIntervalSince1970 {
                throw StoreError.claimedByOther(itemID: itemID, moderator: claimant, until: Date(timeIntervalSince1970: until))
            }
            let target = decision.target
            guard current.state.isReviewable, current.state.canMove(to: target) else {
                throw StoreError.invalidTransition(itemID: itemID, from: current.state, to: target)
            }
            let stamp = Timestamp.string(now)
            let before = try encodeJSON(["title": current.title, "category": current.category,
                                         "decision_reason": current.reason])
            var reason: String?
            var detail: String?
            switch decision {
            case .approve(let category, let title):
                try database.run("""
                    UPDATE items SET category = COALESCE(?, category),
                        category_source = CASE WHEN ? IS NULL THEN category_source ELSE 'moderator' END,
                        title = COALESCE(?, title), decision_reason = NULL WHERE id = ?
                    """, [category, category, title, itemID])
                try freezeEvidence(database, itemID: itemID, at: now)
                detail = [category.map { "category=\($0)" }, title.map { "title=\($0)" }].compactMap { $0 }
                    .joined(separator: "; ")
            case .reject(let why, let text):
                reason = why
                detail = text
                try database.run("UPDATE items SET decision_reason = ? WHERE id = ?", [why, itemID])
            }
            try database.run("""
                UPDATE items SET state = ?, version = version + 1, updated_at = ?, claim_moderator = NULL,
                    claim_until = NULL WHERE id = ?
                """, [target.rawValue, stamp, itemID])
            try database.run("""
                INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [itemID, current.state.rawValue, target.rawValue, Stage.review.rawValue, moderator, reason, stamp])
            // Last, so `lastInsertID` below is the audit entry's id (what undo names).
            try database.run("""
                INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, before_json, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [itemID, moderator, decision.action, reason, detail?.isEmpty == true ? nil : detail,
                      current.state.rawValue, target.rawValue, before, stamp])
            return DecisionEntry(id: database.lastInsertID, itemID: itemID, moderator: moderator, action: decision.action,
                                 reason: reason, detail: detail, fromState: current.state.rawValue,
                                 toState: target.rawValue, at: now)
        }
    }

    /// The audit log, oldest first.
    public func decisions(moderator: String? = nil, since: Date? = nil) throws -> [DecisionEntry] {
        try read { database in
            try database.query("""
                SELECT id, item_id, moderator, action, reason, detail, from_state, to_state, at FROM decisions
                WHERE (? IS NULL OR moderator = ?) AND (? IS NULL OR at >= ?) ORDER BY id
                """, [moderator, moderator, since.map(Timestamp.string), since.map(Timestamp.string)]) { row in
                DecisionEntry(id: row.int(0) ?? 0, itemID: row.int(1) ?? 0, moderator: row.string(2) ?? "",
                              action: row.string(3) ?? "", reason: row.string(4), detail: row.string(5),
                              fromState: row.string(6) ?? "", toState: row.string(7) ?? "",
                              at: Timestamp.date(row.string(8)) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }
}
