import Foundation
import Testing
import SluiceCore
@testable import SluiceStore
import SluiceTestSupport

/// `sluice check` and `sluice backup` on both databases.
extension StoreConformanceTests {
    @Test(arguments: StoreBackend.available)
    func orphanRowsAreCountedByKindAndASoundStoreHasNone(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        _ = try pending(store)
        #expect(try store.orphanRows().isEmpty)
        #expect(try store.schemaVersion() == store.currentSchemaVersion)
        // An item no submission made: what a store edited by hand (or by an old release) may hold. No link of
        // the schema catches it, so only the check does.
        let sql = try #require(store as? any SQLStore).sql
        try sql.write { database in
            try database.run("INSERT INTO items (state, created_at, updated_at) VALUES ('submitted', ?, ?)",
                             [Timestamp.string(base), Timestamp.string(base)])
        }
        #expect(try store.orphanRows() == [OrphanRows(what: "items without a submission", count: 1)])
    }

    @Test(arguments: StoreBackend.available)
    func backupMakesACheckedCopyOrSaysWhatToUseInstead(_ backend: StoreBackend) throws {
        let (store, _) = try fresh(backend)
        let id = try pending(store)
        let destination = directory.path("backup-\(backend.rawValue)-\(UUID().uuidString.prefix(6)).db")
        switch backend {
        case .sqlite:
            let report = try store.backup(to: destination)
            #expect(report.integrity == "ok" && report.items == 1 && report.schemaVersion == store.currentSchemaVersion)
            #expect(report.bytes > 0)
            let copy = try SQLiteStore(path: destination, create: false)
            #expect(try copy.record(id: id)?.state == .pendingReview)
            #expect(try copy.integrityCheck() == "ok")
            #expect(throws: StoreError.fileExists(path: destination)) { try store.backup(to: destination) }
            let nowhere = directory.path("no-such-folder/backup.db")
            #expect(throws: StoreError.cannotWrite(path: nowhere)) { try store.backup(to: nowhere) }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.contains("partial") }
            #expect(leftovers.isEmpty, "no partial copy is left behind: \(leftovers)")
        case .postgres:
            do {
                _ = try store.backup(to: destination)
                Issue.record("a PostgreSQL store is backed up with pg_dump")
            } catch let error as StoreError {
                #expect(error.isEnvironmental && error.description.contains("pg_dump"))
            }
            #expect(!FileManager.default.fileExists(atPath: destination))
        }
    }
}
