import Foundation
import SluiceCore

extension SQLStore {
    public func submit(_ submission: Submission, urlKeys: [String], refetchKnown: Bool, at now: Date) throws -> SubmitReceipt {
        let volunteer = try Self.volunteerName(submission)
        return try sql.write { database in
            try submit(database, submission, volunteer: volunteer, urlKeys: urlKeys, refetchKnown: refetchKnown, at: now)
        }
    }

    public func submit(_ submission: Submission, urlKeys: [String], refetchKnown: Bool, idempotency: IdempotencyKey,
                       at now: Date) throws -> SubmitReceipt {
        let volunteer = try Self.volunteerName(submission)
        return try sql.write { database in
            // Two retries of one request may arrive at once: on PostgreSQL the second waits here for the first
            // to commit and then finds its key (SQLite's writers are serialized by BEGIN IMMEDIATE already).
            if database.dialect == .postgres {
                try database.run("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':sluice-idempotency:' || ?))",
                                 [volunteer])
            }
            if let (itemID, request) = try database.query("""
                SELECT k.item_id, k.request_sha256 FROM idempotency_keys k JOIN volunteers v ON v.id = k.volunteer_id
                WHERE v.name = ? AND k.key_sha256 = ?
                """, [volunteer, idempotency.keySHA256], { ($0.int(0) ?? 0, $0.string(1) ?? "") }).first {
                guard request == idempotency.requestSHA256 else { throw StoreError.idempotencyKeyReused(itemID: itemID) }
                return SubmitReceipt(itemID: itemID, created: false, known: nil, recordedAsReport: false, replayed: true)
            }
            let receipt = try submit(database, submission, volunteer: volunteer, urlKeys: urlKeys, refetchKnown: refetchKnown,
                                     at: now)
            try database.run("""
                INSERT INTO idempotency_keys (volunteer_id, key_sha256, request_sha256, item_id, created_at)
                VALUES ((SELECT id FROM volunteers WHERE name = ?), ?, ?, ?, ?)
                """, [volunteer, idempotency.keySHA256, idempotency.requestSHA256, receipt.itemID, Timestamp.string(now)])
            return receipt
        }
    }

    public func submit(_ entries: [SubmissionEntry], refetchKnown: Bool) throws -> [SubmitReceipt] {
        guard !entries.isEmpty else { return [] }
        let volunteers = try entries.map { try Self.volunteerName($0.submission) }
        return try sql.write { database in
            try zip(entries, volunteers).map { entry, volunteer in
                try submit(database, entry.submission, volunteer: volunteer, urlKeys: entry.urlKeys,
                           refetchKnown: refetchKnown, at: entry.at)
            }
        }
    }

    private static func volunteerName(_ submission: Submission) throws -> String {
        let volunteer = submission.volunteer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !volunteer.isEmpty else { throw StoreError.emptyVolunteer }
        return volunteer
    }

    /// One submission inside the caller's write transaction.
    private func submit(_ database: any SQLExecutor, _ submission: Submission, volunteer: String, urlKeys: [String],
                        refetchKnown: Bool, at now: Date) throws -> SubmitReceipt {
        let identity = [volunteer, submission.url ?? "", submission.note ?? ""].joined(separator: "\u{1F}")
        let stamp = Timestamp.string(now)
        let known = try knownItem(database, urlKeys: urlKeys)
        if let existing = try database.scalar("SELECT item_id FROM submissions WHERE identity = ?", [identity]) {
            return SubmitReceipt(itemID: existing, created: false, known: known.flatMap { $0.id == existing ? nil : $0 },
                                 recordedAsReport: false)
        }
        try database.run("INSERT INTO volunteers (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [volunteer, stamp])
        let volunteerID = try database.scalar("SELECT id FROM volunteers WHERE name = ?", [volunteer]) ?? 0
        // A link already known is a corroborating report: filed at once as a duplicate of the story's root,
        // so the volunteer is credited even when the source is gone by now (often, for WeChat).
        let asReport = known != nil && !refetchKnown
        let state: ItemState = asReport ? .duplicate : .submitted
        let itemID = try database.insert("""
            INSERT INTO items (state, url, created_at, updated_at, duplicate_of, duplicate_kind, duplicate_evidence)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [state.rawValue, submission.url, stamp, stamp, asReport ? known?.id : nil,
                  asReport ? "url" : nil, asReport ? known?.key : nil])
        try database.run("""
            INSERT INTO submissions (item_id, volunteer_id, url, note, identity, source, submitted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [itemID, volunteerID, submission.url, submission.note, identity, submission.source, stamp])
        try recordTransition(database, itemID: itemID, from: .submitted, to: .submitted, stage: .intake, actor: volunteer,
                             detail: submission.source, at: stamp)
        if asReport, let known {
            try recordKeys(database, itemID: itemID, keys: DedupKeys(urlKeys: urlKeys, exactContentHash: nil,
                                                                      fingerprint: nil, bandKeys: []))
            try recordTransition(database, itemID: itemID, from: .submitted, to: .duplicate, stage: .intake, actor: volunteer,
                                 detail: "already known as #\(known.id)", at: stamp)
            try inheritRejection(database, itemID: itemID, root: known.id)
        }
        try notifyWork(database)
        return SubmitReceipt(itemID: itemID, created: true, known: known, recordedAsReport: asReport)
    }

    public func knownItem(urlKeys: [String]) throws -> KnownItem? {
        try sql.read { try knownItem($0, urlKeys: urlKeys) }
    }

    /// The root of the earliest cluster known under any of `urlKeys`.
    func knownItem(_ database: any SQLExecutor, urlKeys: [String]) throws -> KnownItem? {
        guard !urlKeys.isEmpty else { return nil }
        return try database.query("""
            SELECT r.id, r.state, r.updated_at, k.key FROM url_keys k JOIN items i ON i.id = k.item_id
            JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id) JOIN submissions s ON s.item_id = r.id
            WHERE k.key IN \(database.placeholders(urlKeys.count)) ORDER BY s.submitted_at, r.id LIMIT 1
            """, urlKeys) { row in
            KnownItem(id: row.int(0) ?? 0, state: row.state(1) ?? .submitted, updatedAt: row.requiredDate(2),
                      key: row.string(3) ?? "")
        }.first
    }

    /// One row of the transition log, inside the caller's transaction.
    func recordTransition(_ database: any SQLExecutor, itemID: Int64, from: ItemState, to: ItemState, stage: Stage,
                          actor: String, detail: String?, at stamp: String) throws {
        try database.run("""
            INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [itemID, from.rawValue, to.rawValue, stage.rawValue, actor, detail, stamp])
    }

    /// A report of a story moderators rejected keeps the rejection's reason, without a moderator's time.
    func inheritRejection(_ database: any SQLExecutor, itemID: Int64, root: Int64) throws {
        try database.run("""
            UPDATE items SET decision_reason = (SELECT r.decision_reason FROM items r WHERE r.id = ? AND r.state = 'rejected')
            WHERE id = ?
            """, [root, itemID])
    }

    /// Tells idle workers elsewhere that work may be claimable (PostgreSQL's NOTIFY, sent at commit).
    func notifyWork(_ database: any SQLExecutor) throws {
        if database.dialect == .postgres { try database.run("SELECT pg_notify('sluice_work', '')") }
    }
}
