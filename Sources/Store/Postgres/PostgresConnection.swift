internal import CPostgres
import Foundation
import SluiceCore

/// An error from PostgreSQL or libpq: the SQLSTATE (empty when the connection itself failed), the server's
/// or libpq's message, and the statement.
public struct PostgresError: Error, CustomStringConvertible, Equatable {
    public var sqlState: String
    public var message: String
    public var sql: String?

    public var description: String {
        let state = sqlState.isEmpty ? "" : " \(sqlState)"
        if let sql { return "PostgreSQL error\(state): \(message) (in: \(sql.prefix(200)))" }
        return "PostgreSQL error\(state): \(message)"
    }

    /// The connection is gone (server restart, network): the work may be retried on a new connection.
    public var isConnectionLost: Bool {
        sqlState.isEmpty || sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// A lost race the transaction can simply run again for: serialization failure, deadlock, or a unique
    /// key another transaction inserted first (the retry reads the winner).
    public var isRetryableRace: Bool { ["40001", "40P01", "23505"].contains(sqlState) }
}

/// Owns one `PGconn*`, closed with `PQfinish` in `deinit`, and the names of the statements prepared on it.
///
/// Not thread-safe (libpq: "one connection must not be used by several threads at once"): a connection is
/// used by the one thread that checked it out of `PostgresPool`, or by the listener's thread.
final class PostgresConnection: SQLExecutor {
    private let handle: OpaquePointer
    let dialect = SQLDialect.postgres
    /// Prepared statement names by SQL text and parameter types.
    private var prepared: [String: String] = [:]

    /// Connects with a libpq connection string or URI (`postgres://user@host:port/db`); the password may
    /// come from the URI, `PGPASSWORD` or `~/.pgpass`, as libpq decides.
    init(conninfo: String) throws {
        guard let connection = PQconnectdb(conninfo) else {
            throw PostgresError(sqlState: "", message: "libpq could not allocate a connection", sql: nil)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(sqlState: "", message: Self.firstLine(message), sql: nil)
        }
        handle = connection
        PQsetClientEncoding(handle, "UTF8")
        sluice_pq_silence_notices(handle)
    }

    deinit {
        PQfinish(handle)
    }

    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// libpq's messages run over several lines ("connection to server … failed: …\n\tIs the server running…").
    static func firstLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }

    private func failure(_ result: OpaquePointer?, sql: String?) -> PostgresError {
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        let message = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
        let text = message.isEmpty ? String(cString: PQerrorMessage(handle)) : message
        return PostgresError(sqlState: state, message: Self.firstLine(text), sql: sql)
    }

    /// Checks a result, frees it unless the caller keeps it, and maps failure to `PostgresError`.
    private func check(_ result: OpaquePointer?, sql: String?) throws -> PostgresResult {
        let owned = result.map(PostgresResult.init(handle:))
        let status = owned.map { PQresultStatus($0.handle) }
        guard let owned, status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw failure(result, sql: sql)
        }
        return owned
    }

    func execute(_ sql: String) throws {
        _ = try check(PQexec(handle, dialect.render(sql)), sql: sql)
    }

    /// Runs a statement through a named prepared statement (prepared on first use on this connection); every
    /// value is a parameter with an explicit type, never spliced into the SQL.
    private func perform(_ sql: String, _ values: [any SQLBindable]) throws -> PostgresResult {
        let bound = values.map(\.sqlValue)
        let types = bound.map(Self.typeOID)
        let key = sql + "\u{1F}" + types.map(String.init).joined(separator: ",")
        let name: String
        if let existing = prepared[key] {
            name = existing
        } else {
            name = "s\(prepared.count)"
            _ = try check(PQprepare(handle, name, dialect.render(sql), Int32(types.count), types), sql: sql)
            prepared[key] = name
        }
        let parameters = bound.map(Self.encode)
        var lengths = parameters.map { Int32($0.bytes?.count ?? 0) }
        var formats = parameters.map { $0.binary ? Int32(1) : Int32(0) }
        return try withParameterPointers(parameters.map(\.bytes)) { pointers in
            try check(PQexecPrepared(handle, name, Int32(parameters.count), pointers, &lengths, &formats, 0), sql: sql)
        }
    }

    /// C pointers to each parameter's bytes (nil for NULL), each followed by a NUL (libpq reads text-format
    /// parameters as C strings and binary ones by length), valid only inside `body`.
    private func withParameterPointers<T>(_ values: [[UInt8]?], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        defer { buffers.forEach { $0?.deallocate() } }
        for value in values {
            guard let value else {
                buffers.append(nil)
                continue
            }
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: value.count + 1)
            value.withUnsafeBytes { raw in
                if let base = raw.baseAddress { buffer.update(from: base.assumingMemoryBound(to: CChar.self), count: value.count) }
            }
            buffer[value.count] = 0
            buffers.append(buffer)
        }
        return try body(buffers.map { buffer in buffer.map { UnsafePointer($0) } })
    }

    /// PostgreSQL type OIDs (pg_type.dat): int8 20, float8 701, text 25, bytea 17.
    private static func typeOID(_ value: SQLValue) -> UInt32 {
        switch value {
        case .integer, .null(.integer): 20
        case .real, .null(.real): 701
        case .text, .null(.text): 25
        case .blob, .null(.blob): 17
        }
    }

    /// Text values go as UTF-8 text (PostgreSQL's text cannot hold NUL, so a NUL becomes U+FFFD, as invalid
    /// bytes are everywhere else in sluice); blobs go in binary format, so no escaping is needed.
    private static func encode(_ value: SQLValue) -> (bytes: [UInt8]?, binary: Bool) {
        switch value {
        case .null: (nil, false)
        case .integer(let number): (Array(String(number).utf8), false)
        case .real(let number): (Array((number.isFinite ? String(number) : "NaN").utf8), false)
        case .text(let text): (Array(text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}").utf8), false)
        case .blob(let data): ([UInt8](data), true)
        }
    }

    @discardableResult
    func run(_ sql: String, _ values: [any SQLBindable]) throws -> Int64 {
        let result = try perform(sql, values)
        return Int64(String(cString: PQcmdTuples(result.handle))) ?? 0
    }

    func query<T>(_ sql: String, _ values: [any SQLBindable], _ row: (any SQLRow) throws -> T) throws -> [T] {
        let result = try perform(sql, values)
        let count = PQntuples(result.handle)
        var rows: [T] = []
        rows.reserveCapacity(Int(count))
        for index in 0..<count { rows.append(try row(PostgresRow(result: result, row: index))) }
        return rows
    }

    /// Notifications that arrived on this connection (after `LISTEN`), waiting up to `milliseconds` for one.
    /// False when the connection broke.
    func awaitNotifications(milliseconds: Int32) -> (alive: Bool, received: Int) {
        var received = 0
        let ready = sluice_pq_wait_readable(handle, milliseconds)
        if ready < 0 { return (false, 0) }
        if ready > 0 && PQconsumeInput(handle) == 0 { return (false, 0) }
        while let notification = PQnotifies(handle) {
            PQfreemem(notification)
            received += 1
        }
        return (isHealthy, received)
    }
}

/// Owns one `PGresult*`, freed with `PQclear` in `deinit`.
final class PostgresResult {
    let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }
}

/// One row of a result in text format; valid only inside the row closure of `PostgresConnection.query`.
struct PostgresRow: SQLRow {
    let result: PostgresResult
    let row: Int32

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result.handle, row, column) == 1 }

    private func text(_ column: Int32) -> String? {
        guard !isNull(column), let value = PQgetvalue(result.handle, row, column) else { return nil }
        let length = Int(PQgetlength(result.handle, row, column))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    func int(_ column: Int32) -> Int64? {
        guard let text = text(column) else { return nil }
        switch text {
        case "t": return 1
        case "f": return 0
        default: return Int64(text) ?? Double(text).map { Int64($0) }
        }
    }

    func double(_ column: Int32) -> Double? { text(column).flatMap(Double.init) }

    func string(_ column: Int32) -> String? { text(column) }

    /// `bytea` in text format is `\x` followed by hex digits.
    func data(_ column: Int32) -> Data? {
        guard !isNull(column), let value = PQgetvalue(result.handle, row, column) else { return nil }
        let length = Int(PQgetlength(result.handle, row, column))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            let text = UnsafeBufferPointer(start: bytes, count: length)
            guard length >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Data(text) }
            var data = Data(capacity: (length - 2) / 2)
            var index = 2
            while index + 1 < length {
                guard let high = Self.hexValue(text[index]), let low = Self.hexValue(text[index + 1]) else { break }
                data.append(high << 4 | low)
                index += 2
            }
            return data
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

@available(*, unavailable)
extension PostgresConnection: Sendable {}
@available(*, unavailable)
extension PostgresResult: Sendable {}
