import Foundation
import SluiceCore
import SluicePublish

extension Store {
    /// Freezes an item's evidence inside the caller's transaction (approval calls it): the page's
    /// extracted main text, or for intel without a page (a note, a file that is not HTML) the note, with a
    /// sanitized HTML rendering, their SHA-256 digests and the capture date (the submission date when
    /// nothing was fetched). Approving again replaces it, so the evidence is what the last approval saw.
    @discardableResult
    func freezeEvidence(_ database: Database, itemID: Int64, at now: Date) throws -> FrozenEvidence {
        guard let row = try database.query("""
            SELECT i.title, i.page_json, s.note, i.description, s.submitted_at FROM items i
            JOIN submissions s ON s.item_id = i.id WHERE i.id = ?
            """, [itemID], { row in
            (title: row.string(0), page: row.string(1), note: row.string(2), description: row.string(3),
             submittedAt: Timestamp.date(row.string(4)))
        }).first else { throw StoreError.notFound(itemID: itemID) }
        let page = row.page.flatMap { try? JSONDecoder().decode(Page.self, from: Data($0.utf8)) }
        let text = [page?.mainText, row.note, row.description].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let capturedAt = try latestCapture(database, itemID: itemID)?.fetchedAt ?? row.submittedAt ?? now
        let evidence = FrozenEvidence.freeze(title: row.title, text: text, capturedAt: capturedAt)
        try database.run("""
            INSERT OR REPLACE INTO evidence (item_id, text, sanitized_html, text_sha256, html_sha256, captured_at, frozen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [itemID, evidence.text, evidence.sanitizedHTML, evidence.textSHA256, evidence.htmlSHA256,
                  Timestamp.string(evidence.capturedAt), Timestamp.string(now)])
        return evidence
    }

    /// The evidence frozen when the item was approved, nil when it never was (or was approved by a version
    /// of sluice that did not freeze evidence).
    public func evidence(itemID: Int64) throws -> FrozenEvidence? {
        try read { database in try storedEvidence(database, itemID: itemID) }
    }

    /// The frozen evidence of an approved item, frozen now for an item approved before evidence was
    /// frozen at approval.
    public func evidenceForPublication(itemID: Int64) throws -> FrozenEvidence {
        try write { database in
            try storedEvidence(database, itemID: itemID) ?? freezeEvidence(database, itemID: itemID, at: Date())
        }
    }

    private func storedEvidence(_ database: Database, itemID: Int64) throws -> FrozenEvidence? {
        try database.query("""
            SELECT text, sanitized_html, text_sha256, html_sha256, captured_at FROM evidence WHERE item_id = ?
            """, [itemID]) { row in
            var evidence = FrozenEvidence(text: row.string(0) ?? "", sanitizedHTML: row.string(1) ?? "",
                                          capturedAt: Timestamp.date(row.string(4)) ?? Date(timeIntervalSince1970: 0))
            // The stored digests, not recomputed ones, so `isIntact` can tell a damaged row.
            evidence.textSHA256 = row.string(2) ?? ""
            evidence.htmlSHA256 = row.string(3) ?? ""
            return evidence
        }.first
    }

    /// Records what a recheck of an item's source found and returns the status the column shows. `since`
    /// (the status's `checkedAt`) is when the state was first seen, so "source deleted on …" keeps the day
    /// the deletion was noticed however often the month is rechecked.
    @discardableResult
    public func recordSourceCheck(itemID: Int64, state: SourceState, detail: String?, at now: Date = Date()) throws -> SourceStatus {
        try write { database in
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

    /// The last recheck's finding for an item, nil when it was never rechecked.
    public func sourceStatus(itemID: Int64) throws -> SourceStatus? {
        try read { database in try sourceStatus(database, itemID: itemID) }
    }

    private func sourceStatus(_ database: Database, itemID: Int64) throws -> SourceStatus? {
        try database.query("SELECT state, since FROM source_checks WHERE item_id = ?", [itemID]) { row -> SourceStatus? in
            guard let state = row.string(0).flatMap(SourceState.init(rawValue:)),
                  let since = Timestamp.date(row.string(1)) else { return nil }
            return SourceStatus(state: state, checkedAt: since)
        }.first ?? nil
    }
}
