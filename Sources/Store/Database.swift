internal import CSQLite
import Foundation

/// An error from SQLite: the primary and extended result codes, SQLite's own message and the SQL.
public struct SQLiteError: Error, CustomStringConvertible, Equatable {
    public var code: Int32
    public var extendedCode: Int32
    public var message: String
    public var sql: String?

    public var description: String {
        if let sql { return "SQLite error \(extendedCode): \(message) (in: \(sql.prefix(200)))" }
        return "SQLite error \(extendedCode): \(message)"
    }

    /// SQLITE_BUSY and SQLITE_LOCKED: another connection holds the lock past the busy timeout.
    public var isBusy: Bool { code == 5 || code == 6 }
    /// SQLITE_CONSTRAINT.
    public var isConstraint: Bool { code == 19 }
}

/// A value bound to a statement parameter.
enum SQLValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

protocol SQLBindable { var sqlValue: SQLValue { get } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Data: SQLBindable { var sqlValue: SQLValue { .blob(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// Owns one `sqlite3*` connection, closed with `sqlite3_close_v2` in `deinit`.
///
/// Not thread-safe: SQLite connections must not be used from two threads at once, so the connection lives
/// inside the `Store`'s mutex and never leaves it.
final class Database {
    private let handle: OpaquePointer
    let path: String

    init(path: String) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(connection)
            throw SQLiteError(code: status, extendedCode: status, message: "\(path): \(message)", sql: nil)
        }
        handle = connection
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func check(_ status: Int32, sql: String?) throws {
        guard status != SQLITE_OK, status != SQLITE_ROW, status != SQLITE_DONE else { return }
        throw SQLiteError(code: status & 0xFF, extendedCode: status,
                          message: "\(path): \(String(cString: sqlite3_errmsg(handle)))", sql: sql)
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, 0, &statement, nil), sql: sql)
        guard let statement else {
            throw SQLiteError(code: 21, extendedCode: 21, message: "empty statement", sql: sql)
        }
        return Statement(database: self, handle: statement, sql: sql)
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(code: status & 0xFF, extendedCode: status, message: "\(path): \(message)", sql: sql)
        }
    }

    @discardableResult
    func run(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int64 {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
        return sqlite3_changes64(handle)
    }

    func query<T>(_ sql: String, _ values: [any SQLBindable] = [], _ row: (Row) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() { rows.append(try row(Row(statement: statement))) }
        return rows
    }

    func scalar(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int64? {
        try query(sql, values) { $0.int(0) }.first ?? nil
    }

    var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// `BEGIN IMMEDIATE` takes the write lock at once, so two writers never both read and then fail to upgrade.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// Owns one prepared `sqlite3_stmt*`, finalized in `deinit`; holds its connection strongly so the
/// connection outlives it.
final class Statement {
    private let database: Database
    fileprivate let handle: OpaquePointer
    let sql: String

    fileprivate init(database: Database, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds with explicit byte lengths: strings may legitimately contain NUL.
    func bind(_ values: [any SQLBindable]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value.sqlValue {
            case .null:
                status = sqlite3_bind_null(handle, index)
            case .integer(let number):
                status = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                status = sqlite3_bind_double(handle, index, number)
            case .text(let text):
                var utf8 = Array(text.utf8)
                utf8.append(0)
                status = utf8.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        sluice_sqlite3_bind_text_transient(handle, index, $0, Int32(buffer.count - 1))
                    }
                }
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { buffer in
                    sluice_sqlite3_bind_blob_transient(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count))
                }
            }
            try database.check(status, sql: sql)
        }
    }

    /// True while a row is available.
    func step() throws -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        if status == SQLITE_DONE { return false }
        try database.check(status, sql: sql)
        return false
    }
}

/// A view of the current row of a statement; valid only inside the row closure of `Database.query`.
struct Row {
    fileprivate let statement: Statement

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement.handle, column) == SQLITE_NULL }

    func int(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(statement.handle, column)
    }

    func double(_ column: Int32) -> Double? {
        isNull(column) ? nil : sqlite3_column_double(statement.handle, column)
    }

    func string(_ column: Int32) -> String? {
        guard !isNull(column), let text = sqlite3_column_text(statement.handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement.handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func data(_ column: Int32) -> Data? {
        guard !isNull(column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement.handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement.handle, column) else { return Data() }
        return Data(bytes: bytes, count: count)
    }
}

@available(*, unavailable)
extension Database: Sendable {}
@available(*, unavailable)
extension Statement: Sendable {}
