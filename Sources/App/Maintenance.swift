import Foundation
import SluiceCore

/// `sluice check` and `sluice backup`: whether a store is sound, and a consistent copy of it made while it
/// is in use.
public struct MaintenanceService: Sendable {
    let store: any StoreAdministration

    public init(store: any StoreAdministration) {
        self.store = store
    }

    /// What `check` found.
    public struct CheckReport: Sendable, Encodable {
        public var store: String
        /// "ok", or what the database's own check found wrong.
        public var integrity: String
        public var schemaVersion: Int
        public var currentSchemaVersion: Int
        public var orphans: [OrphanRows]

        public var schemaIsCurrent: Bool { schemaVersion == currentSchemaVersion }
        public var isSound: Bool { integrity == "ok" && schemaIsCurrent && orphans.isEmpty }

        enum CodingKeys: String, CodingKey {
            case store, integrity, orphans, ok
            case schemaVersion = "schema_version"
            case currentSchemaVersion = "current_schema_version"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(store, forKey: .store)
            try container.encode(integrity, forKey: .integrity)
            try container.encode(schemaVersion, forKey: .schemaVersion)
            try container.encode(currentSchemaVersion, forKey: .currentSchemaVersion)
            try container.encode(orphans, forKey: .orphans)
            try container.encode(isSound, forKey: .ok)
        }
    }

    /// The database's own integrity check, the schema version against the one this sluice writes, and rows
    /// whose links are broken.
    public func check() throws -> CheckReport {
        CheckReport(store: store.location, integrity: try store.integrityCheck(), schemaVersion: try store.schemaVersion(),
                    currentSchemaVersion: store.currentSchemaVersion, orphans: try store.orphanRows())
    }

    public func backup(to destination: String) throws -> BackupReport {
        try store.backup(to: destination)
    }
}
