import Foundation
import SluiceCore

/// The SQLite store: one file holding volunteers, submissions, items and their state machine, captures,
/// dedup keys, the moderators' audit log and the publication ledger.
///
/// Every public method is one transaction. Other processes (a second moderator, another `sluice run`)
/// are serialized by SQLite's own locking in WAL mode with a busy timeout.
///
/// `@unchecked Sendable` because the connection is not thread-safe (opened with SQLITE_OPEN_NOMUTEX):
/// it is private and touched only inside `withDatabase`, which holds `lock`, so at most one thread uses
/// it at a time and it never escapes.
public final class Store: @unchecked Sendable {
    private let database: Database
    private let lock = NSLock()
    public let path: String

    /// Opens (creating if needed) and migrates the store at `path`.
    public init(path: String) throws {
        let database = try Database(path: path)
        try database.execute("""
            PRAGMA busy_timeout = 10000;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA foreign_keys = ON;
            """)
        try Store.migrate(database)
        self.database = database
        self.path = path
    }

    static func migrate(_ database: Database) throws {
        let applied = Int(try database.scalar("PRAGMA user_version") ?? 0)
        guard applied < Schema.migrations.count else {
            if applied > Schema.migrations.count {
                throw StoreError.newerSchema(path: database.path, found: applied, known: Schema.migrations.count)
            }
            return
        }
        try database.transaction {
            for (index, migration) in Schema.migrations.enumerated() where index >= applied {
                try database.execute(migration)
            }
            try database.execute("PRAGMA user_version = \(Schema.migrations.count)")
        }
    }

    /// The schema version this store is at.
    public func schemaVersion() throws -> Int {
        try read { Int(try $0.scalar("PRAGMA user_version") ?? 0) }
    }

    /// Runs `body` inside one write transaction.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try lock.withLock { try database.transaction { try body(database) } }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try lock.withLock { try body(database) }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { database in try database.query("PRAGMA integrity_check") { $0.string(0) ?? "" }.joined(separator: "; ") }
    }
}

/// Errors the store reports in its own words (SQLite's errors come as `SQLiteError`).
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case newerSchema(path: String, found: Int, known: Int)
    case notFound(itemID: Int64)
    case invalidTransition(itemID: Int64, from: ItemState, to: ItemState)
    case staleVersion(itemID: Int64, expected: Int, actual: Int)
    case claimedByOther(itemID: Int64, moderator: String, until: Date)
    case emptyVolunteer
    case nothingToUndo

    public var description: String {
        switch self {
        case .newerSchema(let path, let found, let known):
            "\(path): schema version \(found) is newer than this sluice knows (\(known)); upgrade sluice"
        case .notFound(let id):
            "item #\(id) does not exist"
        case .invalidTransition(let id, let from, let to):
            "item #\(id) is \(from.rawValue); it cannot become \(to.rawValue)"
        case .staleVersion(let id, let expected, let actual):
            "item #\(id) changed since it was shown (version \(expected), now \(actual)); look again before deciding"
        case .claimedByOther(let id, let moderator, let until):
            "item #\(id) is being reviewed by \(moderator) until \(Timestamp.string(until))"
        case .emptyVolunteer:
            "a volunteer name is required"
        case .nothingToUndo:
            "there is no decision of yours left to undo"
        }
    }
}

/// Dates as ISO 8601 text in UTC with milliseconds: sortable, readable in the SQLite shell.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func string(_ date: Date) -> String { date.formatted(style) }

    public static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        return try? style.parse(text)
    }

    /// `YYYY-MM` of a date in UTC: the column a publication belongs to.
    public static func month(_ date: Date) -> String { String(string(date).prefix(7)) }
}
