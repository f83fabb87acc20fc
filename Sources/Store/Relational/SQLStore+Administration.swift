import Foundation
import SluiceCore

extension SQLStore {
    public var currentSchemaVersion: Int { Schema.templates.count }

    /// Each link of the schema checked from both ends where both must exist, in SQL both databases run
    /// (SQLite does not enforce links on files written without foreign keys on).
    public func orphanRows() throws -> [OrphanRows] {
        let missingItem: [(String, String)] = [
            ("submissions without their item", "submissions"), ("captures of a missing item", "captures"),
            ("transitions of a missing item", "transitions"), ("decisions on a missing item", "decisions"),
            ("URL keys of a missing item", "url_keys"), ("publications of a missing item", "published"),
            ("evidence of a missing item", "evidence"),
        ]
        var checks = missingItem.map { what, table in
            (what, "SELECT COUNT(*) FROM \(table) t LEFT JOIN items i ON i.id = t.item_id WHERE i.id IS NULL")
        }
        checks.append(("items without a submission",
                       "SELECT COUNT(*) FROM items i LEFT JOIN submissions s ON s.item_id = i.id WHERE s.id IS NULL"))
        checks.append(("duplicates of a missing item", """
            SELECT COUNT(*) FROM items i LEFT JOIN items r ON r.id = i.duplicate_of
            WHERE i.duplicate_of IS NOT NULL AND r.id IS NULL
            """))
        return try sql.read { database in
            try checks.compactMap { what, query in
                let count = Int(try database.scalar(query) ?? 0)
                return count > 0 ? OrphanRows(what: what, count: count) : nil
            }
        }
    }
}
