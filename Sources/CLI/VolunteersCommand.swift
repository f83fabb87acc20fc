import Foundation
import SluiceApp
import SluicePublish

/// `sluice volunteers [--month YYYY-MM] [--json]`: every volunteer's contributions, acceptance rate and tags.
enum VolunteersCommand {
    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let month = try PublishCommands.month(&arguments, command: "volunteers")
        let json = arguments.flag("--json")
        try arguments.finish()
        let stats = try VolunteerService(store: try context.store()).stats(month: month)
        if json {
            try context.printJSON(stats)
            return 0
        }
        let titles = Dictionary(CategoryInfo.column.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        for entry in stats {
            let rate = entry.acceptanceRate.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
            let tags = entry.tags.map { titles[$0] ?? $0 }.joined(separator: "、")
            context.say(TerminalSafe.text(
                "\(entry.name): \(entry.submissions) submitted, \(entry.accepted) accepted, \(entry.rejected) rejected, "
                    + "\(entry.pending) pending, \(entry.failed) failed; acceptance \(rate)" + (tags.isEmpty ? "" : "; \(tags)")))
        }
        context.say(month.map { "\(stats.count) volunteer(s) with submissions in \($0)" } ?? "\(stats.count) volunteer(s)")
        return 0
    }
}
