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
    /// Approved items without a live ledger entry (never published, or retracted and approved again),
    /// oldest first.
    public func approvedAwaitingPublication() throws -> [ItemRecord] {
        try records(state: .approved).filter { record in
            (try? read {
                try $0.scalar("SELECT 1 FROM published WHERE item_id = ? AND retracted_at IS NULL", [record.id])
            }) == nil
        }
    }

    /// Moves an approved item to `published` and writes its ledger entry, in one transaction.
    /// Returns false (and writes nothing) when the item is already in the ledger: publishing twice is a no-op.
    ///
    /// The ledger holds one entry per item, so an item is in at most one month's column. Republishing a
    /// retracted item puts it in the month it is republished; its retracted entry moves to
    /// `retracted_publications`, so the retraction stays on record.
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
                INSERT INTO retracted_publications (item_id, month, published_at, slug, path, evidence_sha256,
                    retracted_at, retract_reason)
                SELECT item_id, month, published_at, slug, path, evidence_sha256, retracted_at, retract_reason
                FROM published WHERE item_id = ? AND retracted_at IS NOT NULL
                """, [publication.itemID])
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
    /// audit log records who and why. Throws `notFound` when the item has no live publication.
    public func retract(itemID: Int64, reason: String, moderator: String, at now: Date = Date()) throws -> Publication {
        try write { database in
            guard var publication = try publications(database, where: "p.item_id = ? AND p.retracted_at IS NULL", [itemID]).first else {
                throw StoreError.notFound(itemID: itemID)
            }
            let stamp = Timestamp.string(now)
            try database.run("UPDATE published SET retracted_at = ?, retract_reason = ? WHERE item_id = ?", [stamp, reason, itemID])
            try database.run("UPDATE items SET state = 'approved', version = version + 1, updated_at = ? WHERE id = ?", [stamp, itemID])
            try database.run("""
                INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at)
                VALUES (?, 'published', 'approved', 'publish', ?, ?, ?)
                """, [itemID, moderator, reason, stamp])
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

/// One volunteer's contributions (`sluice volunteers`). A report of a story someone else found first counts
/// with the state of that story.
public struct VolunteerStats: Sendable, Equatable, Encodable {
    public var name: String
    public var submissions: Int
    /// Approved or published.
    public var accepted: Int
    public var rejected: Int
    /// Failed to fetch or parse.
    public var failed: Int
    /// Still in the pipeline or the review queue.
    public var pending: Int
    /// Accepted among the decided (accepted + rejected); nil before any decision.
    public var acceptanceRate: Double?
    /// Category ids of the accepted items, most frequent first (ties by id), at most three.
    public var tags: [String]

    enum CodingKeys: String, CodingKey {
        case name, submissions, accepted, rejected, failed, pending, tags
        case acceptanceRate = "acceptance_rate"
    }

    /// Every field always present: a rate not yet known is `null`, not a missing key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(submissions, forKey: .submissions)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(failed, forKey: .failed)
        try container.encode(pending, forKey: .pending)
        try container.encode(acceptanceRate, forKey: .acceptanceRate)
        try container.encode(tags, forKey: .tags)
    }
}

extension Store {
    /// Every volunteer with submissions (in `month` when given, by submission date), most accepted first,
    /// then most submissions, then by name.
    public func volunteerStats(month: String?) throws -> [VolunteerStats] {
        let rows = try read { database in
            try database.query("""
                SELECT v.name, COALESCE(r.state, i.state), COALESCE(r.category, i.category)
                FROM submissions s JOIN volunteers v ON v.id = s.volunteer_id JOIN items i ON i.id = s.item_id
                LEFT JOIN items r ON r.id = i.duplicate_of AND i.state = 'duplicate'
                WHERE ? IS NULL OR s.submitted_at LIKE ?
                """, [month, month.map { $0 + "%" }]) { row in
                (name: row.string(0) ?? "", state: ItemState(rawValue: row.string(1) ?? ""), category: row.string(2))
            }
        }
        var byName: [String: (stats: VolunteerStats, categories: [String: Int])] = [:]
        for row in rows {
            var entry = byName[row.name] ?? (VolunteerStats(name: row.name, submissions: 0, accepted: 0, rejected: 0,
                                                            failed: 0, pending: 0, acceptanceRate: nil, tags: []), [:])
            entry.stats.submissions += 1
            switch row.state {
            case .approved?, .published?:
                entry.stats.accepted += 1
                entry.categories[row.category ?? "other", default: 0] += 1
            case .rejected?: entry.stats.rejected += 1
            case .failed?: entry.stats.failed += 1
            default: entry.stats.pending += 1
            }
            byName[row.name] = entry
        }
        return byName.values.map { entry in
            var stats = entry.stats
            let decided = stats.accepted + stats.rejected
            stats.acceptanceRate = decided == 0 ? nil : Double(stats.accepted) / Double(decided)
            stats.tags = entry.categories.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3).map(\.key)
            return stats
        }.sorted { ($1.accepted, $1.submissions, $0.name) < ($0.accepted, $0.submissions, $1.name) }
    }
}
