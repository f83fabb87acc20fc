import Foundation
import SluiceCore

/// What `review unlink` did: the item left the cluster of `root` and is now in `state`.
public struct UnlinkOutcome: Sendable, Equatable, Encodable {
    public var itemID: Int64
    public var root: Int64
    public var state: ItemState
    public var decisionID: Int64

    enum CodingKeys: String, CodingKey {
        case root, state
        case itemID = "id"
        case decisionID = "decision_id"
    }
}

/// One side of a duplicate pair, for `why-dup`: every URL the item is known by and its text.
public struct DedupSide: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    /// The submitted URL, the redirect chain, where the fetch ended and the page's declared canonical URL,
    /// in that order, without repeats.
    public var urls: [String]
    public var weChat: WeChatIdentity?
    /// The URL keys stored for the item.
    public var urlKeys: [String]
    /// The page's main text, or the note of note-only intel.
    public var text: String?
}

/// A duplicate and the first item of its cluster, with the stored verdict.
public struct DedupPair: Sendable, Equatable {
    public var item: DedupSide
    public var root: DedupSide
    public var kind: String?
    public var evidence: String?
}

/// Errors of cluster maintenance, naming the item and what is wrong.
public enum DedupStoreError: Error, CustomStringConvertible, Equatable {
    case notDuplicate(itemID: Int64, state: ItemState)

    public var description: String {
        switch self {
        case .notDuplicate(let id, let state):
            "item #\(id) (\(state.rawValue)) is not linked to a cluster; name the duplicate, not the first item"
        }
    }
}

extension Store {
    static let dedupVersionKey = "dedup_keys_version"

    /// The version (URL rules and fingerprint options) the stored dedup keys were made with; nil before any.
    public func dedupKeysVersion() throws -> String? {
        try read { database in
            try database.query("SELECT value FROM meta WHERE key = ?", [Self.dedupVersionKey]) { $0.string(0) }.first ?? nil
        }
    }

    /// Recomputes the dedup keys of every item that has been through dedup when they were made under another
    /// `version` (or always, with `force`), in one transaction, then records `version`. Returns how many
    /// items were re-keyed, nil when the keys were already current. Cluster links are kept: re-keying only
    /// makes sure later items find the old ones under the new rules.
    @discardableResult
    public func rekey(version: String, force: Bool = false, keys: (WorkItem) -> DedupKeys) throws -> Int? {
        try write { database in
            let stored = try database.query("SELECT value FROM meta WHERE key = ?", [Self.dedupVersionKey]) { $0.string(0) }.first
            guard force || stored != version else { return nil }
            let ids = try database.query("""
                SELECT id FROM items WHERE state NOT IN ('submitted', 'fetched', 'parsed', 'failed')
                OR id IN (SELECT item_id FROM url_keys) OR id IN (SELECT item_id FROM content_keys) ORDER BY id
                """) { $0.int(0) ?? 0 }
            for id in ids {
                guard let item = try keyedItem(database, id: id) else { continue }
                for table in ["url_keys", "content_keys", "fingerprint_bands"] {
                    try database.run("DELETE FROM \(table) WHERE item_id = ?", [id])
                }
                try recordKeys(database, itemID: id, keys: keys(item))
            }
            try database.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [Self.dedupVersionKey, version])
            return ids.count
        }
    }

    /// Records the keys an item is known by, so later items find it.
    func recordKeys(_ database: Database, itemID: Int64, keys: DedupKeys) throws {
        for key in Set(keys.urlKeys) {
            try database.run("INSERT OR IGNORE INTO url_keys (key, item_id) VALUES (?, ?)", [key, itemID])
        }
        if keys.exactContentHash != nil || keys.fingerprint != nil {
            try database.run("""
                INSERT OR REPLACE INTO content_keys (item_id, exact_hash, fingerprint) VALUES (?, ?, ?)
                """, [itemID, keys.exactContentHash, keys.fingerprint])
        }
        for band in Set(keys.bandKeys) {
            try database.run("INSERT OR IGNORE INTO fingerprint_bands (band, item_id) VALUES (?, ?)", [band, itemID])
        }
    }

    /// The item as the dedup stage sees it: URL, note, capture metadata (no body) and page.
    private func keyedItem(_ database: Database, id: Int64) throws -> WorkItem? {
        let decoder = JSONDecoder()
        return try database.query("""
            SELECT i.state, s.url, s.note, v.name, i.page_json,
                   (SELECT metadata_json FROM captures c WHERE c.item_id = i.id ORDER BY c.id DESC LIMIT 1)
            FROM items i JOIN submissions s ON s.item_id = i.id JOIN volunteers v ON v.id = s.volunteer_id
            WHERE i.id = ?
            """, [id]) { row in
            var item = WorkItem(id: id, state: ItemState(rawValue: row.string(0) ?? "") ?? .submitted, url: row.string(1),
                                note: row.string(2), volunteer: row.string(3) ?? "")
            item.page = row.string(4).flatMap { try? decoder.decode(Page.self, from: Data($0.utf8)) }
            item.capture = row.string(5).flatMap { try? decoder.decode(Capture.self, from: Data($0.utf8)) }
            return item
        }.first
    }

    /// Roots an item must never be matched to again (clusters a moderator split), in either direction.
    func excludedRoots(_ database: Database, itemID: Int64) throws -> Set<Int64> {
        Set(try database.query("""
            SELECT root_id FROM dedup_exclusions WHERE item_id = ? UNION SELECT item_id FROM dedup_exclusions WHERE root_id = ?
            """, [itemID, itemID]) { $0.int(0) ?? 0 })
    }

    /// Takes a wrongly clustered item out of its cluster: the link is cleared, the pair is remembered so the
    /// item is not matched to that root again (its keys stay, so other items still find it), a duplicate
    /// goes back to `deduplicated` for the pipeline to classify and queue it, and the moderator's action is
    /// in the audit log. One transaction.
    public func unlink(itemID: Int64, moderator: String, at now: Date = Date()) throws -> UnlinkOutcome {
        guard !moderator.isEmpty else { throw StoreError.emptyVolunteer }
        return try write { database in
            guard let row = try database.query("""
                SELECT state, duplicate_of, title, category, decision_reason, duplicate_kind, duplicate_evidence
                FROM items WHERE id = ?
                """, [itemID], { row in
                (state: ItemState(rawValue: row.string(0) ?? "") ?? .submitted, root: row.int(1), title: row.string(2),
                 category: row.string(3), reason: row.string(4), kind: row.string(5), evidence: row.string(6))
            }).first else { throw StoreError.notFound(itemID: itemID) }
            guard let root = row.root else { throw DedupStoreError.notDuplicate(itemID: itemID, state: row.state) }
            let target: ItemState = row.state == .duplicate ? .deduplicated : row.state
            let stamp = Timestamp.string(now)
            try database.run("""
                UPDATE items SET state = ?, version = version + 1, updated_at = ?, duplicate_of = NULL,
                duplicate_kind = NULL, duplicate_evidence = NULL, decision_reason = ?, lease_owner = NULL, lease_until = NULL
                WHERE id = ?
                """, [target.rawValue, stamp, row.state == .duplicate ? nil : row.reason, itemID])
            try database.run("INSERT OR IGNORE INTO dedup_exclusions (item_id, root_id, moderator, at) VALUES (?, ?, ?, ?)",
                             [itemID, root, moderator, stamp])
            if target != row.state {
                try database.run("""
                    INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [itemID, row.state.rawValue, target.rawValue, Stage.review.rawValue, moderator,
                          "unlinked from #\(root)", stamp])
            }
            // What the item was before, for the audit log and an undo: the cluster link included.
            let before = try encodeJSON(["title": row.title, "category": row.category, "decision_reason": row.reason,
                                         "duplicate_of": String(root), "duplicate_kind": row.kind,
                                         "duplicate_evidence": row.evidence])
            try database.run("""
                INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, before_json, at)
                VALUES (?, ?, 'unlink', NULL, ?, ?, ?, ?, ?)
                """, [itemID, moderator, "left the cluster of #\(root)", row.state.rawValue, target.rawValue, before, stamp])
            return UnlinkOutcome(itemID: itemID, root: root, state: target, decisionID: database.lastInsertID)
        }
    }

    /// A duplicate and its cluster's first item, for explaining the verdict; nil when the item is not linked.
    public func dedupPair(itemID: Int64) throws -> DedupPair? {
        try read { database in
            guard let row = try database.query("SELECT duplicate_of, duplicate_kind, duplicate_evidence FROM items WHERE id = ?",
                                               [itemID], { ($0.int(0), $0.string(1), $0.string(2)) }).first else {
                throw StoreError.notFound(itemID: itemID)
            }
            guard let rootID = row.0, let item = try side(database, id: itemID), let root = try side(database, id: rootID) else {
                return nil
            }
            return DedupPair(item: item, root: root, kind: row.1, evidence: row.2)
        }
    }

    private func side(_ database: Database, id: Int64) throws -> DedupSide? {
        guard let item = try keyedItem(database, id: id) else { return nil }
        let finalURL = try database.query("SELECT final_url FROM items WHERE id = ?", [id]) { $0.string(0) }.first ?? nil
        let candidates = [item.url] + (item.capture?.redirectChain ?? []).map(Optional.some) + [finalURL, item.page?.canonicalURL]
        let urls = candidates.compactMap { $0 }.reduce(into: [String]()) { unique, url in
            if !unique.contains(url) { unique.append(url) }
        }
        let keys = try database.query("SELECT key FROM url_keys WHERE item_id = ? ORDER BY key", [id]) { $0.string(0) ?? "" }
        let text = item.page.map(\.mainText) ?? item.note
        return DedupSide(id: id, state: item.state, urls: urls, weChat: item.page?.weChat, urlKeys: keys, text: text)
    }
}
