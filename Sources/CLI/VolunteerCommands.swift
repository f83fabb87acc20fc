import Foundation
import SluiceCore
import SluiceApp

/// `sluice volunteer status --by NAME`: where each of a volunteer's submissions stands, in their words.
enum VolunteerCommands {
    static func volunteer(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        switch arguments.takeSubcommand() {
        case "status": return try status(&arguments, context)
        case nil: throw UsageError("volunteer: name a subcommand: status (see sluice volunteer --help)")
        case let other?: throw UsageError("volunteer: unknown subcommand \"\(TerminalSafe.text(other))\" (see sluice volunteer --help)")
        }
    }

    static func status(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let name = try arguments.option("--by"), !name.isEmpty else {
            throw UsageError("volunteer status: --by VOLUNTEER is required")
        }
        let json = arguments.flag("--json")
        try arguments.finish()
        guard let statuses = try VolunteerService(store: try context.store()).status(of: name) else {
            if json { try context.printJSON([SubmissionStatus]()) }
            context.console.error("volunteer status: no volunteer named \"\(TerminalSafe.text(name))\" has submitted anything")
            return 1
        }
        if json {
            try context.printJSON(statuses)
            return 0
        }
        for status in statuses {
            let what = status.title ?? status.url ?? status.note ?? ""
            context.console.print(TerminalSafe.text("#\(status.id) \(status.words) — \(what)"))
        }
        return 0
    }
}
