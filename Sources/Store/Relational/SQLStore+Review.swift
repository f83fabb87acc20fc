import Foundation
import SluiceCore

extension SQLStore {
    static var recordColumns: String {
        """
        i.id, i.state, i.version, i.url, i.final_url, i.canonical_url, i.title, i.description, i.site, i.excerpt,
        i.category, i.category_source, i.classification_json, i.p_approve, i.priority, i.problem_code,
        i.problem_stage, i.problem_message, i.duplicate_of, i.duplicate_kind, v.name, s.note, s.submitted_at,
        i.updated_at, CASE WHEN i.claim_until > {now} THEN i.claim_moderator END,
        CASE WHEN i.claim_until > {now} THEN i.claim_until END, i.decision_reason
        """
    }
    static var recordJoin: String { "JOIN submissions s ON s.item_id = i.id JOIN volunteers v ON v.id = s.volunteer_id" }

    /// `SELECT … FOR UPDATE` on PostgreSQL, so a read-then-write holds the row; SQLite's write transaction
    /// already holds the whole database.
    func rowLock(_ database: any SQLExecutor) -> String {
        database.dialect == .postgres ? " FOR UPDATE" : ""
    }

    func record(from row: any SQLRow) -> ItemRecord {
        let classification = decodeJSON(Classification.self, row.string(12))
        let problem = row.string(15).map { code in
            Problem(ProblemCode(rawValue: code) ?? .other, stage: Stage(rawValue: row.string(16) ?? "") ?? .fetch,
                    message: row.string(17) ?? "")
        }
        return ItemRecord(
            id: row.int(0) ?? 0, state: row.state(1) ?? .submitted, version: Int(row.int(2) ?? 0), url: row.string(3),
            finalURL: row.string(4), canonicalURL: row.string(5), title: row.string(6), description: row.string(7),
            site: row.string(8), excerpt: row.string(9), category: row.string(10),
            categorySource: row.string(11).flatMap(CategorySource.init(rawValue:)),
            flags: classification?.flags ?? [], matchedTerms: classification?.matchedTerms ?? [],
            ruleVersion: classification?.ruleVersion, pApprove: row.double(13), priority: row.double(14) ?? 0,
            error: problem, duplicateOf: row.int(18), duplicateKind: row.string(19), volunteer: row.string(20) ?? "",
            note: row.string(21), submittedAt: row.requiredDate(22), updatedAt: row.requiredDate(23), reports: [],
            claimedBy: row.string(24), claimedUntil: row.double(25).map { Date(timeIntervalSince1970: $0) },
            decisionReason: row.string(26), categoryBasis: classification?.basis, modelVersion: classification?.modelVersion,
            uncertain: classification?.uncertain ?? false)
    }

    /// Records with the reports of their clusters, in one query for all of them.
    func records(_ database: any SQLExecutor, where condition: String, _ values: [any SQLBindable],
                 order: String, limit: Int?) throws -> [ItemRecord] {
        var sql = "SELECT \(Self.recordColumns) FROM items i \(Self.recordJoin) WHERE \(condition) ORDER BY \(order)"
        var bound = values
        if let limit {
            sql += " LIMIT ?"
            bound.append(limit)
        }
        var records = try database.query(sql, bound) { record(from: $0) }
        let reports = try reports(database, roots: records.map(\.id))
        for index in records.indices { records[index].reports = reports[records[index].id] ?? [] }
        return records
    }

    /// The reports of each cluster, first finder first (`ClusterOrder`): the root's own submission and those
    /// of its duplicates.
    func reports(_ database: any SQLExecutor, roots: [Int64]) throws -> [Int64: [Report]] {
        guard !roots.isEmpty else { return [:] }
        var byRoot: [Int64: [Report]] = [:]
        for chunk in stride(from: 0, to: roots.count, by: 500).map({ Array(roots[$0..<min($0 + 500, roots.count)]) }) {
            let list = database.placeholders(chunk.count)
            let rows = try database.query("""
                SELECT COALESCE(i.duplicate_of, i.id), v.name, s.url, s.note, s.submitted_at, i.id FROM items i \(Self.recordJoin)
                WHERE i.id IN \(list) OR i.duplicate_of IN \(list) ORDER BY s.submitted_at, i.id
                """, chunk + chunk) { row in
                (root: row.int(0) ?? 0, report: Report(volunteer: row.string(1) ?? "", url: row.string(2), note: row.string(3),
                                                       submittedAt: row.requiredDate(4), itemID: row.int(5) ?? 0))
            }
            for row in rows {
                // A duplicate listed as itself (an item id in the chunk) also gets its own report.
                byRoot[row.root, default: []].append(row.report)
                if row.root != row.report.itemID, chunk.contains(row.report.itemID) {
                    byRoot[row.report.itemID, default: []].append(row.report)
                }
            }
        }
        return byRoot
    }

    public func records(state: ItemState?, limit: Int?, after: Int64?) throws -> [ItemRecord] {
        try sql.read { database in
            var conditions: [String] = []
            var values: [any SQLBindable] = []
            if let state {
                conditions.append("i.state = ?")
                values.append(state.rawValue)
            }
            if let after {
                conditions.append("i.id > ?")
                values.append(after)
            }
            let order = state == .pendingReview && after == nil ? "i.priority DESC, i.id" : "i.id"
            return try records(database, where: conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND "),
                               values, order: order, limit: limit)
        }
    }

    public func record(id: Int64) throws -> ItemRecord? {
        try sql.read { try records($0, where: "i.id = ?", [id], order: "i.id", limit: 1).first }
    }

    public func page(itemID: Int64) throws -> Page? {
        try sql.read { database in
            try database.query("SELECT page_json FROM pages WHERE item_id = ?", [itemID]) { decodeJSON(Page.self, $0.string(0)) }
                .first ?? nil
        }
    }

    public func capture(itemID: Int64) throws -> Capture? {
        try sql.read { try latestCaptures($0, itemIDs: [itemID], withBody: true)[itemID] }
    }

    public func reviewQueue(moderator: String, limit: Int) throws -> [ItemRecord] {
        try sql.read { database in
            try records(database, where: """
                i.state = ? AND (i.claim_moderator IS NULL OR i.claim_moderator = ? OR i.claim_until IS NULL
                    OR i.claim_until <= {now})
                """, [ItemState.pendingReview.rawValue, moderator], order: "i.priority DESC, i.id", limit: limit)
        }
    }

    /// The state, version and live claim of an item, locked for the rest of the transaction on PostgreSQL.
    func current(_ database: any SQLExecutor, itemID: Int64) throws
        -> (state: ItemState, version: Int, claimant: String?, claimUntil: Double?, serverNow: Double) {
        guard let row = try database.query("""
            SELECT state, version, claim_moderator, claim_until, {now} FROM items WHERE id = ?
            """ + rowLock(database), [itemID], { row in
            (state: row.state(0) ?? .submitted, version: Int(row.int(1) ?? 0), claimant: row.string(2),
             claimUntil: row.double(3), serverNow: row.double(4) ?? 0)
        }).first else { throw StoreError.notFound(itemID: itemID) }
        return row
    }

    public func claimForReview(itemID: Int64, moderator: String, seconds: Double) throws {
        try sql.write { database in
            let item = try current(database, itemID: itemID)
            guard item.state == .pendingReview else {
                throw StoreError.invalidTransition(itemID: itemID, from: item.state, to: .pendingReview)
            }
            if ReviewClaim.blocks(holder: item.claimant, until: item.claimUntil, moderator: moderator, serverNow: item.serverNow),
               let holder = item.claimant, let until = item.claimUntil {
                throw StoreError.claimedByOther(itemID: itemID, moderator: holder, until: Date(timeIntervalSince1970: until))
            }
            try database.run("UPDATE items SET claim_moderator = ?, claim_until = {now} + ? WHERE id = ?",
                             [moderator, seconds, itemID])
        }
    }

    public func releaseClaim(itemID: Int64, moderator: String) throws {
        try sql.write { database in
            try database.run("""
                UPDATE items SET claim_moderator = NULL, claim_until = NULL WHERE id = ? AND claim_moderator = ?
                """, [itemID, moderator])
        }
    }

    public func evidenceSource(itemID: Int64) throws -> EvidenceSource {
        try sql.read { database in
            guard let row = try database.query("""
                SELECT i.version, i.state, i.title, p.page_json, s.note, i.description, s.submitted_at FROM items i
                JOIN submissions s ON s.item_id = i.id LEFT JOIN pages p ON p.item_id = i.id WHERE i.id = ?
                """, [itemID], { row in
                (version: Int(row.int(0) ?? 0), state: row.state(1) ?? .submitted, title: row.string(2),
                 page: decodeJSON(Page.self, row.string(3)), note: row.string(4), description: row.string(5),
                 submittedAt: row.requiredDate(6))
            }).first else { throw StoreError.notFound(itemID: itemID) }
            let capturedAt = try latestCaptures(database, itemIDs: [itemID], withBody: false)[itemID]?.fetchedAt ?? row.submittedAt
            return EvidenceSource(itemID: itemID, version: row.version, state: row.state, title: row.title,
                                  mainText: row.page?.mainText, note: row.note, description: row.description,
                                  capturedAt: capturedAt)
        }
    }

    public func decide(itemID: Int64, _ decision: Decision, moderator: String, expected: ExpectedItem,
                       evidence: FrozenEvidence?, at now: Date) throws -> DecisionEntry {
        try sql.write { database in
            let item = try current(database, itemID: itemID)
            let moved = (expected.state.map { $0 != item.state } ?? false) || (expected.version.map { $0 != item.version } ?? false)
            if moved {
                if let last = try lastDecision(database, itemID: itemID), last.moderator != moderator,
                   [.approved, .rejected, .published].contains(item.state) {
                    throw StoreError.decidedByOther(itemID: itemID, moderator: last.moderator, action: last.action,
                                                    state: item.state)
                }
                throw StoreError.staleVersion(itemID: itemID, expected: expected.version ?? item.version, actual: item.version)
            }
            if ReviewClaim.blocks(holder: item.claimant, until: item.claimUntil, moderator: moderator, serverNow: item.serverNow),
               let holder = item.claimant, let until = item.claimUntil {
                throw StoreError.claimedByOther(itemID: itemID, moderator: holder, until: Date(timeIntervalSince1970: until))
            }
            let target = decision.target
            guard item.state.isReviewable, item.state.canMove(to: target) else {
                throw StoreError.invalidTransition(itemID: itemID, from: item.state, to: target)
            }
            let stamp = Timestamp.string(now)
            let before = try database.query("SELECT title, category, decision_reason FROM items WHERE id = ?", [itemID]) {
                ["title": $0.string(0), "category": $0.string(1), "decision_reason": $0.string(2)]
            }.first ?? [:]
            var reason: String?
            var detail: String?
            switch decision {
            case .approve(let category, let title):
                try database.run("""
                    UPDATE items SET category = COALESCE(?, category),
                        category_source = CASE WHEN ? IS NULL THEN category_source ELSE 'moderator' END,
                        title = COALESCE(?, title), decision_reason = NULL WHERE id = ?
                    """, [category, category, title, itemID])
                if let evidence { try saveEvidence(database, evidence, itemID: itemID, at: stamp) }
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
            try recordTransition(database, itemID: itemID, from: item.state, to: target, stage: .review, actor: moderator,
                                 detail: reason, at: stamp)
            let entryDetail = detail?.isEmpty == true ? nil : detail
            let id = try database.insert("""
                INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, before_json, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [itemID, moderator, decision.action, reason, entryDetail, item.state.rawValue, target.rawValue,
                      try encodeJSON(before), stamp])
            return DecisionEntry(id: id, itemID: itemID, moderator: moderator, action: decision.action, reason: reason,
                                 detail: detail, fromState: item.state.rawValue, toState: target.rawValue, at: now)
        }
    }

    /// Refuses a write while another moderator's claim on the item is live.
    private func checkClaim(_ database: any SQLExecutor, itemID: Int64, moderator: String) throws
        -> (state: ItemState, version: Int) {
        let item = try current(database, itemID: itemID)
        if ReviewClaim.blocks(holder: item.claimant, until: item.claimUntil, moderator: moderator, serverNow: item.serverNow),
           let holder = item.claimant, let until = item.claimUntil {
            throw StoreError.claimedByOther(itemID: itemID, moderator: holder, until: Date(timeIntervalSince1970: until))
        }
        return (item.state, item.version)
    }

    private static func column(of field: EditableField) -> String {
        switch field {
        case .category: "category"
        case .title: "title"
        case .summary: "description"
        }
    }

    public func edit(itemID: Int64, field: EditableField, value: String, moderator: String, expectedVersion: Int,
                     at now: Date) throws -> EditReceipt {
        try sql.write { database in
            let item = try checkClaim(database, itemID: itemID, moderator: moderator)
            guard item.version == expectedVersion else {
                throw StoreError.staleVersion(itemID: itemID, expected: expectedVersion, actual: item.version)
            }
            guard item.state.isReviewable else {
                throw StoreError.invalidTransition(itemID: itemID, from: item.state, to: item.state)
            }
            let column = Self.column(of: field)
            let cleaned = field == .summary ? TextCleaning.paragraphs(value, limit: 2000) : TextCleaning.line(value, limit: 512)
            let before = try database.query("SELECT \(column), category_source FROM items WHERE id = ?", [itemID]) {
                (value: $0.string(0), source: $0.string(1))
            }.first
            let stamp = Timestamp.string(now)
            try database.run("UPDATE items SET \(column) = ?, version = version + 1, updated_at = ? WHERE id = ?",
                             [cleaned, stamp, itemID])
            if field == .category {
                try database.run("UPDATE items SET category_source = 'moderator' WHERE id = ?", [itemID])
            }
            let beforeJSON = try encodeJSON(["field": field.rawValue, "value": before?.value, "category_source": before?.source])
            let id = try database.insert("""
                INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, before_json, at)
                VALUES (?, ?, 'edit', ?, ?, ?, ?, ?, ?)
                """, [itemID, moderator, field.rawValue, cleaned, item.state.rawValue, item.state.rawValue, beforeJSON, stamp])
            let entry = DecisionEntry(id: id, itemID: itemID, moderator: moderator, action: "edit", reason: field.rawValue,
                                      detail: cleaned, fromState: item.state.rawValue, toState: item.state.rawValue, at: now)
            return EditReceipt(entry: entry, version: item.version + 1)
        }
    }

    public func undo(decisionID: Int64, moderator: String, expectedVersion: Int?, at now: Date) throws -> Int {
        try sql.write { database in
            guard let decision = try database.query("""
                SELECT item_id, moderator, action, from_state, to_state, before_json FROM decisions
                WHERE id = ? AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = decisions.id)
                """, [decisionID], { row in
                (item: row.int(0) ?? 0, moderator: row.string(1) ?? "", action: row.string(2) ?? "",
                 from: row.state(3) ?? .pendingReview, to: row.state(4) ?? .pendingReview, before: row.string(5))
            }).first, decision.moderator == moderator else { throw StoreError.nothingToUndo }
            let item = try current(database, itemID: decision.item)
            if let expectedVersion, expectedVersion != item.version {
                throw StoreError.staleVersion(itemID: decision.item, expected: expectedVersion, actual: item.version)
            }
            guard item.state == decision.to, item.state != .published else {
                throw StoreError.invalidTransition(itemID: decision.item, from: item.state, to: decision.from)
            }
            let before = decision.before.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
            let stamp = Timestamp.string(now)
            if decision.action == "edit", let field = (before["field"] as? String).flatMap(EditableField.init(rawValue:)) {
                try database.run("UPDATE items SET \(Self.column(of: field)) = ? WHERE id = ?",
                                 [before["value"] as? String, decision.item])
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
            return item.version + 1
        }
    }

    public func unlink(itemID: Int64, moderator: String, at now: Date) throws -> UnlinkOutcome {
        guard !moderator.isEmpty else { throw StoreError.emptyVolunteer }
        return try sql.write { database in
            guard let row = try database.query("""
                SELECT state, duplicate_of, title, category, decision_reason, duplicate_kind, duplicate_evidence
                FROM items WHERE id = ?
                """ + rowLock(database), [itemID], { row in
                (state: row.state(0) ?? .submitted, root: row.int(1), title: row.string(2), category: row.string(3),
                 reason: row.string(4), kind: row.string(5), evidence: row.string(6))
            }).first else { throw StoreError.notFound(itemID: itemID) }
            guard let root = row.root else { throw StoreError.notDuplicate(itemID: itemID, state: row.state) }
            let target: ItemState = row.state == .duplicate ? .deduplicated : row.state
            let stamp = Timestamp.string(now)
            try database.run("""
                UPDATE items SET state = ?, version = version + 1, updated_at = ?, duplicate_of = NULL,
                duplicate_kind = NULL, duplicate_evidence = NULL, decision_reason = ?, lease_owner = NULL, lease_until = NULL
                WHERE id = ?
                """, [target.rawValue, stamp, row.state == .duplicate ? nil : row.reason, itemID])
            try database.run("""
                INSERT INTO dedup_exclusions (item_id, root_id, moderator, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [itemID, root, moderator, stamp])
            if target != row.state {
                try recordTransition(database, itemID: itemID, from: row.state, to: target, stage: .review, actor: moderator,
                                     detail: "unlinked from #\(root)", at: stamp)
            }
            // What the item was before, for the audit log and an undo: the cluster link included.
            let before = try encodeJSON(["title": row.title, "category": row.category, "decision_reason": row.reason,
                                         "duplicate_of": String(root), "duplicate_kind": row.kind,
                                         "duplicate_evidence": row.evidence])
            let id = try database.insert("""
                INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, before_json, at)
                VALUES (?, ?, 'unlink', NULL, ?, ?, ?, ?, ?)
                """, [itemID, moderator, "left the cluster of #\(root)", row.state.rawValue, target.rawValue, before, stamp])
            try notifyWork(database)
            return UnlinkOutcome(itemID: itemID, root: root, state: target, decisionID: id)
        }
    }

    private static var decisionColumns: String { "id, item_id, moderator, action, reason, detail, from_state, to_state, at" }

    private func decisionEntry(_ row: any SQLRow) -> DecisionEntry {
        DecisionEntry(id: row.int(0) ?? 0, itemID: row.int(1) ?? 0, moderator: row.string(2) ?? "",
                      action: row.string(3) ?? "", reason: row.string(4), detail: row.string(5),
                      fromState: row.string(6) ?? "", toState: row.string(7) ?? "", at: row.requiredDate(8))
    }

    public func decisions(moderator: String?, since: Date?) throws -> [DecisionEntry] {
        try sql.read { database in
            var conditions: [String] = []
            var values: [any SQLBindable] = []
            if let moderator {
                conditions.append("moderator = ?")
                values.append(moderator)
            }
            if let since {
                conditions.append("at >= ?")
                values.append(Timestamp.string(since))
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try database.query("SELECT \(Self.decisionColumns) FROM decisions\(filter) ORDER BY id", values) {
                decisionEntry($0)
            }
        }
    }

    public func lastDecision(itemID: Int64) throws -> DecisionEntry? {
        try sql.read { try lastDecision($0, itemID: itemID) }
    }

    func lastDecision(_ database: any SQLExecutor, itemID: Int64) throws -> DecisionEntry? {
        try database.query("""
            SELECT \(Self.decisionColumns) FROM decisions WHERE item_id = ? AND action IN ('approve', 'reject')
            ORDER BY id DESC LIMIT 1
            """, [itemID]) { decisionEntry($0) }.first
    }

    public func decisionTallies(site: String?, volunteer: String, excluding itemID: Int64) throws
        -> (site: DecisionTally, volunteer: DecisionTally) {
        try sql.read { database in
            func tally(_ condition: String, _ value: String) throws -> DecisionTally {
                var tally = DecisionTally()
                for row in try database.query("""
                    SELECT i.state, COALESCE(i.decision_reason, ''), COUNT(*) FROM items i \(Self.recordJoin)
                    WHERE \(condition) AND i.id != ? AND i.state IN ('approved', 'published', 'rejected') GROUP BY 1, 2
                    """, [value, itemID], { (state: $0.state(0), reason: $0.string(1) ?? "", count: Int($0.int(2) ?? 0)) }) {
                    if row.state == .rejected {
                        tally.rejectedByReason[row.reason.isEmpty ? "other" : row.reason, default: 0] += row.count
                    } else {
                        tally.approved += row.count
                    }
                }
                return tally
            }
            return (site: try site.map { try tally("i.site = ?", $0) } ?? DecisionTally(),
                    volunteer: try tally("v.name = ?", volunteer))
        }
    }
}
