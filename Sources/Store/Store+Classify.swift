import Foundation
import SluiceCore

/// A stored item as the classify stage reads it: the text it classifies, what it was given last and, for
/// decided items, the moderators' verdict.
public struct ClassifiableItem: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    public var version: Int
    /// The page's own title (a moderator's edit of the item title is not classifier input).
    public var title: String?
    public var mainText: String
    public var note: String?
    public var url: String?
    public var site: String?
    /// The category now on the item, and who set it.
    public var category: String?
    public var categorySource: CategorySource?
    /// The last stored classification; nil before the classify stage ran.
    public var classification: Classification?
}

/// A new classification for a pending item, written by `reclassify` only if the item is still at `version`.
public struct Reclassification: Sendable {
    public var itemID: Int64
    public var version: Int
    public var classification: Classification
    /// Why, for the transition record (rules version, what changed).
    public var detail: String

    public init(itemID: Int64, version: Int, classification: Classification, detail: String) {
        self.itemID = itemID
        self.version = version
        self.classification = classification
        self.detail = detail
    }
}

/// A trained model as listed by `models()`.
public struct StoredModelInfo: Sendable, Equatable {
    public var id: Int64
    public var trainedAt: Date
    public var examples: Int
    public var bytes: Int
}

extension Store {
    /// Items in `states`, oldest first, with the text the classifier reads.
    public func classifiableItems(states: [ItemState]) throws -> [ClassifiableItem] {
        guard !states.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: states.count).joined(separator: ",")
        return try read { database in
            try database.query("""
                SELECT i.id, i.state, i.version, i.title, i.page_json, s.note, COALESCE(i.final_url, s.url), i.site,
                    i.category, i.category_source, i.classification_json, s.url
                FROM items i JOIN submissions s ON s.item_id = i.id
                WHERE i.state IN (\(placeholders)) ORDER BY i.id
                """, states.map(\.rawValue)) { row in
                let decoder = JSONDecoder()
                let page = row.string(4).flatMap { try? decoder.decode(Page.self, from: Data($0.utf8)) }
                let url = row.string(6)
                return ClassifiableItem(
                    id: row.int(0) ?? 0, state: ItemState(rawValue: row.string(1) ?? "") ?? .submitted,
                    version: Int(row.int(2) ?? 0), title: page?.title ?? row.string(3), mainText: page?.mainText ?? "",
                    note: row.string(5), url: url,
                    site: row.string(7) ?? row.string(11).flatMap { URLComponents(string: $0)?.host },
                    category: row.string(8), categorySource: row.string(9).flatMap(CategorySource.init(rawValue:)),
                    classification: row.string(10).flatMap { try? decoder.decode(Classification.self, from: Data($0.utf8)) })
            }
        }
    }

    /// Approve and reject decisions recorded after `date` (all of them when nil), not counting undone ones:
    /// what the automatic retraining counts.
    public func decisionCount(since date: Date?) throws -> Int {
        try read { database in
            Int(try database.scalar("""
                SELECT COUNT(*) FROM decisions d WHERE d.action IN ('approve', 'reject') AND d.at > ?
                AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)
                """, [date.map(Timestamp.string) ?? ""]) ?? 0)
        }
    }

    /// True when the item shares a near-duplicate band (MinHash LSH or SimHash block) with an item whose
    /// story moderators rejected: text similar enough to be a candidate but not judged the same story,
    /// such as a rejected scam template reworded. Such items sink in the queue.
    public func sharesContentWithRejected(itemID: Int64) throws -> Bool {
        try read { database in
            // The bands of one item are found by scanning them all (they are keyed by band): skipped when no
            // item is rejected at all, the usual case while a backlog is worked through.
            guard try database.scalar("SELECT EXISTS (SELECT 1 FROM items WHERE state = 'rejected')") == 1 else { return false }
            return try database.scalar("""
                SELECT EXISTS (SELECT 1 FROM fingerprint_bands mine
                    JOIN fingerprint_bands other ON other.band = mine.band AND other.item_id != mine.item_id
                    JOIN items i ON i.id = other.item_id JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id)
                    WHERE mine.item_id = ? AND r.state = 'rejected' AND r.id != ?)
                """, [itemID, itemID]) == 1
        }
    }

    /// Writes new classifications of pending items in one transaction, each recorded as a classify
    /// transition by `actor`. An item no longer pending or changed since it was read is skipped; returns
    /// the ids written.
    public func reclassify(_ updates: [Reclassification], actor: String, at now: Date = Date()) throws -> [Int64] {
        guard !updates.isEmpty else { return [] }
        let stamp = Timestamp.string(now)
        return try write { database in
            var written: [Int64] = []
            for update in updates {
                let classification = update.classification
                let changed = try database.run("""
                    UPDATE items SET category = ?, category_source = ?, classification_json = ?, p_approve = ?, priority = ?,
                        version = version + 1, updated_at = ?
                    WHERE id = ? AND state = ? AND version = ?
                    """, [classification.category, classification.categorySource.rawValue, try encodeJSON(classification),
                          classification.pApprove, classification.priority, stamp, update.itemID,
                          ItemState.pendingReview.rawValue, update.version])
                guard changed == 1 else { continue }
                try database.run("""
                    INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [update.itemID, ItemState.pendingReview.rawValue, ItemState.pendingReview.rawValue,
                          Stage.classify.rawValue, actor, update.detail, stamp])
                written.append(update.itemID)
            }
            return written
        }
    }

    /// Every trained model, oldest first.
    public func models() throws -> [StoredModelInfo] {
        try read { database in
            try database.query("SELECT id, trained_at, examples, LENGTH(body) FROM models ORDER BY id") { row in
                StoredModelInfo(id: row.int(0) ?? 0, trainedAt: Timestamp.date(row.string(1)) ?? Date(timeIntervalSince1970: 0),
                                examples: Int(row.int(2) ?? 0), bytes: Int(row.int(3) ?? 0))
            }
        }
    }
}
