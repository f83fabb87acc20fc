import Foundation
import SluiceCore

extension Store: PipelineStore {
    public func claim(state: ItemState, limit: Int, owner: String, leaseSeconds: Double) throws -> [WorkItem] {
        let now = Date().timeIntervalSince1970
        return try write { database in
            // In the index's own order (state, priority, id): ordering by id alone sorted every waiting item on
            // each claim. Items in pipeline states all have priority 0 but those sent back from review.
            let ids = try database.query("""
                SELECT id FROM items WHERE state = ? AND (lease_until IS NULL OR lease_until < ?)
                ORDER BY priority DESC, id LIMIT ?
                """, [state.rawValue, now, limit]) { $0.int(0) ?? 0 }
            var claimed: [WorkItem] = []
            for id in ids {
                try database.run("UPDATE items SET lease_owner = ?, lease_until = ? WHERE id = ?",
                                 [owner, now + leaseSeconds, id])
                if let item = try loadWorkItem(database, id: id) { claimed.append(item) }
            }
            return claimed
        }
    }

    private func loadWorkItem(_ database: Database, id: Int64) throws -> WorkItem? {
        let rows = try database.query("""
            SELECT i.state, s.url, s.note, v.name, i.page_json FROM items i
            JOIN submissions s ON s.item_id = i.id JOIN volunteers v ON v.id = s.volunteer_id
            WHERE i.id = ?
            """, [id]) { row in
            (state: ItemState(rawValue: row.string(0) ?? "") ?? .submitted, url: row.string(1), note: row.string(2),
             volunteer: row.string(3) ?? "", page: row.string(4))
        }
        guard let row = rows.first else { return nil }
        var item = WorkItem(id: id, state: row.state, url: row.url, note: row.note, volunteer: row.volunteer)
        if row.state != .submitted { item.capture = try latestCapture(database, itemID: id) }
        if let pageJSON = row.page { item.page = try? JSONDecoder().decode(Page.self, from: Data(pageJSON.utf8)) }
        return item
    }

    func latestCapture(_ database: Database, itemID: Int64) throws -> Capture? {
        try database.query("""
            SELECT metadata_json, body FROM captures WHERE item_id = ? ORDER BY id DESC LIMIT 1
            """, [itemID]) { row -> Capture? in
            guard let metadata = row.string(0),
                  var capture = try? JSONDecoder().decode(Capture.self, from: Data(metadata.utf8)) else { return nil }
            capture.body = row.data(1) ?? Data()
            return capture
        }.first ?? nil
    }

    @discardableResult
    public func commit(_ outcomes: [StageOutcome], owner: String, leaseSeconds: Double = 300) throws -> [StageOutcome] {
        guard !outcomes.isEmpty else { return [] }
        let now = Date()
        return try write { database in
            var skipped: [StageOutcome] = []
            for outcome in outcomes {
                if try !apply(outcome, database: database, owner: owner, now: now, leaseSeconds: leaseSeconds) {
                    skipped.append(outcome)
                }
            }
            return skipped
        }
    }

    /// One transition inside the caller's transaction. False when the item is no longer where the
    /// stage found it (another worker or a moderator moved it), in which case nothing is written.
    private func apply(_ outcome: StageOutcome, database: Database, owner: String, now: Date,
                       leaseSeconds: Double) throws -> Bool {
        guard outcome.from.canMove(to: outcome.to) else {
            throw StoreError.invalidTransition(itemID: outcome.itemID, from: outcome.from, to: outcome.to)
        }
        let stamp = Timestamp.string(now)
        let keepsLease = ItemState.pipelineStates.contains(outcome.to)
        let changed = try database.run("""
            UPDATE items SET state = ?, version = version + 1, updated_at = ?, lease_owner = ?, lease_until = ?
            WHERE id = ? AND state = ?
            """, [outcome.to.rawValue, stamp, keepsLease ? owner : nil,
                  keepsLease ? now.timeIntervalSince1970 + leaseSeconds : nil, outcome.itemID, outcome.from.rawValue])
        guard changed == 1 else { return false }
        if let capture = outcome.capture {
            var metadata = capture
            metadata.body = Data()
            try database.run("""
                INSERT INTO captures (item_id, metadata_json, body, fetched_at) VALUES (?, ?, ?, ?)
                """, [outcome.itemID, try encodeJSON(metadata), capture.body, Timestamp.string(capture.fetchedAt)])
            try database.run("UPDATE items SET final_url = ? WHERE id = ?", [capture.finalURL, outcome.itemID])
        }
        if let page = outcome.page {
            try database.run("""
                UPDATE items SET page_json = ?, title = ?, description = ?, site = ?, excerpt = ? WHERE id = ?
                """, [try encodeJSON(page), page.title, page.description, page.siteName, page.excerpt, outcome.itemID])
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
        try database.run("""
            INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [outcome.itemID, outcome.from.rawValue, outcome.to.rawValue, outcome.stage.rawValue, owner,
                  outcome.problem.map { "\($0.code.rawValue): \($0.message)" }, stamp])
        return true
    }

    public func deduplicate(_ item: WorkItem, keys: DedupKeys, canonicalURL: String?, owner: String,
                            decide: (DedupCandidates) -> DedupVerdict) throws -> DedupVerdict {
        let now = Date()
        return try write { database in
            let candidates = try lookup(database, keys: keys, excluding: item.id)
            var verdict = decide(candidates)
            if verdict.duplicateOf == item.id { verdict = .unique }
            try recordKeys(database, itemID: item.id, keys: keys)
            let target: ItemState = verdict.duplicateOf == nil ? .deduplicated : .duplicate
            let outcome = StageOutcome(itemID: item.id, from: item.state, to: target, stage: .dedup,
                                       canonicalURL: canonicalURL ?? keys.urlKeys.first)
            guard try apply(outcome, database: database, owner: owner, now: now, leaseSeconds: 300) else {
                throw StoreError.invalidTransition(itemID: item.id, from: item.state, to: target)
            }
            try database.run("""
                UPDATE items SET duplicate_of = ?, duplicate_kind = ?, duplicate_evidence = ? WHERE id = ?
                """, [verdict.duplicateOf, verdict.kind, verdict.evidence, item.id])
            if let root = verdict.duplicateOf {
                // A known scam sent again stays rejected for the same reason, without a moderator's time.
                try database.run("""
                    UPDATE items SET decision_reason = (SELECT r.decision_reason FROM items r WHERE r.id = ? AND r.state = 'rejected')
                    WHERE id = ?
                    """, [root, item.id])
            }
            return verdict
        }
    }

    /// Every stored item sharing a key, resolved to the root of its cluster; clusters a moderator took this
    /// item out of are left out.
    private func lookup(_ database: Database, keys: DedupKeys, excluding itemID: Int64) throws -> DedupCandidates {
        let excluded = try excludedRoots(database, itemID: itemID)
        func roots(_ sql: String, _ values: [any SQLBindable]) throws -> [DedupCandidate] {
            var seen = excluded
            return try database.query(sql, values) { row in
                DedupCandidate(itemID: row.int(0) ?? 0, state: ItemState(rawValue: row.string(1) ?? "") ?? .submitted,
                               key: row.string(2) ?? "", text: row.string(3))
            }.filter { $0.itemID != itemID && seen.insert($0.itemID).inserted }
        }
        let rootJoin = """
            JOIN items i ON i.id = k.item_id JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id)
            """
        var byURL: [DedupCandidate] = []
        for key in keys.urlKeys {
            byURL += try roots("""
                SELECT r.id, r.state, k.key, NULL FROM url_keys k \(rootJoin)
                WHERE k.key = ? AND k.item_id != ? ORDER BY r.id
                """, [key, itemID])
        }
        var byExact: [DedupCandidate] = []
        if let hash = keys.exactContentHash {
            byExact = try roots("""
                SELECT r.id, r.state, k.exact_hash, k.fingerprint FROM content_keys k \(rootJoin)
                WHERE k.exact_hash = ? AND k.item_id != ? ORDER BY r.id
                """, [hash, itemID])
        }
        var byBand: [DedupCandidate] = []
        if !keys.bandKeys.isEmpty {
            let placeholders = Array(repeating: "?", count: keys.bandKeys.count).joined(separator: ",")
            byBand = try database.query("""
                SELECT DISTINCT b.item_id, r.id, r.state, c.fingerprint FROM fingerprint_bands b
                JOIN content_keys c ON c.item_id = b.item_id JOIN items i ON i.id = b.item_id
                JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id)
                WHERE b.band IN (\(placeholders)) AND b.item_id != ? ORDER BY b.item_id
                """, keys.bandKeys + [itemID]) { row in
                DedupCandidate(itemID: row.int(1) ?? 0, state: ItemState(rawValue: row.string(2) ?? "") ?? .submitted,
                               key: row.string(3) ?? "", text: nil)
            }.filter { $0.itemID != itemID && !excluded.contains($0.itemID) }
        }
        return DedupCandidates(byURL: byURL, byExactContent: byExact, byFingerprintBand: byBand)
    }

    public func reporterSignals(itemID: Int64) throws -> ReporterSignals {
        try read { database in
            let volunteerID = try database.scalar("SELECT volunteer_id FROM submissions WHERE item_id = ?", [itemID]) ?? 0
            // An item's row holds its page, so each row read is a page of the file: count through whichever is
            // smaller, the volunteer's submissions or the decided items (both counted from their indexes).
            let submitted = try database.scalar("SELECT COUNT(*) FROM submissions WHERE volunteer_id = ?", [volunteerID]) ?? 0
            let decidedAnywhere = try database.scalar("""
                SELECT COUNT(*) FROM items WHERE state IN ('approved', 'published', 'rejected')
                """) ?? 0
            let decided = try database.query(submitted <= decidedAnywhere ? """
                SELECT SUM(i.state IN ('approved', 'published')), SUM(i.state IN ('approved', 'published', 'rejected'))
                FROM items i JOIN submissions s ON s.item_id = i.id WHERE s.volunteer_id = ? AND i.id != ?
                """ : """
                SELECT SUM(i.state IN ('approved', 'published')), COUNT(*)
                FROM items i INDEXED BY items_state JOIN submissions s ON s.item_id = i.id
                WHERE i.state IN ('approved', 'published', 'rejected') AND +s.volunteer_id = ? AND i.id != ?
                """, [volunteerID, itemID]) { (Int($0.int(0) ?? 0), Int($0.int(1) ?? 0)) }.first ?? (0, 0)
            let reporters = try database.scalar("""
                SELECT COUNT(DISTINCT s.volunteer_id) FROM items i JOIN submissions s ON s.item_id = i.id
                WHERE i.id = ? OR i.duplicate_of = ?
                """, [itemID, itemID]) ?? 1
            return ReporterSignals(volunteerApproved: decided.0, volunteerDecided: decided.1, reporters: Int(reporters))
        }
    }

    public func latestModel() throws -> StoredModel? {
        try read { database in
            try database.query("SELECT body, trained_at, examples FROM models ORDER BY id DESC LIMIT 1") { row in
                StoredModel(body: row.data(0) ?? Data(), trainedAt: Timestamp.date(row.string(1)) ?? Date(timeIntervalSince1970: 0),
                            examples: Int(row.int(2) ?? 0))
            }.first
        }
    }

    /// Keeps a newly trained model; older ones stay for the record.
    public func saveModel(_ model: StoredModel) throws {
        _ = try write { database in
            try database.run("INSERT INTO models (kind, trained_at, examples, body) VALUES ('classifier', ?, ?, ?)",
                             [Timestamp.string(model.trainedAt), model.examples, model.body])
        }
    }

    public func leaseOwners() throws -> [String] {
        try read { database in
            try database.query("SELECT DISTINCT lease_owner FROM items WHERE lease_owner IS NOT NULL ORDER BY 1") { $0.string(0) ?? "" }
        }
    }

    public func releaseLeases(owner: String) throws {
        _ = try write { database in
            try database.run("UPDATE items SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", [owner])
        }
    }

    public func pendingCounts() throws -> [ItemState: Int] {
        try read { database in
            var counts: [ItemState: Int] = [:]
            for (state, count) in try database.query("SELECT state, COUNT(*) FROM items GROUP BY state", [], { row in
                (ItemState(rawValue: row.string(0) ?? ""), Int(row.int(1) ?? 0))
            }) {
                if let state { counts[state] = count }
            }
            return counts
        }
    }
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
