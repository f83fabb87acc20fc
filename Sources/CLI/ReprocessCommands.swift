import Foundation
import SluiceApp

/// `sluice reprocess --stage STAGE`: runs a stage again over items past it, after its rules or model
/// changed. Each stage that supports it has its own function; today that is classify.
enum ReprocessCommands {
    /// The stages that can be run again, and how.
    static let stages: [String: @Sendable (inout Arguments, Context) throws -> Int32] = [
        "classify": classify,
        "dedup": dedup,
    ]

    static func reprocess(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let stage = try arguments.option("--stage") else {
            throw UsageError("reprocess: --stage STAGE is required (one of: \(stages.keys.sorted().joined(separator: ", ")))")
        }
        guard let run = stages[stage] else {
            throw UsageError("reprocess: stage \"\(TerminalSafe.text(stage))\" cannot be reprocessed (one of: \(stages.keys.sorted().joined(separator: ", ")))")
        }
        return try run(&arguments, context)
    }

    /// Re-classifies every item waiting in the review queue with the current rules and model.
    static func classify(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        let display = context.progress(["reprocess"])
        let report = try ReprocessService(store: try context.store(), definition: definition, clock: context.clock)
            .classify(note: context.note) { done, total in display?.update("reprocess", done: done, total: total) }
        display?.finish()
        if json {
            try context.printJSON(report, snakeCaseKeys: true)
        } else {
            context.console.print("""
                reprocessed \(report.written) of \(report.examined) items in the review queue with rules \(report.ruleVersion)\
                \(report.model ? " and the stored model" : " (no trained model)"): \(report.categoryChanged.count) changed \
                category, \(report.flagsChanged.count) changed flags\(report.skipped > 0 ? ", \(report.skipped) skipped (decided meanwhile)" : "")
                """)
        }
        return 0
    }

    /// `sluice reprocess --stage dedup`: re-keys every stored item now, whatever versions they were keyed with.
    static func dedup(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        let report = try ReprocessService(store: try context.store(), definition: definition, clock: context.clock).dedup()
        if json {
            try context.printJSON(report)
        } else {
            context.say(TerminalSafe.text("re-keyed \(report.rekeyed) stored items (\(report.version))"))
        }
        return 0
    }
}
