import Foundation
import SluiceApp
import SluiceCore
import SluiceStore
import SluiceReview

/// `sluice init`, `migrate`, `backup` and `check`: stores created on purpose, copied whole between databases,
/// backed up while in use, and checked.
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
            context.say(TerminalSafe.text("store \(result.store) is ready (schema version \(result.schemaVersion), "
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
        let display = context.progress([])
        let report = try StoreMigration.migrate(from: source, to: target) { table, done, total in
            display?.update(table, done: done, total: total)
        }
        display?.finish()
        if json {
            try context.printJSON(report)
        } else {
            context.say(TerminalSafe.text(report.copied ? "copied \(report.source) → \(report.target)"
                                                    : "\(report.target) already holds exactly \(report.source): nothing copied"))
            for table in report.tables {
                let mark = table.matches ? "ok" : "DIFFERS"
                context.console.print("  \(table.name.padding(toLength: 24, withPad: " ", startingAt: 0)) "
                                      + "\(rightAligned(table.sourceRows)) → \(rightAligned(table.targetRows))  "
                                      + "sha256 \(table.targetChecksum.prefix(16))…  \(mark)")
            }
            context.say(report.verified ? "verified: every table has the same rows and checksum"
                                                  : "NOT verified: the tables marked DIFFERS do not match")
        }
        return report.verified ? 0 : 1
    }

    /// `sluice backup --out FILE`: a consistent copy made while runs and moderators go on, checked once written.
    static func backup(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let out = try arguments.option("--out"), !out.isEmpty else { throw UsageError("backup: --out FILE is required") }
        let json = arguments.flag("--json")
        try arguments.finish()
        let report = try MaintenanceService(store: try context.store()).backup(to: out)
        if json {
            try context.printJSON(report)
        } else {
            let integrity = report.integrity == "ok" ? context.styled(context.localized("integrity ok"), .green)
                : context.styled(context.localized(TerminalSafe.text("integrity NOT ok: \(report.integrity)")), .red)
            context.console.print(context.localized(TerminalSafe.text(
                "backed up \(report.source) to \(report.destination): \(report.items) item(s), schema version \(report.schemaVersion), \(report.bytes) bytes, ")) + integrity)
        }
        return report.integrity == "ok" ? 0 : 1
    }

    /// `sluice check`: integrity, schema version and orphan rows; exit status 1 when anything is wrong.
    static func check(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        try arguments.finish()
        let report = try MaintenanceService(store: try context.store()).check()
        if json {
            try context.printJSON(report)
            return report.isSound ? 0 : 1
        }
        func mark(_ good: Bool) -> String { good ? context.styled("ok", .green) : context.styled(context.localized("NOT OK"), .red) }
        // "  integrity       ok": the label padded to the width a terminal gives it, in the reader's language.
        func label(_ name: String) -> String {
            let shown = context.localized(name)
            return "  " + shown + String(repeating: " ", count: max(1, 16 - TerminalText.displayWidth(shown)))
        }
        context.say(TerminalSafe.text("store \(report.store)"))
        context.console.print(label("integrity") + mark(report.integrity == "ok")
                              + (report.integrity == "ok" ? "" : TerminalSafe.text(": " + report.integrity)))
        context.console.print(label("schema version") + mark(report.schemaIsCurrent)
                              + context.localized(": \(report.schemaVersion) (this sluice writes \(report.currentSchemaVersion))"))
        context.console.print(label("orphan rows") + mark(report.orphans.isEmpty)
                              + (report.orphans.isEmpty ? context.localized(": none") : ": " + report.orphans.map { "\($0.count) \($0.what)" }
                                .joined(separator: ", ")))
        context.say(report.isSound ? "the store is sound" : "the store is NOT sound")
        return report.isSound ? 0 : 1
    }

    private static func rightAligned(_ count: Int) -> String {
        let text = String(count)
        return String(repeating: " ", count: max(0, 9 - text.count)) + text
    }
}
