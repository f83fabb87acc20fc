import Foundation
import SluiceApp
import SluiceCore
import SluiceStore

/// `sluice init` and `sluice migrate`: stores created on purpose, and copied whole between databases.
enum StoreCommands {
    struct InitResult: Encodable {
        var store: String
        var schemaVersion: Int
        var items: Int

        enum CodingKeys: String, CodingKey {
            case store, items
            case schemaVersion = "schema_version"
        }
    }

    static func initialize(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        try arguments.finish()
        let store = try context.store(create: true)
        let result = InitResult(store: store.location, schemaVersion: try store.schemaVersion(), items: try store.status().total)
        if json {
            try context.printJSON(result)
        } else {
            context.console.print(TerminalSafe.text("store \(result.store) is ready (schema version \(result.schemaVersion), "
                                                    + "\(result.items) item(s))"))
        }
        return 0
    }

    /// `sluice migrate --from STORE --to STORE`: copies a whole store and prints the verification.
    static func migrate(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let from = try arguments.option("--from") else { throw UsageError("migrate: --from STORE is required") }
        guard let to = try arguments.option("--to") else { throw UsageError("migrate: --to STORE is required") }
        let json = arguments.flag("--json")
        try arguments.finish()
        let source = try StoreLocation(from).open(create: false)
        let target = try StoreLocation(to).open(create: true)
        let report = try StoreMigration.migrate(from: source, to: target)
        if json {
            try context.printJSON(report)
        } else {
            context.console.print(TerminalSafe.text(report.copied ? "copied \(report.source) → \(report.target)"
                                                    : "\(report.target) already holds exactly \(report.source): nothing copied"))
            for table in report.tables {
                let mark = table.matches ? "ok" : "DIFFERS"
                context.console.print("  \(table.name.padding(toLength: 24, withPad: " ", startingAt: 0)) "
                                      + "\(rightAligned(table.sourceRows)) → \(rightAligned(table.targetRows))  "
                                      + "sha256 \(table.targetChecksum.prefix(16))…  \(mark)")
            }
            context.console.print(report.verified ? "verified: every table has the same rows and checksum"
                                                  : "NOT verified: the tables marked DIFFERS do not match")
        }
        return report.verified ? 0 : 1
    }

    private static func rightAligned(_ count: Int) -> String {
        let text = String(count)
        return String(repeating: " ", count: max(0, 9 - text.count)) + text
    }
}
