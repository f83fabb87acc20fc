import Foundation
import SluiceCore

extension SQLStore {
    public func approvedAwaitingPublication() throws -> [ItemRecord] {
        try sql.read { database in
            let live = Set(try database.query("SELECT item_id FROM published WHERE retracted_at IS NULL") { $0.int(0) ?? 0 })
            return try records(database, where: "i.state = ?", [ItemState.approved.rawValue], order: "i.id", limit: nil)
                .filter { Publishability.isPublishable(state: $0.state, hasLiveLedgerEntry: live.contains($0.id)) }
        }
    }

    @discardableResult
    public func recordPublication(_ publication: Publication, actor: String) throws -> Bool {
        try sql.write { database in
            if try database.scalar("SELECT 1 FROM published WHERE item_id = ? AND retracted_at IS NULL" + rowLock(database),
                                   [publication.itemID]) != nil {
                return false
            }
            let stamp = Timestamp.string(publication.publishedAt)
            let moved = try database.run("""
                UPDATE items SET state = 'published', version = version + 1, updated_at = ? WHERE id = ? AND state = 'approved'
                """, [stamp, publication.itemID])
            guard moved == 1 else {
                throw StoreError.invalidTransition(itemID: publication.itemID, from: .approved, to: .published)
            }
            try database.run("""
                INSERT INTO retracted_publications (item_id, month, published_at, slug, path, evidence_sha256,
                    retracted_at, retract_reason)
                SELECT item_id, month, published_at, slug, path, evidence_sha256, retracted_at, retract_reason
                FROM published WHERE item_id = ? AND retracted_at IS NOT NULL
                """, [publication.itemID])
            try database.run("""
                INSERT INTO published (item_id, month, published_at, slug, path, evidence_sha256, evidence_text, captured_at,
                    retracted_at, retract_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
                ON CONFLICT (item_id) DO UPDATE SET month = excluded.month, published_at = excluded.published_at,
                    slug = excluded.slug, path = excluded.path, evidence_sha256 = excluded.evidence_sha256,
                    evidence_text = excluded.evidence_text, captured_at = excluded.captured_at, retracted_at = NULL,
                    retract_reason = NULL
                """, [publication.itemID, publication.month, stamp, publication.slug, publication.path,
                      publication.evidenceSHA256, publication.evidenceText, publication.capturedAt.map(Timestamp.string)])
            try recordTransition(database, itemID: publication.itemID, from: .approved, to: .published, stage: .publish,
                                 actor: actor, detail: publication.month, at: stamp)
            return true
        }
    }

    public func retract(itemID: Int64, reason: String, moderator: String, at now: Date) throws -> Publication {
        try sql.write { database in
            guard var publication = try publications(database, where: "p.item_id = ? AND p.retracted_at IS NULL", [itemID]).first
            else { throw StoreError.notFound(itemID: itemID) }
            let stamp = Timestamp.string(now)
            try database.run("UPDATE published SET retracted_at = ?, retract_reason = ? WHERE item_id = ?", [stamp, reason, itemID])
            try database.run("UPDATE items SET state = 'approved', version = version + 1, updated_at = ? WHERE id = ?",
                             [stamp, itemID])
            try recordTransition(database, itemID: itemID, from: .published, to: .approved, stage: .publish, actor: moderator,
                                 detail: reason, at: stamp)
            try database.run("""
                INSERT INTO decisions (item_id, moderator, action, reason, from_state, to_state, at)
                VALUES (?, ?, 'unpublish', ?, 'published', 'approved', ?)
                """, [itemID, moderator, reason, stamp])
            publication.retractedAt = now
            publication.retractReason = reason
            return publication
        }
    }

    public func publishedMonths() throws -> [String] {
        try sql.read { database in
            try database.query("SELECT DISTINCT month FROM published WHERE retracted_at IS NULL ORDER BY month DESC") {
                $0.string(0) ?? ""
            }
        }
    }

    public func publications(month: String) throws -> [PublishedItem] {
        try sql.read { database in
            let entries = try publications(database, where: "p.month = ? AND p.retracted_at IS NULL", [month])
            let records = try records(database, where: """
                i.id IN (SELECT item_id FROM published WHERE month = ? AND retracted_at IS NULL)
                """, [month], order: "i.id", limit: nil)
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return entries.compactMap { entry in byID[entry.itemID].map { PublishedItem(record: $0, publication: entry) } }
        }
    }

    private func publications(_ database: any SQLExecutor, where condition: String, _ values: [any SQLBindable]) throws
        -> [Publication] {
        try database.query("""
            SELECT p.item_id, p.month, p.published_at, p.slug, p.path, p.evidence_sha256, p.evidence_text, p.captured_at,
                p.retracted_at, p.retract_reason FROM published p WHERE \(condition) ORDER BY p.published_at, p.item_id
            """, values) { row in
            Publication(itemID: row.int(0) ?? 0, month: row.string(1) ?? "", publishedAt: row.requiredDate(2),
                        slug: row.string(3), path: row.string(4), evidenceSHA256: row.string(5), evidenceText: row.string(6),
                        capturedAt: row.date(7), retractedAt: row.date(8), retractReason: row.string(9))
        }
    }

    public func takenSlugs() throws -> Set<String> {
        try sql.read { database in
            Set(try database.query("SELECT slug FROM published WHERE slug IS NOT NULL AND retracted_at IS NULL") {
                $0.string(0) ?? ""
            })
        }
    }

    /// Submissions and duplicates count by submission date, approvals by publication month, rejections by
    /// decision date.
    public func figures(month: String) throws -> MonthFigures {
        try sql.read { database in
            let pattern = month + "%"
            let submissions = Int(try database.scalar("SELECT COUNT(*) FROM submissions WHERE submitted_at LIKE ?", [pattern]) ?? 0)
            let volunteers = Int(try database.scalar(
                "SELECT COUNT(DISTINCT volunteer_id) FROM submissions WHERE submitted_at LIKE ?", [pattern]) ?? 0)
            let approved = Int(try database.scalar(
                "SELECT COUNT(*) FROM published WHERE month = ? AND retracted_at IS NULL", [month]) ?? 0)
            var rejected: [String: Int] = [:]
            for (reason, count) in try database.query("""
                SELECT COALESCE(i.decision_reason, 'other'), COUNT(*) FROM items i
                WHERE i.state = 'rejected' AND i.updated_at LIKE ? GROUP BY 1
                """, [pattern], { ($0.string(0) ?? "other", Int($0.int(1) ?? 0)) }) {
                rejected[reason] = count
            }
            let duplicates = Int(try database.scalar("""
                SELECT COUNT(*) FROM items i JOIN submissions s ON s.item_id = i.id
                WHERE i.state = 'duplicate' AND s.submitted_at LIKE ?
                """, [pattern]) ?? 0)
            return MonthFigures(submissions: submissions, volunteers: volunteers, approved: approved,
                                rejectedByReason: rejected, duplicatesMerged: duplicates)
        }
    }

    // MARK: evidence and sources

    func saveEvidence(_ database: any SQLExecutor, _ evidence: FrozenEvidence, itemID: Int64, at stamp: String) throws {
        try database.run("""
            INSERT INTO evidence (item_id, text, sanitized_html, text_sha256, html_sha256, captured_at, frozen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (item_id) DO UPDATE SET text = excluded.text, sanitized_html = excluded.sanitized_html,
                text_sha256 = excluded.text_sha256, html_sha256 = excluded.html_sha256, captured_at = excluded.captured_at,
                frozen_at = excluded.frozen_at
            """, [itemID, evidence.text, evidence.sanitizedHTML, evidence.textSHA256, evidence.htmlSHA256,
                  Timestamp.string(evidence.capturedAt), stamp])
    }

    public func saveEvidence(_ evidence: FrozenEvidence, itemID: Int64, at now: Date) throws {
        try sql.write { try saveEvidence($0, evidence, itemID: itemID, at: Timestamp.string(now)) }
    }

    public func evidence(itemID: Int64) throws -> FrozenEvidence? {
        try sql.read { database in
            try database.query("""
                SELECT text, sanitized_html, text_sha256, html_sha256, captured_at FROM evidence WHERE item_id = ?
                """, [itemID]) { row in
                var evidence = FrozenEvidence(text: row.string(0) ?? "", sanitizedHTML: row.string(1) ?? "",
                                              capturedAt: row.requiredDate(4))
                // The stored digests, not recomputed ones, so `isIntact` can tell a damaged row.
                evidence.textSHA256 = row.string(2) ?? ""
                evidence.htmlSHA256 = row.string(3) ?? ""
                return evidence
            }.first
        }
    }

    @discardableResult
    public func recordSourceCheck(itemID: Int64, state: SourceState, detail: String?, at now: Date) throws -> SourceStatus {
        try sql.write { database in
            let stamp = Timestamp.string(now)
            try database.run("""
                INSERT INTO source_checks (item_id, state, since, checked_at, detail) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (item_id) DO UPDATE SET
                    since = CASE WHEN source_checks.state = excluded.state THEN source_checks.since ELSE excluded.since END,
                    state = excluded.state, checked_at = excluded.checked_at, detail = excluded.detail
                """, [itemID, state.rawValue, stamp, stamp, detail])
            return try sourceStatus(database, itemID: itemID) ?? SourceStatus(state: state, checkedAt: now)
        }
    }

    public func sourceStatus(itemID: Int64) throws -> SourceStatus? {
        try sql.read { try sourceStatus($0, itemID: itemID) }
    }

    private func sourceStatus(_ database: any SQLExecutor, itemID: Int64) throws -> SourceStatus? {
        try database.query("SELECT state, since FROM source_checks WHERE item_id = ?", [itemID]) { row -> SourceStatus? in
            guard let state = row.string(0).flatMap(SourceState.init(rawValue:)), let since = row.date(1) else { return nil }
            return SourceStatus(state: state, checkedAt: since)
        }.first ?? nil
    }

    public func forEachCapture(_ body: (Int64, Capture) throws -> Void) throws {
        var lastID: Int64 = 0
        while true {
            let next = try sql.read { database in
                try database.query("""
                    SELECT id, item_id, metadata_json, body, body_encoding, body_size FROM captures WHERE id > ?
                    ORDER BY id LIMIT 1
                    """, [lastID]) { row -> (id: Int64, itemID: Int64, capture: Capture?) in
                    let itemID = row.int(1) ?? 0
                    var capture = decodeJSON(Capture.self, row.string(2))
                    capture?.body = try storedBody(row, data: 3, encoding: 4, size: 5, itemID: itemID)
                    return (row.int(0) ?? 0, itemID, capture)
                }.first
            }
            guard let next else { return }
            lastID = next.id
            if let capture = next.capture { try body(next.itemID, capture) }
        }
    }
}
