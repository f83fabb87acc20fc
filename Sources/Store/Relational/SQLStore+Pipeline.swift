import Foundation
import SluiceCore

extension SQLStore {
    public func claim(state: ItemState, limit: Int, owner: String, leaseSeconds: Double) throws -> [WorkItem] {
        // In the index's own order (state, priority, id): ordering by id alone sorted every waiting item on each
        // claim. Items in pipeline states all have priority 0 but those sent back from review.
        let claimable = """
            SELECT id FROM items WHERE state = ? AND (lease_until IS NULL OR lease_until < {now})
            ORDER BY priority DESC, id LIMIT ?
            """
        // A read first: an idle run asks often, and finding nothing must not take the write lock.
        guard try sql.read({ try !$0.query(claimable, [state.rawValue, limit]) { $0.int(0) }.isEmpty }) else { return [] }
        let ids: [Int64] = try sql.pipeline { database in
            let lock = database.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let ids = try database.query(claimable + lock, [state.rawValue, limit]) { $0.int(0) ?? 0 }
            guard !ids.isEmpty else { return [] }
            try database.run("""
                UPDATE items SET lease_owner = ?, lease_until = {now} + ? WHERE id IN \(database.placeholders(ids.count))
                """, [owner, leaseSeconds] + ids)
            return ids
        }
        return try sql.read { try workItems($0, ids: ids) }
    }

    /// The items as the stages take them: submission, page and (past `submitted`) the latest capture.
    func workItems(_ database: any SQLExecutor, ids: [Int64]) throws -> [WorkItem] {
        guard !ids.isEmpty else { return [] }
        var items = try database.query("""
            SELECT i.id, i.state, s.url, s.note, v.name, p.page_json, s.submitted_at FROM items i
            JOIN submissions s ON s.item_id = i.id JOIN volunteers v ON v.id = s.volunteer_id
            LEFT JOIN pages p ON p.item_id = i.id
            WHERE i.id IN \(database.placeholders(ids.count)) ORDER BY i.id
            """, ids) { row in
            WorkItem(id: row.int(0) ?? 0, state: row.state(1) ?? .submitted, url: row.string(2), note: row.string(3),
                     volunteer: row.string(4) ?? "", page: decodeJSON(Page.self, row.string(5)),
                     submittedAt: row.requiredDate(6))
        }
        let fetched = items.filter { $0.state != .submitted }.map(\.id)
        if !fetched.isEmpty {
            let captures = try latestCaptures(database, itemIDs: fetched, withBody: true)
            for index in items.indices { items[index].capture = captures[items[index].id] }
        }
        return items
    }

    /// The newest capture of each item, by item id.
    func latestCaptures(_ database: any SQLExecutor, itemIDs: [Int64], withBody: Bool) throws -> [Int64: Capture] {
        guard !itemIDs.isEmpty else { return [:] }
        let rows = try database.query("""
            SELECT item_id, metadata_json, \(withBody ? "body" : "NULL"), body_encoding, body_size FROM captures WHERE id IN
            (SELECT MAX(id) FROM captures WHERE item_id IN \(database.placeholders(itemIDs.count)) GROUP BY item_id)
            """, itemIDs) { row -> (Int64, Capture)? in
            let itemID = row.int(0) ?? 0
            guard var capture = decodeJSON(Capture.self, row.string(1)) else { return nil }
            if withBody { capture.body = try storedBody(row, data: 2, encoding: 3, size: 4, itemID: itemID) }
            return (itemID, capture)
        }
        return Dictionary(rows.compactMap { $0 }, uniquingKeysWith: { first, _ in first })
    }

    @discardableResult
    public func commit(_ outcomes: [StageOutcome], owner: String, leaseSeconds: Double, at now: Date) throws -> [StageOutcome] {
        guard !outcomes.isEmpty else { return [] }
        // Bodies not compressed yet are compressed before the write lock is taken: other writers need not wait.
        let compressed = try outcomes.map { outcome in
            try outcome.storedBody ?? outcome.capture.map { capture throws(CompressionError) in
                try StoredBody(compressing: capture.body)
            }
        }
        return try sql.pipeline { database in
            var skipped: [StageOutcome] = []
            for (outcome, body) in zip(outcomes, compressed) where try !apply(outcome, database: database, owner: owner,
                                                                              now: now, leaseSeconds: leaseSeconds,
                                                                              compressedBody: body) {
                skipped.append(outcome)
            }
            if outcomes.contains(where: { ItemState.pipelineStates.contains($0.to) }) { try notifyWork(database) }
            return skipped
        }
    }

    /// One transition inside the caller's transaction. False when the item is no longer where the stage
    /// found it (another worker or a moderator moved it), in which case nothing is written.
    func apply(_ outcome: StageOutcome, database: any SQLExecutor, owner: String, now: Date, leaseSeconds: Double,
               compressedBody: StoredBody? = nil) throws -> Bool {
        guard outcome.from.canMove(to: outcome.to) else {
            throw StoreError.invalidTransition(itemID: outcome.itemID, from: outcome.from, to: outcome.to)
        }
        let stamp = Timestamp.string(now)
        let keepsLease = ItemState.pipelineStates.contains(outcome.to)
        let changed = try database.run("""
            UPDATE items SET state = ?, version = version + 1, updated_at = ?, lease_owner = ?,
                lease_until = CASE WHEN ? = 1 THEN {now} + ? ELSE NULL END
            WHERE id = ? AND state = ?
            """, [outcome.to.rawValue, stamp, keepsLease ? owner : nil, keepsLease, leaseSeconds, outcome.itemID,
                  outcome.from.rawValue])
        guard changed == 1 else { return false }
        if let capture = outcome.capture {
            try storeCapture(database, itemID: outcome.itemID, capture, compressed: compressedBody)
            try database.run("UPDATE items SET final_url = ? WHERE id = ?", [capture.finalURL, outcome.itemID])
        }
        if let page = outcome.page {
            try database.run("""
                INSERT INTO pages (item_id, page_json) VALUES (?, ?)
                ON CONFLICT (item_id) DO UPDATE SET page_json = excluded.page_json
                """, [outcome.itemID, try encodeJSON(page)])
            try database.run("UPDATE items SET title = ?, description = ?, site = ?, excerpt = ? WHERE id = ?",
                             [page.title, page.description, page.siteName, page.excerpt, outcome.itemID])
        }
        if let canonical = outcome.canonicalURL {
            try database.run("UPDATE items SET canonical_url = ? WHERE id = ?", [canonical, outcome.itemID])
        }
        if let classification = outcome.classification {
            try database.run("""
                UPDATE items SET category = ?, category_source = ?, classification_json = ?, p_approve = ?, priority = ?
                WHERE id = ?
                """, [classification.category, classification.categorySource.rawValue, try encodeJSON(classification),
                      classification.pApprove, classification.priority, outcome.itemID])
        }
        if let problem = outcome.problem {
            try database.run("""
                UPDATE items SET problem_code = ?, problem_stage = ?, problem_message = ? WHERE id = ?
                """, [problem.code.rawValue, problem.stage.rawValue, problem.message, outcome.itemID])
        } else if outcome.to == .submitted {
            try database.run("""
                UPDATE items SET problem_code = NULL, problem_stage = NULL, problem_message = NULL WHERE id = ?
                """, [outcome.itemID])
        }
        try recordTransition(database, itemID: outcome.itemID, from: outcome.from, to: outcome.to, stage: outcome.stage,
                             actor: owner, detail: outcome.problem.map { "\($0.code.rawValue): \($0.message)" }, at: stamp)
        return true
    }

    /// Keeps a capture's body once, compressed (`compressed` when it was compressed before the write lock was
    /// taken, the capture's own body then being empty), and its metadata without the body or the decoded text
    /// (which the parse stage derives from the body again when it needs it).
    func storeCapture(_ database: any SQLExecutor, itemID: Int64, _ capture: Capture, compressed: StoredBody? = nil) throws {
        var metadata = capture
        metadata.body = Data()
        metadata.text = nil
        let stored = try compressed ?? StoredBody(compressing: capture.body)
        try database.run("""
            INSERT INTO captures (item_id, metadata_json, body, body_encoding, body_size, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [itemID, try encodeJSON(metadata), stored.bytes, stored.encoding, stored.size,
                  Timestamp.string(capture.fetchedAt)])
    }

    /// A body as stored: compressed with its encoding and decoded size, or raw (rows of earlier releases).
    func storedBody(_ row: any SQLRow, data: Int32, encoding: Int32, size: Int32, itemID: Int64) throws -> Data {
        do {
            return try StoredBody(bytes: row.data(data) ?? Data(), encoding: row.string(encoding),
                                  size: row.int(size).map { Int($0) }).decoded()
        } catch {
            throw StoreError.damagedCapture(itemID: itemID, detail: error.reason)
        }
    }

    public func leaseOwners() throws -> [String] {
        try sql.read { database in
            try database.query("SELECT DISTINCT lease_owner FROM items WHERE lease_owner IS NOT NULL ORDER BY 1") {
                $0.string(0) ?? ""
            }
        }
    }

    public func releaseLeases(owner: String) throws {
        try sql.pipeline { database in
            try database.run("UPDATE items SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", [owner])
            try notifyWork(database)
        }
    }

    public func pendingCounts() throws -> [ItemState: Int] {
        try sql.read { database in
            var counts: [ItemState: Int] = [:]
            for (state, count) in try database.query("SELECT state, COUNT(*) FROM items GROUP BY state", {
                ($0.state(0), Int($0.int(1) ?? 0))
            }) {
                if let state { counts[state] = count }
            }
            return counts
        }
    }

    public func reporterSignals(itemID: Int64) throws -> ReporterSignals {
        try sql.read { database in
            let volunteerID = try database.scalar("SELECT volunteer_id FROM submissions WHERE item_id = ?", [itemID]) ?? 0
            // From the decided items to their volunteers (CROSS JOIN keeps SQLite's loop in that order): walking
            // the volunteer's submissions instead read every item a coordinator ever imported, on each classify.
            let decided = try database.query("""
                SELECT SUM(CASE WHEN i.state IN ('approved', 'published') THEN 1 ELSE 0 END), COUNT(*)
                FROM items i CROSS JOIN submissions s
                WHERE i.state IN ('approved', 'published', 'rejected') AND s.item_id = i.id AND s.volunteer_id = ?
                    AND i.id != ?
                """, [volunteerID, itemID]) { (Int($0.int(0) ?? 0), Int($0.int(1) ?? 0)) }.first ?? (0, 0)
            let reporters = try database.scalar("""
                SELECT COUNT(DISTINCT s.volunteer_id) FROM items i JOIN submissions s ON s.item_id = i.id
                WHERE i.id = ? OR i.duplicate_of = ?
                """, [itemID, itemID]) ?? 1
            return ReporterSignals(volunteerApproved: decided.0, volunteerDecided: decided.1, reporters: Int(reporters))
        }
    }

    public func sharesContentWithRejected(itemID: Int64) throws -> Bool {
        try sql.read { database in
            // Skipped when no item is rejected at all, the usual case while a backlog is worked through.
            guard try database.scalar("SELECT CASE WHEN EXISTS (SELECT 1 FROM items WHERE state = 'rejected') THEN 1 ELSE 0 END")
                == 1 else { return false }
            // A band is in the main index or, until merged, in the recent one (`SQLStore.mergeRecentBands`).
            let mine = """
                (SELECT band FROM fingerprint_bands WHERE item_id = ?
                 UNION SELECT band FROM fingerprint_bands_recent WHERE item_id = ?) mine
                """
            let sharedWithRejected = { (table: String) in """
                EXISTS (SELECT 1 FROM \(mine) JOIN \(table) other ON other.band = mine.band AND other.item_id != ?
                    JOIN items i ON i.id = other.item_id JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id)
                    WHERE r.state = 'rejected' AND r.id != ?)
                """ }
            return try database.scalar("""
                SELECT CASE WHEN \(sharedWithRejected("fingerprint_bands"))
                    OR \(sharedWithRejected("fingerprint_bands_recent")) THEN 1 ELSE 0 END
                """, [itemID, itemID, itemID, itemID, itemID, itemID, itemID, itemID]) == 1
        }
    }
}
