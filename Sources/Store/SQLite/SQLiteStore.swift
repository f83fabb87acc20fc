import Foundation
import Synchronization
import SluiceCore

/// The SQLite store: one file holding volunteers, submissions, items and their state machine, captures,
/// dedup keys, the moderators' audit log and the publication ledger. The embedded default: nothing to set up.
///
/// Other processes (a second moderator, another `sluice run`) share the file through SQLite's own locking in
/// WAL mode with a busy timeout; writers take the lock at `BEGIN IMMEDIATE`, so the migration, a dedup
/// lookup or a bulk decision is never interleaved with another writer's. Reads go through a second connection
/// of their own: WAL lets readers see the last commit while a writer works, so the review queue and the
/// classify stage's lookups never wait behind a pipeline batch.
///
/// Durability differs by who wrote. Submissions, moderators' decisions, edits and publications commit with
/// `synchronous = FULL`: the WAL reaches the disk before the commit returns, so not even a crash of the
/// machine loses them. The pipeline's own transactions (claims, stage outcomes, dedup) commit with
/// `synchronous = NORMAL`, which in WAL mode syncs only at checkpoints. SQLite's manual: "A transaction
/// committed in WAL mode with synchronous=NORMAL might roll back following a power loss or system crash", while
/// the database stays consistent and a crash of the process loses nothing (the commit is in the WAL, which the
/// operating system holds). What a machine crash can take away is therefore the last pipeline commits, whole:
/// their items are found again in their earlier state and the next run redoes that work, as it does after any
/// interruption. A FULL commit syncs the WAL up to itself, so it also makes every earlier pipeline commit
/// durable: a moderator never decides on an item whose earlier pipeline step could vanish.
public final class SQLiteStore: SQLStore {
    public let sql: SQLEngine
    public let path: String
    /// False when the file could only be opened for reading (permissions, a read-only copy).
    public let isWritable: Bool
    private let database: SQLiteDatabase

    /// `PRAGMA application_id` of every sluice store ("slce"), so a database of another program is refused.
    static let applicationID: Int32 = 0x736C_6365

    /// Opens the store at `path`, creating the file when `create` and migrating it to the current schema.
    /// Without `create`, a missing file is `StoreError.noStore`; a file that is not a sluice store is refused
    /// without a byte written; a file that cannot be written is opened read-only.
    public init(path: String, create: Bool = true) throws {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw StoreError.noStore(location: path) }
        var connection: SQLiteConnection
        var writable = true
        do {
            connection = try SQLiteConnection(path: path, mode: exists ? .readWrite : .readWriteCreate)
        } catch let error as SQLiteError where exists && (error.isReadOnly || error.code == 14) {
            connection = try SQLiteConnection(path: path, mode: .readOnly)
            writable = false
        }
        // Asked for read-write on a file it may not write (permissions, a read-only mount), SQLite opens it for
        // reading without a word; in a folder it may not write, it cannot make the WAL files a writer needs.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if writable && (connection.isReadOnly || !FileManager.default.isWritableFile(atPath: folder)) {
            connection = try SQLiteConnection(path: path, mode: .readOnly)
            writable = false
        }
        try connection.execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")
        var readerMode: SQLiteOpenMode = writable ? .readWrite : .readOnly
        do {
            try Self.checkIdentity(connection, path: path)
        } catch let error as SQLiteError where !writable && (error.isReadOnly || error.code == 14)
            && !FileManager.default.fileExists(atPath: path + "-wal") {
            // A WAL store's reader needs the -shm file, which it cannot create in a folder it may not write.
            // With no -wal file nobody has the store open and every committed page is in the file itself, so
            // it is read as immutable (what SQLite's manual advises for read-only media).
            connection.finalizeStatements()
            connection = try SQLiteConnection(path: path, mode: .immutable)
            readerMode = .immutable
            try connection.execute("PRAGMA foreign_keys = ON;")
            try Self.checkIdentity(connection, path: path)
        }
        if writable {
            do {
                try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                try connection.execute(Self.checkpointPolicy)
                try Self.migrate(connection, path: path)
            } catch let error as SQLiteError where error.isReadOnly {
                writable = false
            }
        }
        if !writable {
            let version = try Self.userVersion(connection)
            if version < Schema.templates.count {
                throw StoreError.readOnly(location: path)
            }
        }
        if !writable && readerMode == .readWrite { readerMode = .readOnly }
        let reader = try SQLiteConnection(path: path, mode: readerMode)
        try reader.execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")
        database = SQLiteDatabase(connection: connection, reader: reader, path: path, writable: writable)
        sql = SQLEngine(database: database)
        self.path = path
        isWritable = writable
    }

    /// When the writer copies the WAL back into the database. Every page a commit changes is appended to the WAL
    /// whole, and a checkpoint writes each page changed since the last one once more, into the file. SQLite's
    /// default checkpoints every 1,000 pages (4 MiB): the index pages the pipeline changes on every commit (the
    /// items' state, the dedup keys) were then copied back every few commits. Every 8,192 pages (32 MiB) each
    /// is copied back once for the many commits that changed it; captures' bodies, written once, cost the same.
    /// After a checkpoint the WAL file is cut back to 64 MiB at most (`journal_size_limit`), so it never stays
    /// large on disk. Both settings belong to this connection, the only one that writes.
    static let checkpointPolicy = "PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864;"

    static func userVersion(_ connection: SQLiteConnection) throws -> Int {
        Int(try connection.scalar("PRAGMA user_version") ?? 0)
    }

    /// A sluice store carries our application id; a store of an early release has none yet but has our
    /// tables at a known schema version. Anything else holding tables belongs to someone else.
    private static func checkIdentity(_ connection: SQLiteConnection, path: String) throws {
        let applicationID = Int32(truncatingIfNeeded: try connection.scalar("PRAGMA application_id") ?? 0)
        if applicationID == Self.applicationID { return }
        if applicationID != 0 {
            throw StoreError.notAStore(location: path, detail: String(format: "its application id is 0x%08x", applicationID))
        }
        let tables = try connection.query("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.string(0) ?? "" }
        if tables.isEmpty { return }
        let version = try userVersion(connection)
        guard version > 0, tables.contains("items"), tables.contains("submissions") else {
            throw StoreError.notAStore(location: path, detail: "it holds \(tables.count) table(s) of another program")
        }
    }

    /// Brings the file to the current schema. The version is read only once the write lock is held, so two
    /// processes opening a new store never both run the migrations.
    private static func migrate(_ connection: SQLiteConnection, path: String) throws {
        let migrations = Schema.migrations(for: .sqlite)
        try connection.transaction(immediate: true) {
            let applied = try userVersion(connection)
            if applied > migrations.count {
                throw StoreError.newerSchema(location: path, found: applied, known: migrations.count)
            }
            for migration in migrations.dropFirst(applied) { try connection.execute(migration) }
            if applied < migrations.count { try connection.execute("PRAGMA user_version = \(migrations.count)") }
            if Int32(truncatingIfNeeded: try connection.scalar("PRAGMA application_id") ?? 0) != applicationID {
                try connection.execute("PRAGMA application_id = \(applicationID)")
            }
        }
    }

    public var location: String { path }

    public func schemaVersion() throws -> Int {
        try database.withConnection { try Self.userVersion($0) }
    }

    /// `PRAGMA integrity_check`, then the rows that point at nothing (the schema declares the links, but
    /// a store written by hand or by an old release may not have had foreign keys on).
    public func integrityCheck() throws -> String {
        try database.withConnection { connection in
            let integrity = try connection.query("PRAGMA integrity_check") { $0.string(0) ?? "" }.joined(separator: "; ")
            let orphans = try connection.query("PRAGMA foreign_key_check") { row in
                "\(row.string(0) ?? "?") row \(row.int(1) ?? 0) points at a missing \(row.string(2) ?? "?") row"
            }
            return ([integrity] + orphans.prefix(20)).joined(separator: "; ")
        }
    }

    /// SQLite cannot send notifications, but a connection can tell cheaply that another one committed:
    /// `PRAGMA data_version` changes (read from the WAL index, no transaction). A connection of the listener's
    /// own, on a thread of its own, asks four times a second and calls `wake` when it changed.
    public func listenForWork(_ wake: @escaping @Sendable () -> Void) throws -> (any WorkListener)? {
        SQLiteWorkListener(path: path, wake: wake)
    }

    /// A consistent copy of the whole store at `destination`, made while other connections go on writing
    /// (SQLite's online backup API), into a temporary file beside it that is checked (integrity, items,
    /// schema version) and only then renamed: `destination` never holds half a copy, and an existing file
    /// there is never replaced.
    public func backup(to destination: String) throws -> BackupReport {
        if FileManager.default.fileExists(atPath: destination) { throw StoreError.fileExists(path: destination) }
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent()
        guard FileManager.default.isWritableFile(atPath: folder.path) else { throw StoreError.cannotWrite(path: destination) }
        let partial = folder.appendingPathComponent(".\(URL(fileURLWithPath: destination).lastPathComponent).partial-\(getpid())").path
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
        }
        try database.withConnection { try $0.backup(to: partial) }
        // Nobody else knows the copy yet: read as immutable, so no -wal or -shm file is made beside it.
        let (items, version, integrity) = try SQLiteConnection.with(path: partial, mode: .immutable) { copy in
            let integrity = try copy.query("PRAGMA integrity_check") { $0.string(0) ?? "" }.joined(separator: "; ")
            return (Int(try copy.scalar("SELECT COUNT(*) FROM items") ?? 0), try Self.userVersion(copy), integrity)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int) ?? 0
        // link(2) refuses an existing name, so a file made there meanwhile is not replaced either.
        guard link(partial, destination) == 0 else {
            if errno == EEXIST { throw StoreError.fileExists(path: destination) }
            throw StoreError.cannotWrite(path: destination)
        }
        return BackupReport(source: path, destination: destination, bytes: bytes, items: items, schemaVersion: version,
                            integrity: integrity)
    }
}

/// The two SQLite connections of one process, each shared by its threads and serialized by its own lock: one
/// for writes, one for reads.
///
/// `@unchecked Sendable` because the connections are not thread-safe (opened with SQLITE_OPEN_NOMUTEX): each is
/// private and touched only while its lock is held, so at most one thread uses it at a time, and neither escapes
/// the closures given to them. `synchronousFull` belongs to the writer and is read and set only under its lock.
final class SQLiteDatabase: SQLDatabase, @unchecked Sendable {
    private let connection: SQLiteConnection
    private let lock = NSLock()
    private let reader: SQLiteConnection
    private let readLock = NSLock()
    /// The writer's `PRAGMA synchronous`: FULL when true, NORMAL when false (see `SQLiteStore`).
    private var synchronousFull = true
    let path: String
    let writable: Bool
    let dialect = SQLDialect.sqlite

    init(connection: SQLiteConnection, reader: SQLiteConnection, path: String, writable: Bool) {
        self.connection = connection
        self.reader = reader
        self.path = path
        self.writable = writable
    }

    deinit {
        connection.finalizeStatements()
        reader.finalizeStatements()
    }

    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try lock.withLock { try body(connection) }
    }

    func transaction<T>(_ kind: TransactionKind, _ body: (any SQLExecutor) throws -> T) throws -> T {
        if kind != .read && !writable { throw StoreError.readOnly(location: path) }
        var attempt = 0
        while true {
            do {
                if kind == .read {
                    return try readLock.withLock { try reader.transaction(immediate: false) { try body(reader) } }
                }
                return try lock.withLock {
                    let full = !kind.mayLoseOnMachineCrash
                    if full != synchronousFull {
                        // Takes effect from the next commit on; outside a transaction, as the manual asks.
                        try connection.execute(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
                        synchronousFull = full
                    }
                    return try connection.transaction(immediate: true) { try body(connection) }
                }
            } catch let error as SQLiteError where error.isBusy && attempt < 5 {
                // The busy timeout ran out while another process held the lock: wait a little and start over;
                // a lost race is never the end of a run.
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            } catch let error as SQLiteError where error.isReadOnly {
                throw StoreError.readOnly(location: path)
            }
        }
    }
}

/// Watches `PRAGMA data_version` of a store on a connection and a thread of its own (the connection is opened,
/// used and closed on that thread only), and calls `wake` whenever another connection committed.
final class SQLiteWorkListener: WorkListener {
    /// Shared with the watching thread, which stops when `stop` is signalled (at once, not after its pause).
    private final class State: Sendable {
        let stopped = Atomic<Bool>(false)
        let stop = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
    }

    private let state = State()

    init(path: String, wake: @escaping @Sendable () -> Void) {
        let state = self.state
        let thread = Thread {
            defer { state.finished.signal() }
            try? SQLiteConnection.with(path: path, mode: .readOnly) { connection in
                var seen = try connection.scalar("PRAGMA data_version")
                while state.stop.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
                    let version = try connection.scalar("PRAGMA data_version")
                    if version != seen {
                        seen = version
                        wake()
                    }
                }
            }
        }
        thread.name = "sluice.sqlite-listen"
        thread.start()
    }

    func cancel() {
        guard !state.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        state.stop.signal()
        state.finished.wait()
    }
}
