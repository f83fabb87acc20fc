import Foundation
import SluiceCore

/// The column types the store binds and reads. PostgreSQL needs each parameter's type (a NULL included) to
/// plan a statement; SQLite ignores it.
enum SQLType: Sendable {
    case integer, real, text, blob
}

/// A value bound to a statement parameter.
enum SQLValue: Sendable {
    case null(SQLType)
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

protocol SQLBindable {
    static var sqlType: SQLType { get }
    var sqlValue: SQLValue { get }
}

extension Int64: SQLBindable {
    static var sqlType: SQLType { .integer }
    var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLBindable {
    static var sqlType: SQLType { .integer }
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Double: SQLBindable {
    static var sqlType: SQLType { .real }
    var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    static var sqlType: SQLType { .text }
    var sqlValue: SQLValue { .text(self) }
}

extension Data: SQLBindable {
    static var sqlType: SQLType { .blob }
    var sqlValue: SQLValue { .blob(self) }
}

extension Bool: SQLBindable {
    static var sqlType: SQLType { .integer }
    var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    static var sqlType: SQLType { Wrapped.sqlType }
    var sqlValue: SQLValue { self?.sqlValue ?? .null(Wrapped.sqlType) }
}

/// The current row of a query, valid only inside the row closure of `SQLExecutor.query`.
protocol SQLRow {
    func isNull(_ column: Int32) -> Bool
    func int(_ column: Int32) -> Int64?
    func double(_ column: Int32) -> Double?
    func string(_ column: Int32) -> String?
    func data(_ column: Int32) -> Data?
}

extension SQLRow {
    /// An item state as stored; nil for NULL or a word this sluice does not know.
    func state(_ column: Int32) -> ItemState? { string(column).flatMap(ItemState.init(rawValue:)) }
    func date(_ column: Int32) -> Date? { Timestamp.date(string(column)) }
    /// A date that is always stored; the epoch stands in for a damaged value rather than failing a listing.
    func requiredDate(_ column: Int32) -> Date { date(column) ?? Date(timeIntervalSince1970: 0) }
}

/// The SQL the two databases do not share: written once per dialect, used by one shared store.
enum SQLDialect: Sendable {
    case sqlite, postgres

    /// The server's clock in seconds since 1970, with fractions: leases and claims use it so hosts with
    /// skewed clocks still agree on who holds what.
    var now: String {
        switch self {
        case .sqlite: "((julianday('now') - 2440587.5) * 86400.0)"
        case .postgres: "(extract(epoch from clock_timestamp())::double precision)"
        }
    }

    /// The statement text as this dialect takes it: `{now}` becomes the server's clock; for PostgreSQL,
    /// `?` placeholders (outside quoted literals) become `$1`, `$2`, ….
    func render(_ sql: String) -> String {
        let withClock = sql.replacingOccurrences(of: "{now}", with: now)
        guard self == .postgres else { return withClock }
        var rendered = ""
        rendered.reserveCapacity(withClock.utf8.count + 16)
        var index = 0
        var quote: Character?
        for character in withClock {
            if let open = quote {
                if character == open { quote = nil }
                rendered.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                rendered.append(character)
            } else if character == "?" {
                index += 1
                rendered += "$\(index)"
            } else {
                rendered.append(character)
            }
        }
        return rendered
    }
}

/// One connection inside one transaction: the store's SQL runs only through this, never on a raw handle.
protocol SQLExecutor {
    var dialect: SQLDialect { get }
    /// Runs a statement; the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [any SQLBindable]) throws -> Int64
    func query<T>(_ sql: String, _ values: [any SQLBindable], _ row: (any SQLRow) throws -> T) throws -> [T]
    /// Runs statements without parameters (schema changes), several separated by `;`.
    func execute(_ sql: String) throws
}

extension SQLExecutor {
    @discardableResult
    func run(_ sql: String) throws -> Int64 { try run(sql, []) }

    func query<T>(_ sql: String, _ row: (any SQLRow) throws -> T) throws -> [T] { try query(sql, [], row) }

    func scalar(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int64? {
        try query(sql, values) { $0.int(0) }.first ?? nil
    }

    /// Runs an `INSERT` and returns the new row's `id` (`RETURNING id`, which both databases take).
    func insert(_ sql: String, _ values: [any SQLBindable]) throws -> Int64 {
        guard let id = try query(sql + " RETURNING id", values, { $0.int(0) }).first ?? nil else {
            throw SQLStoreFailure.noRowReturned(sql: sql)
        }
        return id
    }

    /// `(?, ?, …)` for `count` values.
    func placeholders(_ count: Int) -> String {
        "(" + Array(repeating: "?", count: max(count, 1)).joined(separator: ", ") + ")"
    }
}

/// A statement that broke the store's own expectations (a bug, or a damaged database).
enum SQLStoreFailure: Error, CustomStringConvertible {
    case noRowReturned(sql: String)

    var description: String {
        switch self {
        case .noRowReturned(let sql): "the database returned no row for: \(sql.prefix(120))"
        }
    }
}

/// What a transaction is for: the backends take different locks and promise different durability for each.
enum TransactionKind {
    case read
    /// Durable once committed, even across a crash of the machine: moderators' decisions, publications, intake.
    case write
    /// A pipeline stage's outcomes: durable across a crash of the process, not necessarily of the machine, where
    /// the last commits may be lost whole (never half) and the pipeline does that work again.
    case pipeline
    /// A dedup lookup and the keys it records: serialized against every other one on the store; a pipeline
    /// transaction otherwise.
    case dedup

    /// Whether a crash of the machine right after the commit may lose it.
    var mayLoseOnMachineCrash: Bool { self == .pipeline || self == .dedup }
}

/// A database holding one sluice store: SQLite's file or a PostgreSQL server.
protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one transaction of `kind`, retrying it from the start when the database reports a lost
    /// race (busy, serialization failure) or, for PostgreSQL, a lost connection: every body is written to be
    /// safe to run again (its writes are guarded by the state it reads).
    func transaction<T>(_ kind: TransactionKind, _ body: (any SQLExecutor) throws -> T) throws -> T
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
    guard let text else { return nil }
    return try? JSONDecoder().decode(type, from: Data(text.utf8))
}
