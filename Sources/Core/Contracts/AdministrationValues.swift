import Foundation

/// Rows of one kind that point at nothing, or that nothing points at where something must (an item
/// without the submission that made it): what `sluice check` counts.
public struct OrphanRows: Sendable, Equatable, Encodable {
    public var what: String
    public var count: Int

    public init(what: String, count: Int) {
        self.what = what
        self.count = count
    }
}

/// A copy of the store made by `backup`, checked after it was written.
public struct BackupReport: Sendable, Equatable, Encodable {
    public var source: String
    public var destination: String
    public var bytes: Int
    public var items: Int
    public var schemaVersion: Int
    /// `PRAGMA integrity_check` of the copy: "ok" when sound.
    public var integrity: String

    public init(source: String, destination: String, bytes: Int, items: Int, schemaVersion: Int, integrity: String) {
        self.source = source
        self.destination = destination
        self.bytes = bytes
        self.items = items
        self.schemaVersion = schemaVersion
        self.integrity = integrity
    }

    enum CodingKeys: String, CodingKey {
        case source, destination, bytes, items, integrity
        case schemaVersion = "schema_version"
    }
}
