import Foundation
import SluiceCore
import SluiceApp
import SluiceIntake

/// `sluice volunteer status --by NAME`: where each of a volunteer's submissions stands, in their words;
/// `volunteer invite NAME` and `volunteer revoke NAME`: their personal link to the web intake.
enum VolunteerCommands {
    static func volunteer(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        switch arguments.takeSubcommand() {
        case "status": return try status(&arguments, context)
        case "invite": return try invite(&arguments, context)
        case "revoke": return try revoke(&arguments, context)
        case nil: throw UsageError("volunteer: name a subcommand: status, invite or revoke (see sluice volunteer --help)")
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
            context.console.print(TerminalSafe.text("#\(status.id) \(context.localized(status.words)) — \(what)"))
        }
        return 0
    }
}

extension VolunteerCommands {
    static func invite(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let baseURL = try ServeCommand.baseURL(&arguments, context) ?? "http://127.0.0.1:8080/"
        let names = try arguments.positionals()
        guard names.count == 1, let name = names.first else { throw UsageError("volunteer invite: name one volunteer (NAME)") }
        let issued: InvitationService.Issued
        do {
            issued = try InvitationService(store: try context.store(create: true), clock: context.clock)
                .invite(volunteer: name, baseURL: baseURL)
        } catch let error as IntakeError {
            throw UsageError("volunteer invite: " + TerminalSafe.text(error.description))
        }
        if json {
            try context.printJSON(issued)
        } else {
            context.console.print(TerminalSafe.text("\(issued.volunteer): \(issued.link)"))
            context.say("(only this link opens their page; inviting again or volunteer revoke ends it)")
        }
        return 0
    }

    static func revoke(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let names = try arguments.positionals()
        guard names.count == 1, let name = names.first else { throw UsageError("volunteer revoke: name one volunteer (NAME)") }
        guard try InvitationService(store: try context.store(), clock: context.clock).revoke(volunteer: name) else {
            context.console.error("volunteer revoke: \"\(TerminalSafe.text(name))\" has no live invitation")
            return 1
        }
        context.say(TerminalSafe.text("revoked the invitation of \(name)"))
        return 0
    }
}
