import Foundation
import SluiceCore

extension SQLStore {
    static var dedupVersionKey: String { "dedup_keys_version" }

    public func deduplicate(_ requests: [DedupRequest], owner: String, leaseSeconds: Double, at now: Date,
                            decide: (DedupRequest, DedupCandidates) -> DedupVerdict) throws -> [DedupOutcome] {
        guard !requests.isEmpty else { return [] }
        return try sql.dedup { database in
            // In order, inside one transaction: each lookup sees the keys and verdicts of the batch's earlier items.
            let outcomes = try requests.map { request in
                try deduplicate(request, database: database, owner: owner, leaseSeconds: leaseSeconds, now: now) {
                    decide(request, $0)
                }
            }
            try mergeRecentBands(database)
            return outcomes
        }
    }

    /// The fewest band keys a merge moves at once. The recent table's pages are few (a batch dirties each of
    /// them, not one page per key) and a merge touches the main index's pages once each, in key order.
    static var recentBandMinimum: Int64 { 32_768 }

    /// Well under both databases' limits on parameters to a statement (SQLite's default 32,766).
    static var bandRowsPerStatement: Int { 1_000 }

    /// Moves the recent band keys into the main index once there are at least `recentBandMinimum` of them and
    /// as many as the store has items; every lookup reads both tables, so a key is found wherever it is. A merge
    /// rewrites most pages of the main index, which grows with the items: waiting for more keys as the store
    /// grows keeps the bytes written per item level (at 100,000 items a fixed 32,768 wrote about 54 KB per
    /// item in merges and recent inserts, against about 34 KB waiting for 100,000, by a model of page touches).
    func mergeRecentBands(_ database: any SQLExecutor) throws {
        let waiting = try database.scalar("SELECT COUNT(*) FROM fingerprint_bands_recent") ?? 0
        guard waiting >= Self.recentBandMinimum,
              waiting >= (try database.scalar("SELECT MAX(id) FROM items") ?? 0) else { return }
        try database.run("""
            INSERT INTO fingerprint_bands (band, item_id) SELECT band, item_id FROM fingerprint_bands_recent
            WHERE true ORDER BY band, item_id ON CONFLICT DO NOTHING
            """)
        try database.run("DELETE FROM fingerprint_bands_recent")
    }

    private func deduplicate(_ request: DedupRequest, database: any SQLExecutor, owner: String, leaseSeconds: Double,
                             now: Date, decide: (DedupCandidates) -> DedupVerdict) throws -> DedupOutcome {
        let (item, keys, canonicalURL) = (request.item, request.keys, request.canonicalURL)
        let candidates = try lookup(database, keys: keys, excluding: item.id)
        var verdict = decide(candidates)
        if verdict.duplicateOf == item.id { verdict = .unique }
        try recordKeys(database, itemID: item.id, keys: keys)
        var replacedRoot: (id: Int64, state: ItemState)?
        if let rootID = verdict.duplicateOf, let root = try rootInfo(database, id: rootID),
           ClusterOrder.precedes(item.id, submittedAt: item.submittedAt, rootID, submittedAt: root.submittedAt),
           ClusterOrder.mayReroot(rootState: root.state) {
            replacedRoot = (rootID, root.state)
        }
        let joins = verdict.duplicateOf != nil && replacedRoot == nil
        let target: ItemState = joins ? .duplicate : .deduplicated
        let outcome = StageOutcome(itemID: item.id, from: item.state, to: target, stage: .dedup,
                                   canonicalURL: canonicalURL ?? keys.urlKeys.first)
        guard try apply(outcome, database: database, owner: owner, now: now, leaseSeconds: leaseSeconds) else {
            throw StoreError.invalidTransition(itemID: item.id, from: item.state, to: target)
        }
        if joins, let root = verdict.duplicateOf {
            try database.run("""
                UPDATE items SET duplicate_of = ?, duplicate_kind = ?, duplicate_evidence = ? WHERE id = ?
                """, [root, verdict.kind, verdict.evidence, item.id])
            try inheritRejection(database, itemID: item.id, root: root)
        } else {
            try database.run("""
                UPDATE items SET duplicate_of = NULL, duplicate_kind = NULL, duplicate_evidence = NULL WHERE id = ?
                """, [item.id])
        }
        if let replaced = replacedRoot {
            try reroot(database, from: replaced.id, state: replaced.state, to: item, verdict: verdict, owner: owner, now: now)
        }
        return DedupOutcome(state: target, verdict: verdict, replacedRoot: replacedRoot?.id)
    }

    /// What `ClusterOrder` needs of a cluster root.
    private func rootInfo(_ database: any SQLExecutor, id: Int64) throws -> (state: ItemState, submittedAt: Date)? {
        // On PostgreSQL the row stays locked to the end, so a moderator's decision cannot slip in between.
        let lock = database.dialect == .postgres ? " FOR UPDATE OF i" : ""
        return try database.query("""
            SELECT i.state, s.submitted_at FROM items i JOIN submissions s ON s.item_id = i.id WHERE i.id = ?
            """ + lock, [id]) { ($0.state(0) ?? .submitted, $0.requiredDate(1)) }.first
    }

    /// An earlier report arrived after its cluster's root was chosen: it takes the root's place. The old root
    /// and everything linked to it become duplicates of the new root; the audit log says so.
    private func reroot(_ database: any SQLExecutor, from oldRoot: Int64, state: ItemState, to item: WorkItem,
                        verdict: DedupVerdict, owner: String, now: Date) throws {
        let stamp = Timestamp.string(now)
        try database.run("UPDATE items SET duplicate_of = ? WHERE duplicate_of = ?", [item.id, oldRoot])
        try database.run("""
            UPDATE items SET state = 'duplicate', version = version + 1, updated_at = ?, duplicate_of = ?, duplicate_kind = ?,
                duplicate_evidence = ?, claim_moderator = NULL, claim_until = NULL WHERE id = ?
            """, [stamp, item.id, verdict.kind, verdict.evidence, oldRoot])
        let detail = "#\(item.id) was submitted earlier (\(Timestamp.string(item.submittedAt))): it is the cluster's root now"
        try recordTransition(database, itemID: oldRoot, from: state, to: .duplicate, stage: .dedup, actor: owner,
                             detail: detail, at: stamp)
        try database.run("""
            INSERT INTO decisions (item_id, moderator, action, reason, detail, from_state, to_state, at)
            VALUES (?, ?, 'reroot', NULL, ?, ?, 'duplicate', ?)
            """, [oldRoot, owner, detail, state.rawValue, stamp])
    }

    /// Every stored item sharing a key, resolved to the root of its cluster, earliest root first
    /// (`ClusterOrder`); clusters a moderator took this item out of are left out.
    func lookup(_ database: any SQLExecutor, keys: DedupKeys, excluding itemID: Int64) throws -> DedupCandidates {
        let excluded = try excludedRoots(database, itemID: itemID)
        let rootJoin = """
            JOIN items i ON i.id = k.item_id JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id)
            JOIN submissions rs ON rs.item_id = r.id
            """
        func roots(_ sql: String, _ values: [any SQLBindable]) throws -> [DedupCandidate] {
            var seen = excluded
            return try database.query(sql, values) { row in
                DedupCandidate(itemID: row.int(0) ?? 0, state: row.state(1) ?? .submitted, key: row.string(2) ?? "",
                               text: row.string(3), submittedAt: row.requiredDate(4))
            }.filter { $0.itemID != itemID && seen.insert($0.itemID).inserted }
        }
        var byURL: [DedupCandidate] = []
        if !keys.urlKeys.isEmpty {
            byURL = try roots("""
                SELECT r.id, r.state, k.key, NULL, rs.submitted_at FROM url_keys k \(rootJoin)
                WHERE k.key IN \(database.placeholders(keys.urlKeys.count)) AND k.item_id != ? ORDER BY rs.submitted_at, r.id
                """, keys.urlKeys + [itemID])
        }
        var byExact: [DedupCandidate] = []
        if let hash = keys.exactContentHash {
            byExact = try roots("""
                SELECT r.id, r.state, k.exact_hash, k.fingerprint, rs.submitted_at FROM content_keys k \(rootJoin)
                WHERE k.exact_hash = ? AND k.item_id != ? ORDER BY rs.submitted_at, r.id
                """, [hash, itemID])
        }
        // A band shared with any member leads to the cluster, but the judge compares with the root's own
        // fingerprint: judged against members, a cluster grows by chaining (A like B, B like C, so A joins C's
        // cluster), and articles of one template, each a little like the next, all end up in one cluster.
        var byBand: [DedupCandidate] = []
        if !keys.bandKeys.isEmpty {
            let bands = database.placeholders(keys.bandKeys.count)
            byBand = try database.query("""
                SELECT DISTINCT r.id, r.state, c.fingerprint, rs.submitted_at FROM (
                    SELECT item_id FROM fingerprint_bands WHERE band IN \(bands)
                    UNION SELECT item_id FROM fingerprint_bands_recent WHERE band IN \(bands)) b
                JOIN items i ON i.id = b.item_id JOIN items r ON r.id = COALESCE(i.duplicate_of, i.id)
                JOIN content_keys c ON c.item_id = r.id JOIN submissions rs ON rs.item_id = r.id
                WHERE b.item_id != ?
                ORDER BY rs.submitted_at, r.id
                """, keys.bandKeys + keys.bandKeys + [itemID]) { row in
                DedupCandidate(itemID: row.int(0) ?? 0, state: row.state(1) ?? .submitted, key: row.string(2) ?? "",
                               text: nil, submittedAt: row.requiredDate(3))
            }.filter { $0.itemID != itemID && !excluded.contains($0.itemID) }
        }
        return DedupCandidates(byURL: byURL, byExactContent: byExact, byFingerprintBand: byBand)
    }

    /// Records the keys an item is known by, so later items find it. A key another worker inserted first is
    /// no error: the key is the same either way.
    func recordKeys(_ database: any SQLExecutor, itemID: Int64, keys: DedupKeys) throws {
        for key in Set(keys.urlKeys).sorted() {
            try database.run("INSERT INTO url_keys (key, item_id) VALUES (?, ?) ON CONFLICT DO NOTHING", [key, itemID])
        }
        if keys.exactContentHash != nil || keys.fingerprint != nil {
            try database.run("""
                INSERT INTO content_keys (item_id, exact_hash, fingerprint) VALUES (?, ?, ?)
                ON CONFLICT (item_id) DO UPDATE SET exact_hash = excluded.exact_hash, fingerprint = excluded.fingerprint
                """, [itemID, keys.exactContentHash, keys.fingerprint])
        }
        // Many rows to a statement: one statement per key was a round trip per key (28 an item) on PostgreSQL.
        let bands = Set(keys.bandKeys).sorted()
        for start in stride(from: 0, to: bands.count, by: Self.bandRowsPerStatement) {
            let chunk = bands[start..<min(start + Self.bandRowsPerStatement, bands.count)]
            try database.run("""
                INSERT INTO fingerprint_bands_recent (band, item_id) VALUES \(Array(repeating: "(?, ?)", count: chunk.count)
                    .joined(separator: ", ")) ON CONFLICT DO NOTHING
                """, chunk.flatMap { [$0, itemID] as [any SQLBindable] })
        }
    }

    public func dedupKeysVersion() throws -> String? {
        try sql.read { try metaValue($0, key: Self.dedupVersionKey) }
    }

    func metaValue(_ database: any SQLExecutor, key: String) throws -> String? {
        try database.query("SELECT value FROM meta WHERE key = ?", [key]) { $0.string(0) }.first ?? nil
    }

    func setMetaValue(_ database: any SQLExecutor, key: String, value: String) throws {
        try database.run("""
            INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, [key, value])
    }

    @discardableResult
    public func rekey(version: String, force: Bool, keys: (WorkItem) -> DedupKeys) throws -> Int? {
        try sql.dedup { database in
            let stored = try metaValue(database, key: Self.dedupVersionKey)
            guard force || stored != version else { return nil }
            let ids = try database.query("""
                SELECT id FROM items WHERE state NOT IN ('submitted', 'fetched', 'parsed', 'failed')
                OR id IN (SELECT item_id FROM url_keys) OR id IN (SELECT item_id FROM content_keys) ORDER BY id
                """) { $0.int(0) ?? 0 }
            for id in ids {
                guard let item = try keyedItem(database, id: id) else { continue }
                for table in ["url_keys", "content_keys", "fingerprint_bands", "fingerprint_bands_recent"] {
                    try database.run("DELETE FROM \(table) WHERE item_id = ?", [id])
                }
                try recordKeys(database, itemID: id, keys: keys(item))
            }
            try setMetaValue(database, key: Self.dedupVersionKey, value: version)
            return ids.count
        }
    }

    /// The item as the dedup stage sees it: URL, note, capture metadata (no body) and page.
    func keyedItem(_ database: any SQLExecutor, id: Int64) throws -> WorkItem? {
        try database.query("""
            SELECT i.state, s.url, s.note, v.name, p.page_json, s.submitted_at,
                   (SELECT metadata_json FROM captures c WHERE c.item_id = i.id ORDER BY c.id DESC LIMIT 1)
            FROM items i JOIN submissions s ON s.item_id = i.id JOIN volunteers v ON v.id = s.volunteer_id
            LEFT JOIN pages p ON p.item_id = i.id WHERE i.id = ?
            """, [id]) { row in
            WorkItem(id: id, state: row.state(0) ?? .submitted, url: row.string(1), note: row.string(2),
                     volunteer: row.string(3) ?? "", capture: decodeJSON(Capture.self, row.string(6)),
                     page: decodeJSON(Page.self, row.string(4)), submittedAt: row.requiredDate(5))
        }.first
    }

    /// Roots an item must never be matched to again (clusters a moderator split), in either direction.
    func excludedRoots(_ database: any SQLExecutor, itemID: Int64) throws -> Set<Int64> {
        Set(try database.query("""
            SELECT root_id FROM dedup_exclusions WHERE item_id = ? UNION SELECT item_id FROM dedup_exclusions WHERE root_id = ?
            """, [itemID, itemID]) { $0.int(0) ?? 0 })
    }

    public func settleFailedFetch(_ outcome: StageOutcome, urlKeys: [String], owner: String, at now: Date) throws -> ItemState? {
        try sql.dedup { database in
            let candidates = try lookup(database, keys: DedupKeys(urlKeys: urlKeys, exactContentHash: nil, fingerprint: nil,
                                                                   bandKeys: []), excluding: outcome.itemID)
            guard let root = candidates.byURL.first else {
                return try apply(outcome, database: database, owner: owner, now: now, leaseSeconds: 0) ? .failed : nil
            }
            var report = outcome
            report.to = .duplicate
            guard try apply(report, database: database, owner: owner, now: now, leaseSeconds: 0) else { return nil }
            try recordKeys(database, itemID: outcome.itemID, keys: DedupKeys(urlKeys: urlKeys, exactContentHash: nil,
                                                                              fingerprint: nil, bandKeys: []))
            try database.run("""
                UPDATE items SET duplicate_of = ?, duplicate_kind = 'url', duplicate_evidence = ? WHERE id = ?
                """, [root.itemID, root.key, outcome.itemID])
            try inheritRejection(database, itemID: outcome.itemID, root: root.itemID)
            return .duplicate
        }
    }

    public func dedupPair(itemID: Int64) throws -> DedupPair? {
        try sql.read { database in
            guard let row = try database.query("""
                SELECT duplicate_of, duplicate_kind, duplicate_evidence FROM items WHERE id = ?
                """, [itemID], { ($0.int(0), $0.string(1), $0.string(2)) }).first else {
                throw StoreError.notFound(itemID: itemID)
            }
            guard let rootID = row.0, let item = try side(database, id: itemID), let root = try side(database, id: rootID) else {
                return nil
            }
            return DedupPair(item: item, root: root, kind: row.1, evidence: row.2)
        }
    }

    private func side(_ database: any SQLExecutor, id: Int64) throws -> DedupSide? {
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
