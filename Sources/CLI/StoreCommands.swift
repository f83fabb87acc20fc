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
}
