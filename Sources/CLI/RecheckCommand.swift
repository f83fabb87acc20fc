import Foundation
import SluiceApp
import SluiceCore

/// `sluice recheck --month YYYY-MM`: are the month's published sources alive, changed or deleted?
enum RecheckCommand {
    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let month = try PublishCommands.month(&arguments, command: "recheck") else {
            throw UsageError("recheck: --month YYYY-MM is required")
        }
        var definition = try context.pipeline(&arguments)
        definition.fetch.allowHosts += try arguments.options("--allow-host")
        let json = arguments.flag("--json")
        try arguments.finish()
        let display = context.progress(["recheck"])
        var onProgress: (@Sendable (Int, Int) -> Void)?
        if let display { onProgress = { done, total in display.update("recheck", done: done, total: total) } }
        let findings = try RecheckService(store: try context.store(), definition: definition, clock: context.clock)
            .recheck(month: month, progress: onProgress)
        display?.finish()
        if json {
            try context.printJSON(findings)
        } else {
            for finding in findings {
                let state = finding.state?.rawValue ?? "unknown"
                context.console.print(TerminalSafe.text("#\(finding.id) \(state): \(finding.url) (\(finding.detail))"))
            }
            let counts = SourceState.allCases.map { state in "\(findings.filter { $0.state == state }.count) \(state.rawValue)" }
            context.say("rechecked \(findings.count) source(s) of \(month): " + counts.joined(separator: ", "))
        }
        let unknown = findings.filter { $0.state == nil }
        if !unknown.isEmpty {
            context.console.error("recheck: \(unknown.count) source(s) could not be judged; their previous state stays")
        }
        return unknown.isEmpty ? 0 : 1
    }
}
