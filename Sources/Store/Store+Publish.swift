import Foundation
import SluiceCore

/// One entry of the publication ledger: an item appears in exactly one month's column.
public struct Publication: Sendable, Equatable {
    public var itemID: Int64
    public var month: String
    public var publishedAt: Date
    public var slug: String?
    public var path: String?
    public var evidenceSHA256: String?
    public var evidenceText: String?
    public var capturedAt: Date?
    public var retractedAt: Date?
    public var retractReason: String?

    public init(itemID: Int64, month: String, publishedAt: Date, slug: String?, path: String?, evidenceSHA256: String?,
                evidenceText: String?, capturedAt: Date?, retractedAt: Date? = nil, retractReason: String? = nil) {
        self.itemID = itemID
        self.month = month
        self.publishedAt = publishedAt
        self.slug = slug
        self.path = path
        self.evidenceSHA256 = evidenceSHA256
        self.evidenceText = evidenceText
        self.capturedAt = capturedAt
        self.retractedAt = retractedAt
        self.retractReason = retractReason
    }
}

/// The month's figures for the column header.
public struct MonthFigures: Sendable, Equatable {
    public var submissions: Int
    public var volunteers: Int
    public var approved: Int
    public var rejectedByReason: [String: Int]
    public var duplicatesMerged: Int
}

extension Store {
    /// Approved items not yet in the ledger, oldest decision first.
    public func approvedAwaitingPublication() throws -> [ItemRecord] {
        try records(state: .approved).filter { record in
            (try? read { try $0.scalar("SELECT 1 FROM published WHERE item_id = ?", [record.id]) }) == nil
        }
    }

    /// Moves an approved item to `published` and writes its ledger entry, in one transaction.
    /// Returns false (and writes nothing) when the item is already in the ledger: publishing twice is a no-op.
    @discardableResult
    public func recordPublication(_ publication: Publication, actor: String) throws -> Bool {
        try write { database in
            if try database.scalar("SELECT 1 FROM published WHERE item_id = ? AND retracted_at IS NULL",
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
                INSERT OR REPLACE INTO published (item_id, month, published_at, slug, path, evidence_sha256, evidence_text,
                    captured_at, retracted_at, retract_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
                """, [publication.itemID, publication.month, stamp, publication.slug, publication.path,
                      publication.evidenceSHA256, publication.evidenceText, publication.capturedAt.map(Timestamp.string)])
            try database.run("""
                INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at) VALUES (?, 'approved', 'published', 'publish', ?, ?, ?)
                """, [publication.itemID, actor, publication.month, stamp])
            return true
        }
    }

    /// Retracts a publication: the item goes back to `approved`, the ledger entry is kept and marked, the
    /// audit log records who and why.
    public func retract(itemID: Int64, reason: String, moderator: String, at now: Date = Date()) throws -> Publication {
        try write { database in
            guard var publication = try publications(database, where: "p.item_id = ? AND p.retracted_at IS NULL", [itemID]).first else {
                throw StoreError.notFound(itemID: itemID)
            }
            let stamp = Timestamp.string(now)
            try database.run("UPDATE published SET retracted_at = ?, retract_reason = ? WHERE item_id = ?", [stamp, reason, itemID])
            try database.run("UPDATE items SET state = 'approved', version = version + 1, updated_at = ? WHERE id = ?", [stamp, itemID])
            try database.run("""
                INSERT INTO decisions (item_id, moderator, action, reason, from_state, to_state, at)
                VALUES (?, ?, 'unpublish', ?, 'published', 'approved', ?)
                """, [itemID, moderator, reason, stamp])
            publication.retractedAt = now
            publication.retractReason = reason
            return publication
        }
    }

    /// The live (not retracted) publications of a month with their items, in publication order.
    public func publications(month: String) throws -> [(record: ItemRecord, publication: Publication)] {
        let entries = try read { database in
            try publications(database, where: "p.month = ? AND p.retracted_at IS NULL", [month])
        }
        return try entries.compactMap { publication in
            try record(id: publication.itemID).map { (record: $0, publication: publication) }
        }
    }

    private func publications(_ database: Database, where condition: String, _ values: [any SQLBindable]) throws -> [Publication] {
        try database.query("""
            SELECT p.item_id, p.month, p.published_at, p.slug, p.path, p.evidence_sha256, p.evidence_text, p.captured_at,
                p.retracted_at, p.retract_reason FROM published p WHERE \(condition) ORDER BY p.published_at, p.item_id
            """, values) { row in
            Publication(itemID: row.int(0) ?? 0, month: row.string(1) ?? "",
                        publishedAt: Timestamp.date(row.string(2)) ?? Date(timeIntervalSince1970: 0),
                        slug: row.string(3), path: row.string(4), evidenceSHA256: row.string(5), evidenceText: row.string(6),
                        capturedAt: Timestamp.date(row.string(7)), retractedAt: Timestamp.date(row.string(8)),
                        retractReason: row.string(9))
        }
    }

    /// Slugs already used by live publications, so a new one never collides.
    public func takenSlugs() throws -> Set<String> {
        try read { database in
            Set(try database.query("SELECT slug FROM published WHERE slug IS NOT NULL AND retracted_at IS NULL") { $0.string(0) ?? "" })
        }
    }

    /// Figures for a month's column header. Submissions and duplicates count by submission date,
    /// approvals by publication month, rejections by decision date.
    public func figures(month: String) throws -> MonthFigures {
        try read { database in
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
}
