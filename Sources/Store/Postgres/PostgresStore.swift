import Foundation
import Synchronization
import SluiceCore

/// The PostgreSQL store: the same schema and the same SQL as `SQLiteStore`, on a server that several
/// moderators, worker hosts and a long-running service share. Claims take `FOR UPDATE SKIP LOCKED` with
/// leases in the server's time, dedup transactions hold an advisory lock, idle workers wait on
/// `LISTEN sluice_work`, and a lost connection (a server restart) is re-established with back-off and the
/// interrupted transaction run again.
public final class PostgresStore: SQLStore {
    public let sql: SQLEngine
    /// The URL with its password masked, safe to print.
    public let location: String
    private let database: PostgresDatabase

    /// Connects to `url` (`postgres://user@host:port/db`; the password from the URL, `PGPASSWORD` or
    /// `~/.pgpass`) with up to `connections` connections, and migrates the schema under an advisory lock.
    /// Without `create`, a database holding no sluice store is `StoreError.noStore`; one holding tables of
    /// another program under our names is refused untouched; an unreachable server is
    /// `StoreError.unreachable` at once.
    public init(url: String, create: Bool = true, connections: Int = 4, reconnectSeconds: Double = 60) throws {
        let masked = StoreLocation.mask(url)
        let parts = try StoreLocation.postgresParts(url)
        database = PostgresDatabase(conninfo: parts.conninfo, schema: parts.schema, location: masked,
                                    capacity: max(1, connections), reconnectSeconds: reconnectSeconds)
        location = masked
        sql = SQLEngine(database: database)
        try database.warmUp(createSchema: create)
        try migrate(create: create)
    }

    private func migrate(create: Bool) throws {
        let migrations = Schema.migrations(for: .postgres)
        try database.transaction(.write) { database in
            try database.run("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':sluice-migrate'))")
            let hasSchemaTable = try database.scalar("SELECT CASE WHEN to_regclass('sluice_schema') IS NULL THEN 0 ELSE 1 END") == 1
            let hasItems = try database.scalar("SELECT CASE WHEN to_regclass('items') IS NULL THEN 0 ELSE 1 END") == 1
            if !hasSchemaTable {
                if hasItems {
                    throw StoreError.notAStore(location: location, detail: "it has a table named items but no sluice_schema")
                }
                guard create else { throw StoreError.noStore(location: location) }
                try database.execute("CREATE TABLE sluice_schema (version BIGINT NOT NULL)")
                try database.run("INSERT INTO sluice_schema (version) VALUES (0)")
            }
            let applied = Int(try database.scalar("SELECT MAX(version) FROM sluice_schema") ?? 0)
            if applied > migrations.count {
                throw StoreError.newerSchema(location: location, found: applied, known: migrations.count)
            }
            for migration in migrations.dropFirst(applied) { try database.execute(migration) }
            if applied < migrations.count { try database.run("UPDATE sluice_schema SET version = ?", [migrations.count]) }
        }
    }

    public func schemaVersion() throws -> Int {
        try sql.read { Int(try $0.scalar("SELECT MAX(version) FROM sluice_schema") ?? 0) }
    }

    /// PostgreSQL keeps its own pages sound and enforces the schema's links; what is checked here is that
    /// the links hold all the same (a store copied in by hand may not) and the schema is current.
    public func integrityCheck() throws -> String {
        let orphans = try orphanRows()
        return orphans.isEmpty ? "ok" : orphans.map { "\($0.count) \($0.what)" }.joined(separator: "; ")
    }

    /// A PostgreSQL store is backed up with the server's own tools, which copy it consistently while in use.
    public func backup(to destination: String) throws -> BackupReport {
        throw StoreError.unsupported(location: location, detail: "a PostgreSQL store is backed up with pg_dump (or copied into a SQLite file with sluice migrate --to FILE)")
    }

    public func listenForWork(_ wake: @escaping @Sendable () -> Void) throws -> (any WorkListener)? {
        try PostgresWorkListener(database: database, wake: wake)
    }

    /// Connections opened since the store was (reconnections after a server restart included).
    public var connectionsOpened: Int { database.connectionsOpened }
}

/// A pool of libpq connections: each transaction checks one out, runs on it alone, and gives it back.
///
/// `@unchecked Sendable` because the idle connections (not thread-safe themselves) are kept in `idle`, which
/// is read and written only while `condition` is locked; a checked-out connection belongs to one thread
/// until it is checked in again.
final class PostgresDatabase: SQLDatabase, @unchecked Sendable {
    let conninfo: String
    /// The schema the store lives in (`?schema=` in the URL), set as the search path of every connection;
    /// a validated identifier, since identifiers cannot be bound as parameters.
    let schema: String?
    let location: String
    let capacity: Int
    let reconnectSeconds: Double
    let dialect = SQLDialect.postgres
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var checkedOut = 0
    private let opened = Atomic<Int>(0)

    init(conninfo: String, schema: String?, location: String, capacity: Int, reconnectSeconds: Double) {
        self.conninfo = conninfo
        self.schema = schema
        self.location = location
        self.capacity = capacity
        self.reconnectSeconds = reconnectSeconds
    }

    var connectionsOpened: Int { opened.load(ordering: .relaxed) }

    /// One connection now, so an unreachable server or a bad password is said at once, in one line; the
    /// store's schema is created first when it may be.
    func warmUp(createSchema: Bool) throws {
        do {
            if createSchema, let schema {
                let connection = try PostgresConnection(conninfo: conninfo)
                do {
                    try connection.execute("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"")
                } catch let error as PostgresError where ["23505", "42P06"].contains(error.sqlState) {
                    // Another process created it at the same moment (IF NOT EXISTS does not stop that race).
                }
            }
            checkIn(try connect(), healthy: true)
        } catch let error as PostgresError {
            throw StoreError.unreachable(location: location, detail: error.message)
        }
    }

    func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(conninfo: conninfo)
        if let schema { try connection.execute("SET search_path TO \"\(schema)\"") }
        opened.add(1, ordering: .relaxed)
        return connection
    }

    private func checkOut() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && checkedOut >= capacity { condition.wait() }
        checkedOut += 1
        let reused = idle.popLast()
        condition.unlock()
        if let reused { return reused }
        do {
            return try connect()
        } catch {
            condition.withLock {
                checkedOut -= 1
                condition.signal()
            }
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection?, healthy: Bool) {
        condition.withLock {
            if let connection, healthy, connection.isHealthy { idle.append(connection) }
            checkedOut = max(0, checkedOut - (connection == nil ? 0 : 1))
            condition.signal()
        }
    }

    private func dropCheckedOut() {
        condition.withLock {
            checkedOut = max(0, checkedOut - 1)
            condition.signal()
        }
    }

    func transaction<T>(_ kind: TransactionKind, _ body: (any SQLExecutor) throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(reconnectSeconds)
        var races = 0
        var pause = 0.1
        while true {
            let connection: PostgresConnection
            do {
                connection = try checkOut()
            } catch let error as PostgresError where error.isConnectionLost && Date() < deadline {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 2)
                continue
            } catch let error as PostgresError where error.isConnectionLost {
                throw StoreError.unreachable(location: location, detail: error.message)
            }
            do {
                try connection.execute(kind == .read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
                if kind == .dedup {
                    try connection.run("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':sluice-dedup'))")
                }
                if kind.mayLoseOnMachineCrash {
                    // The commit returns before the WAL reaches the disk: a server crash may lose the last few
                    // pipeline commits whole, never part of one, and the pipeline does that work again.
                    try connection.execute("SET LOCAL synchronous_commit TO OFF")
                }
                let result = try body(connection)
                try connection.execute("COMMIT")
                checkIn(connection, healthy: true)
                return result
            } catch let error as PostgresError where error.isConnectionLost || !connection.isHealthy {
                // The server went away (a restart): this connection is done for. The transaction did not commit
                // (or its outcome is unknown; every body re-reads the state it writes over), so run it again
                // on a new connection once the server answers.
                dropCheckedOut()
                guard Date() < deadline else { throw StoreError.unreachable(location: location, detail: error.message) }
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 2)
            } catch let error as PostgresError where error.isRetryableRace && races < 5 {
                try? connection.execute("ROLLBACK")
                checkIn(connection, healthy: true)
                races += 1
                Thread.sleep(forTimeInterval: 0.01 * Double(races))
            } catch {
                try? connection.execute("ROLLBACK")
                checkIn(connection, healthy: true)
                throw error
            }
        }
    }
}

/// Waits on `LISTEN sluice_work` on a connection of its own, on a thread of its own, and calls `wake` for
/// every burst of notifications (and once after reconnecting, as some may have been missed meanwhile).
final class PostgresWorkListener: WorkListener {
    /// Shared with the listening thread, which stops when it is raised.
    private final class State: Sendable {
        let stopped = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
    }

    private let state = State()

    init(database: PostgresDatabase, wake: @escaping @Sendable () -> Void) throws {
        let first = try database.connect()
        try first.execute("LISTEN sluice_work")
        let state = self.state
        let handOff = ConnectionHandOff(first)
        let thread = Thread {
            var connection: PostgresConnection? = handOff.take()
            var pause = 0.1
            while !state.stopped.load(ordering: .acquiring) {
                guard let current = connection else {
                    Thread.sleep(forTimeInterval: pause)
                    pause = min(pause * 2, 2)
                    if let fresh = try? database.connect(), (try? fresh.execute("LISTEN sluice_work")) != nil {
                        connection = fresh
                        pause = 0.1
                        wake()
                    }
                    continue
                }
                let (alive, received) = current.awaitNotifications(milliseconds: 250)
                if received > 0 { wake() }
                if !alive { connection = nil }
            }
            state.finished.signal()
        }
        thread.name = "sluice.pg-listen"
        thread.start()
    }

    func cancel() {
        guard !state.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        state.finished.wait()
    }
}

/// Moves the listener's first connection onto its thread: taken once, by that thread only.
///
/// `@unchecked Sendable` because the connection inside is guarded by `lock` and handed out exactly once.
private final class ConnectionHandOff: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: PostgresConnection?

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }

    func take() -> PostgresConnection? {
        lock.withLock {
            defer { connection = nil }
            return connection
        }
    }
}
