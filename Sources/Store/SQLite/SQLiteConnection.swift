internal import CSQLite
import Foundation
import SluiceCore

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
    /// SQLITE_READONLY: the file, its folder or the connection cannot be written.
    public var isReadOnly: Bool { code == 8 }
}

/// How a connection opens its file.
enum SQLiteOpenMode {
    case readWrite, readWriteCreate, readOnly
    /// Read-only, and the file is promised not to change while open (`immutable=1`): SQLite then takes no
    /// locks and needs no `-shm` file. Only for a WAL store nobody has open whose folder we cannot write,
    /// where a plain read-only open cannot create the `-shm` file it needs.
    case immutable

    var flags: Int32 {
        switch self {
        case .readWrite: SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        case .readOnly: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        case .immutable: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        }
    }

    /// What `sqlite3_open_v2` is given: the path, or for `immutable` a `file:` URI with the reserved
    /// characters of the path percent-encoded.
    func name(_ path: String) -> String {
        guard self == .immutable else { return path }
        var encoded = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%", "?", "#": encoded += String(format: "%%%02X", scalar.value)
            default: encoded.unicodeScalars.append(scalar)
            }
        }
        return "file:" + encoded + "?immutable=1"
    }
}

/// Owns one `sqlite3*` connection, closed with `sqlite3_close_v2` in `deinit`, and the statements it has
/// prepared (kept for reuse, finalized before the connection closes). A cached statement holds its connection
/// strongly, so whoever owns a connection calls `finalizeStatements()` when done with it; only then can the
/// connection go, and with the last connection closed SQLite checkpoints the WAL and removes its files.
///
/// Not thread-safe: SQLite connections must not be used from two threads at once, so the connection lives
/// inside `SQLiteDatabase`'s mutex and never leaves it.
final class SQLiteConnection: SQLExecutor {
    private let handle: OpaquePointer
    let path: String
    let dialect = SQLDialect.sqlite
    private var cache: [String: SQLiteStatement] = [:]

    init(path: String, mode: SQLiteOpenMode) throws {
        var connection: OpaquePointer?
        let status = sqlite3_open_v2(mode.name(path), &connection, mode.flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(connection)
            throw SQLiteError(code: status & 0xFF, extendedCode: status, message: "\(path): \(message)", sql: nil)
        }
        handle = connection
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Finalizes the cached statements, letting go of the references they hold on this connection.
    func finalizeStatements() {
        cache.removeAll()
    }

    /// Opens a connection for the length of `body`, and lets it close afterwards.
    static func with<T>(path: String, mode: SQLiteOpenMode, _ body: (SQLiteConnection) throws -> T) throws -> T {
        let connection = try SQLiteConnection(path: path, mode: mode)
        defer { connection.finalizeStatements() }
        return try body(connection)
    }

    /// True when SQLite opened the file for reading only, as it does silently when asked for read-write on
    /// a file the process may not write.
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    func check(_ status: Int32, sql: String?) throws {
        guard status != SQLITE_OK, status != SQLITE_ROW, status != SQLITE_DONE else { return }
        throw SQLiteError(code: status & 0xFF, extendedCode: status,
                          message: "\(path): \(String(cString: sqlite3_errmsg(handle)))", sql: sql)
    }

    /// A prepared statement for `sql`, from the cache when this connection has run it before and it is not
    /// running now (a query nested in another's row closure gets a statement of its own).
    private func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = cache[sql], !cached.inUse { return cached }
        var prepared: OpaquePointer?
        let rendered = dialect.render(sql)
        try check(sqlite3_prepare_v3(handle, rendered, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil), sql: sql)
        guard let prepared else {
            throw SQLiteError(code: 21, extendedCode: 21, message: "\(path): empty statement", sql: sql)
        }
        let statement = SQLiteStatement(connection: self, handle: prepared, sql: sql)
        if cache[sql] == nil { cache[sql] = statement }
        return statement
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, dialect.render(sql), nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(code: status & 0xFF, extendedCode: status, message: "\(path): \(message)", sql: sql)
        }
    }

    @discardableResult
    func run(_ sql: String, _ values: [any SQLBindable]) throws -> Int64 {
        let statement = try statement(sql)
        statement.inUse = true
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
        return sqlite3_changes64(handle)
    }

    func query<T>(_ sql: String, _ values: [any SQLBindable], _ row: (any SQLRow) throws -> T) throws -> [T] {
        let statement = try statement(sql)
        statement.inUse = true
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [T] = []
        let view = SQLiteRow(statement: statement)
        while try statement.step() { rows.append(try row(view)) }
        return rows
    }

    /// `BEGIN IMMEDIATE` takes the write lock at once, so two writers never both read and then fail to
    /// upgrade; a read runs in a deferred transaction so it sees one snapshot.
    func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Copies the whole database into a new file at `path` while other connections go on writing
    /// (SQLite's online backup API, all pages in one step, so the copy is one consistent snapshot).
    func backup(to path: String) throws {
        try Self.with(path: path, mode: .readWriteCreate) { target in
            guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
                try target.check(sqlite3_errcode(target.handle), sql: nil)
                return
            }
            let stepped = sqlite3_backup_step(backup, -1)
            let finished = sqlite3_backup_finish(backup)
            if stepped != SQLITE_DONE { try target.check(stepped, sql: nil) }
            try target.check(finished, sql: nil)
        }
    }
}

/// Owns one prepared `sqlite3_stmt*`, finalized in `deinit`; holds its connection strongly so the
/// connection outlives it.
final class SQLiteStatement {
    private let connection: SQLiteConnection
    fileprivate let handle: OpaquePointer
    let sql: String
    /// True from binding until `reset`, so a nested query never reuses a statement mid-step.
    var inUse = false

    fileprivate init(connection: SQLiteConnection, handle: OpaquePointer, sql: String) {
        self.connection = connection
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Ready for the next run: stepping restarts and the old values are let go.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        inUse = false
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
            case .text(let text) where text.isEmpty:
                // A pointer to an empty string, not nil: SQLite binds NULL for a nil pointer.
                status = sluice_sqlite3_bind_text_transient(handle, index, "", 0)
            case .text(let text):
                var text = text
                status = text.withUTF8 { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { characters in
                        sluice_sqlite3_bind_text_transient(handle, index, characters.baseAddress, Int32(characters.count))
                    }
                }
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { buffer in
                    sluice_sqlite3_bind_blob_transient(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                                       Int32(buffer.count))
                }
            }
            try connection.check(status, sql: sql)
        }
    }

    /// True while a row is available.
    func step() throws -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        if status == SQLITE_DONE { return false }
        try connection.check(status, sql: sql)
        return false
    }
}

/// A view of the current row of a statement; valid only inside the row closure of `SQLiteConnection.query`.
struct SQLiteRow: SQLRow {
    fileprivate let statement: SQLiteStatement

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
extension SQLiteConnection: Sendable {}
@available(*, unavailable)
extension SQLiteStatement: Sendable {}
