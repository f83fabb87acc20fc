import Foundation
import SluiceCore

/// The tables of the schema as the migrations declare them, read from the migration templates themselves
/// (`CREATE TABLE name (` then one `column {type}` per line, `ALTER TABLE name ADD COLUMN column {type}` and
/// `ALTER TABLE name DROP COLUMN column`),
/// so a copy never misses a column a later migration adds.
struct TableShape: Sendable, Equatable {
    var name: String
    var columns: [(name: String, type: SQLType)]
    /// The columns rows are ordered by for paging and checksums: `id`, else the primary key columns.
    var order: [String]

    static func == (lhs: TableShape, rhs: TableShape) -> Bool {
        lhs.name == rhs.name && lhs.columns.map(\.name) == rhs.columns.map(\.name) && lhs.order == rhs.order
    }

    /// Every table, in the order of creation (which is also an order that satisfies the foreign keys, but for
    /// `items.duplicate_of`, which points at items and is copied in a second pass).
    static let all: [TableShape] = parse(Schema.templates)

    static func parse(_ templates: [String]) -> [TableShape] {
        var tables: [TableShape] = []
        for template in templates {
            var current: TableShape?
            var primaryKey: [String] = []
            for rawLine in template.split(separator: "\n") {
                let line = rawLine.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("ALTER TABLE "), let added = addedColumn(line),
                   let index = tables.firstIndex(where: { $0.name == added.table }) {
                    tables[index].columns.append((added.column, added.type))
                } else if line.hasPrefix("ALTER TABLE "), let dropped = droppedColumn(line),
                          let index = tables.firstIndex(where: { $0.name == dropped.table }) {
                    tables[index].columns.removeAll { $0.name == dropped.column }
                } else if line.hasPrefix("CREATE TABLE "), let name = line.dropFirst("CREATE TABLE ".count).split(separator: " ").first {
                    current = TableShape(name: String(name), columns: [], order: [])
                    primaryKey = []
                } else if line.hasPrefix(")"), var table = current {
                    table.order = table.columns.contains { $0.name == "id" } ? ["id"]
                        : primaryKey.isEmpty ? table.columns.prefix(1).map(\.name) : primaryKey
                    tables.append(table)
                    current = nil
                } else if line.hasPrefix("PRIMARY KEY ("), let close = line.firstIndex(of: ")") {
                    primaryKey = line[line.index(line.startIndex, offsetBy: "PRIMARY KEY (".count)..<close]
                        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                } else if current != nil {
                    let words = line.split(separator: " ")
                    guard words.count >= 2, let type = columnType(String(words[1])) else { continue }
                    current?.columns.append((String(words[0]), type))
                    if line.contains("PRIMARY KEY") && words[1] != "{id}" { primaryKey = [String(words[0])] }
                }
            }
        }
        return tables
    }

    /// `ALTER TABLE t ADD COLUMN c {type};`, as later migrations add columns.
    private static func addedColumn(_ line: String) -> (table: String, column: String, type: SQLType)? {
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 6, words[3] == "ADD", words[4] == "COLUMN",
              let type = columnType(words[6...].first?.trimmingCharacters(in: CharacterSet(charactersIn: ";")) ?? "")
        else { return nil }
        return (words[2], words[5], type)
    }

    /// `ALTER TABLE t DROP COLUMN c;`, as a later migration moves a column out of a table.
    private static func droppedColumn(_ line: String) -> (table: String, column: String)? {
        let words = line.split(separator: " ").map(String.init)
        guard words.count == 6, words[3] == "DROP", words[4] == "COLUMN" else { return nil }
        return (words[2], words[5].trimmingCharacters(in: CharacterSet(charactersIn: ";")))
    }

    private static func columnType(_ token: String) -> SQLType? {
        switch token.trimmingCharacters(in: CharacterSet(charactersIn: ",")) {
        case "{id}", "{int}": .integer
        case "{real}": .real
        case "{text}": .text
        case "{blob}": .blob
        default: nil
        }
    }

    var hasIdentity: Bool { order == ["id"] }
}

/// What `sluice migrate` did and found: per table the rows on each side and whether their checksums agree.
public struct MigrationReport: Sendable, Encodable {
    public struct Table: Sendable, Encodable, Equatable {
        public var name: String
        public var sourceRows: Int
        public var targetRows: Int
        public var sourceChecksum: String
        public var targetChecksum: String
        public var matches: Bool { sourceRows == targetRows && sourceChecksum == targetChecksum }

        enum CodingKeys: String, CodingKey {
            case name, matches
            case sourceRows = "source_rows"
            case targetRows = "target_rows"
            case sourceChecksum = "source_checksum"
            case targetChecksum = "target_checksum"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(sourceRows, forKey: .sourceRows)
            try container.encode(targetRows, forKey: .targetRows)
            try container.encode(sourceChecksum, forKey: .sourceChecksum)
            try container.encode(targetChecksum, forKey: .targetChecksum)
            try container.encode(matches, forKey: .matches)
        }
    }

    public var source: String
    public var target: String
    /// False when the target already held exactly this store (a re-run): nothing was copied.
    public var copied: Bool
    public var tables: [Table]
    public var verified: Bool { tables.allSatisfy(\.matches) }

    enum CodingKeys: String, CodingKey {
        case source, target, copied, tables, verified
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(target, forKey: .target)
        try container.encode(copied, forKey: .copied)
        try container.encode(tables, forKey: .tables)
        try container.encode(verified, forKey: .verified)
    }
}

/// Copies a whole store into another one (SQLite into PostgreSQL, or back) and verifies the copy: row counts
/// and a SHA-256 per table over every value in key order, computed the same way on both sides.
public enum StoreMigration {
    /// Rows per read and per write transaction.
    static let batch = 500

    /// Copies `source` into `target`. A target holding items is refused, unless it already holds exactly
    /// the source's rows (a re-run): then nothing is written and the report says so.
    /// `progress` hears, per table, the rows copied so far and the rows there are.
    public static func migrate(from source: any Store, to target: any Store,
                               progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> MigrationReport {
        guard let from = source as? any SQLStore, let into = target as? any SQLStore else {
            throw StoreError.notAStore(location: target.location, detail: "only SQL stores can be migrated")
        }
        let targetItems = try target.status().total
        if targetItems > 0 {
            let report = try verify(from, into, copied: false)
            guard report.verified else { throw StoreError.targetNotEmpty(location: target.location, items: targetItems) }
            return report
        }
        for table in TableShape.all {
            let rows = Int(try from.sql.read { try $0.scalar("SELECT COUNT(*) FROM \(table.name)") } ?? 0)
            progress(table.name, 0, rows)
            try copy(table, from: from.sql, to: into.sql) { progress(table.name, $0, rows) }
        }
        try into.sql.write { database in
            try copyClusterLinks(from: from.sql, to: database)
            if database.dialect == .postgres {
                for table in TableShape.all where table.hasIdentity {
                    try database.run("""
                        SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table.name)
                        """)
                }
            }
        }
        return try verify(from, into, copied: true)
    }

    /// The rows of one table, page by page in key order, each page one write transaction on the target.
    /// `items.duplicate_of` is left out here (it may point at an item copied later) and set afterwards.
    private static func copy(_ table: TableShape, from source: SQLEngine, to target: SQLEngine, progress: (Int) -> Void) throws {
        let columns = table.columns.map(\.name)
        let written = columns.map { table.name == "items" && $0 == "duplicate_of" ? "NULL" : $0 }
        let insert = "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES "
            + "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var offset = 0
        while true {
            let rows = try source.read { database in
                try database.query("""
                    SELECT \(written.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order.joined(separator: ", "))
                    LIMIT ? OFFSET ?
                    """, [batch, offset]) { row in values(row, table) }
            }
            guard !rows.isEmpty else { return }
            try target.write { database in
                for row in rows { try database.run(insert, row) }
            }
            offset += rows.count
            progress(offset)
        }
    }

    private static func copyClusterLinks(from source: SQLEngine, to target: any SQLExecutor) throws {
        let links = try source.read { database in
            try database.query("SELECT id, duplicate_of FROM items WHERE duplicate_of IS NOT NULL ORDER BY id") {
                ($0.int(0) ?? 0, $0.int(1) ?? 0)
            }
        }
        for (id, root) in links { try target.run("UPDATE items SET duplicate_of = ? WHERE id = ?", [root, id]) }
    }

    /// A row's values typed as the schema declares them, so they bind alike on either database.
    private static func values(_ row: any SQLRow, _ table: TableShape) -> [any SQLBindable] {
        table.columns.enumerated().map { offset, column -> any SQLBindable in
            let index = Int32(offset)
            switch column.type {
            case .integer: return row.int(index)
            case .real: return row.double(index)
            case .text: return row.string(index)
            case .blob: return row.data(index)
            }
        }
    }

    /// Row counts and checksums of every table on both sides.
    static func verify(_ source: any SQLStore, _ target: any SQLStore, copied: Bool) throws -> MigrationReport {
        var tables: [MigrationReport.Table] = []
        for table in TableShape.all {
            let (sourceRows, sourceChecksum) = try checksum(table, in: source.sql)
            let (targetRows, targetChecksum) = try checksum(table, in: target.sql)
            tables.append(.init(name: table.name, sourceRows: sourceRows, targetRows: targetRows,
                                sourceChecksum: sourceChecksum, targetChecksum: targetChecksum))
        }
        return MigrationReport(source: source.location, target: target.location, copied: copied, tables: tables)
    }

    /// SHA-256 over every value of every row in key order, each value written with its type and length, so
    /// no two different tables of rows give the same bytes.
    static func checksum(_ table: TableShape, in engine: SQLEngine) throws -> (rows: Int, checksum: String) {
        var hasher = SHA256()
        var rows = 0
        var offset = 0
        let columns = table.columns.map(\.name).joined(separator: ", ")
        while true {
            let page = try engine.read { database in
                try database.query("""
                    SELECT \(columns) FROM \(table.name) ORDER BY \(table.order.joined(separator: ", ")) LIMIT ? OFFSET ?
                    """, [batch, offset]) { row in values(row, table).map(\.sqlValue) }
            }
            guard !page.isEmpty else { break }
            for row in page {
                var bytes = Data()
                for value in row { append(value, to: &bytes) }
                bytes.append(0x1E)
                hasher.update(bytes)
            }
            rows += page.count
            offset += page.count
        }
        return (rows, hasher.finalizeHex())
    }

    private static func append(_ value: SQLValue, to bytes: inout Data) {
        func field(_ tag: UInt8, _ payload: Data) {
            bytes.append(tag)
            bytes.append(contentsOf: Array(String(payload.count).utf8))
            bytes.append(0x3A)
            bytes.append(payload)
        }
        switch value {
        case .null: field(0x4E, Data())
        case .integer(let number): field(0x49, Data(String(number).utf8))
        case .real(let number): field(0x52, Data(String(number).utf8))
        case .text(let text): field(0x54, Data(text.utf8))
        case .blob(let data): field(0x42, data)
        }
    }
}
