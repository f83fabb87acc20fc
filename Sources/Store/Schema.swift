/// Forward-only migrations; `PRAGMA user_version` records how many have been applied.
/// A migration is never edited once released: a change is a new entry at the end.
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE volunteers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            url TEXT,
            final_url TEXT,
            canonical_url TEXT,
            title TEXT,
            description TEXT,
            site TEXT,
            excerpt TEXT,
            page_json TEXT,
            category TEXT,
            category_source TEXT,
            classification_json TEXT,
            p_approve REAL,
            priority REAL NOT NULL DEFAULT 0,
            problem_code TEXT,
            problem_stage TEXT,
            problem_message TEXT,
            duplicate_of INTEGER REFERENCES items(id),
            duplicate_kind TEXT,
            duplicate_evidence TEXT,
            decision_reason TEXT,
            lease_owner TEXT,
            lease_until REAL,
            claim_moderator TEXT,
            claim_until REAL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX items_state ON items(state, priority DESC, id);
        CREATE INDEX items_duplicate_of ON items(duplicate_of);
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL UNIQUE REFERENCES items(id),
            volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
            url TEXT,
            note TEXT,
            identity TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            submitted_at TEXT NOT NULL
        );
        CREATE INDEX submissions_volunteer ON submissions(volunteer_id);
        CREATE TABLE captures (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            metadata_json TEXT NOT NULL,
            body BLOB NOT NULL,
            fetched_at TEXT NOT NULL
        );
        CREATE INDEX captures_item ON captures(item_id);
        CREATE TABLE transitions (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            stage TEXT NOT NULL,
            actor TEXT NOT NULL,
            detail TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX transitions_item ON transitions(item_id);
        CREATE TABLE url_keys (
            key TEXT NOT NULL,
            item_id INTEGER NOT NULL REFERENCES items(id),
            PRIMARY KEY (key, item_id)
        );
        CREATE TABLE content_keys (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            exact_hash TEXT,
            fingerprint TEXT
        );
        CREATE INDEX content_keys_exact ON content_keys(exact_hash);
        CREATE TABLE fingerprint_bands (
            band INTEGER NOT NULL,
            item_id INTEGER NOT NULL REFERENCES items(id),
            PRIMARY KEY (band, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            moderator TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT,
            detail TEXT,
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            before_json TEXT,
            undoes INTEGER REFERENCES decisions(id),
            at TEXT NOT NULL
        );
        CREATE INDEX decisions_item ON decisions(item_id);
        CREATE TABLE published (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            month TEXT NOT NULL,
            published_at TEXT NOT NULL,
            slug TEXT,
            path TEXT,
            evidence_sha256 TEXT,
            evidence_text TEXT,
            captured_at TEXT,
            retracted_at TEXT,
            retract_reason TEXT
        );
        CREATE INDEX published_month ON published(month);
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            trained_at TEXT NOT NULL,
            examples INTEGER NOT NULL,
            body BLOB NOT NULL
        );
        """,
        // 2: evidence frozen at approval, the state of published sources (`recheck`), and the ledger
        // entries a republication replaced, so a retraction is never forgotten.
        """
        CREATE TABLE evidence (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            text TEXT NOT NULL,
            sanitized_html TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            html_sha256 TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            frozen_at TEXT NOT NULL
        );
        CREATE TABLE source_checks (
            item_id INTEGER PRIMARY KEY REFERENCES items(id),
            state TEXT NOT NULL,
            since TEXT NOT NULL,
            checked_at TEXT NOT NULL,
            detail TEXT
        );
        CREATE TABLE retracted_publications (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            month TEXT NOT NULL,
            published_at TEXT NOT NULL,
            slug TEXT,
            path TEXT,
            evidence_sha256 TEXT,
            retracted_at TEXT NOT NULL,
            retract_reason TEXT
        );
        CREATE INDEX retracted_publications_item ON retracted_publications(item_id);
        """,
        // 3: fingerprint bands looked up by item (does an item share a band with rejected content).
        "CREATE INDEX fingerprint_bands_item ON fingerprint_bands(item_id);",
        // 4: the versions of the URL rules and fingerprint options the stored dedup keys were made with (a
        // change re-keys every item), and the clusters moderators split (`review unlink`), so an item is
        // never matched to a cluster it was taken out of.
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE dedup_exclusions (
            item_id INTEGER NOT NULL REFERENCES items(id),
            root_id INTEGER NOT NULL REFERENCES items(id),
            moderator TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (item_id, root_id)
        );
        """,
    ]
}
