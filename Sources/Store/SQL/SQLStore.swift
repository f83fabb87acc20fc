import Foundation
import SluiceCore

/// The connection side of a store, opaque outside this module: the SQLite file or the PostgreSQL pool.
public final class SQLEngine: Sendable {
    let database: any SQLDatabase

    init(database: any SQLDatabase) {
        self.database = database
    }

    var dialect: SQLDialect { database.dialect }

    @discardableResult
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try database.transaction(.read, body)
    }

    @discardableResult
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try database.transaction(.write, body)
    }

    /// A write of the pipeline's stages (`TransactionKind.pipeline`).
    @discardableResult
    func pipeline<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try database.transaction(.pipeline, body)
    }

    @discardableResult
    func dedup<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try database.transaction(.dedup, body)
    }
}

/// A store over a SQL database. Every role of `Store` is implemented once, in this protocol's extensions,
/// in SQL that SQLite and PostgreSQL both run (dialect differences are rendered by `SQLDialect`);
/// `SQLiteStore` and `PostgresStore` add what only their database can do (locks, claims, notifications,
/// opening and migrating).
public protocol SQLStore: Store {
    var sql: SQLEngine { get }
}
