import Foundation
import SluiceCore

/// What happened to a submission.
public enum SubmitOutcome: Sendable, Equatable {
    case created(itemID: Int64)
    /// The same volunteer already sent the same URL and note: nothing new was stored.
    case alreadyPresent(itemID: Int64)

    public var itemID: Int64 {
        switch self {
        case .created(let id), .alreadyPresent(let id): id
        }
    }
}

/// An item already known under some URL key, for telling a volunteer at once.
public struct KnownItem: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    public var updatedAt: Date
}

extension Store {
    /// Stores a validated submission as a new item in `submitted`, once per (volunteer, URL, note).
    public func submit(_ submission: Submission, at now: Date = Date()) throws -> SubmitOutcome {
        let volunteer = submission.volunteer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !volunteer.isEmpty else { throw StoreError.emptyVolunteer }
        let identity = [volunteer, submission.url ?? "", submission.note ?? ""].joined(separator: "\u{1F}")
        let stamp = Timestamp.string(now)
        return try write { database in
            if let existing = try database.scalar("SELECT item_id FROM submissions WHERE identity = ?", [identity]) {
                return .alreadyPresent(itemID: existing)
            }
            try database.run("INSERT OR IGNORE INTO volunteers (name, created_at) VALUES (?, ?)", [volunteer, stamp])
            let volunteerID = try database.scalar("SELECT id FROM volunteers WHERE name = ?", [volunteer]) ?? 0
            try database.run("""
                INSERT INTO items (state, url, created_at, updated_at) VALUES (?, ?, ?, ?)
                """, [ItemState.submitted.rawValue, submission.url, stamp, stamp])
            let itemID = database.lastInsertID
            try database.run("""
                INSERT INTO submissions (item_id, volunteer_id, url, note, identity, source, submitted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [itemID, volunteerID, submission.url, submission.note, identity, submission.source, stamp])
            try database.run("""
                INSERT INTO transitions (item_id, from_state, to_state, stage, actor, detail, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [itemID, ItemState.submitted.rawValue, ItemState.submitted.rawValue, Stage.intake.rawValue,
                      volunteer, submission.source, stamp])
            return .created(itemID: itemID)
        }
    }

    /// The first item (the root of its cluster) already known under any of these URL keys, if any.
    public func knownItem(urlKeys: [String]) throws -> KnownItem? {
        guard !urlKeys.isEmpty else { return nil }
        return try read { database in
            let placeholders = Array(repeating: "?", count: urlKeys.count).joined(separator: ",")
            let rows = try database.query("""
                SELECT COALESCE(i.duplicate_of, i.id) FROM url_keys k JOIN items i ON i.id = k.item_id
                WHERE k.key IN (\(placeholders)) ORDER BY i.id LIMIT 1
                """, urlKeys) { $0.int(0) ?? 0 }
            guard let rootID = rows.first else { return nil }
            return try database.query("SELECT id, state, updated_at FROM items WHERE id = ?", [rootID]) { row in
                KnownItem(id: row.int(0) ?? 0, state: ItemState(rawValue: row.string(1) ?? "") ?? .submitted,
                          updatedAt: Timestamp.date(row.string(2)) ?? Date(timeIntervalSince1970: 0))
            }.first
        }
    }
}
