import Foundation
import SluiceApp
import SluiceCore
import SluiceDedup
import SluiceMeasure
import SluicePipeline

/// `sluice unlink`, `sluice why-dup`, `sluice eval dedup` and `sluice bench dedup`.
enum DedupCommands {
    /// The URL rules and dedup options of the pipeline in force.
    static func rules(_ definition: PipelineDefinition) throws -> (URLCanonicalizer, DedupOptions) {
        (try URLCanonicalizer.load(definition.file(definition.rules.urlRules)), definition.dedup)
    }

    // MARK: unlink

    static func unlink(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let moderator = try arguments.option("--as") ?? ""
        let json = arguments.flag("--json")
        let positionals = try arguments.positionals()
        guard !moderator.isEmpty else { throw UsageError("unlink: --as MODERATOR is required (the split is audited)") }
        guard positionals.count == 1, let id = Int64(positionals[0]) else {
            throw UsageError("unlink: name one item id (the duplicate to take out of its cluster)")
        }
        let outcome = try ModerationService(store: try context.store(), clock: context.clock).unlink(itemID: id, moderator: moderator)
        if json {
            try context.printJSON(outcome)
        } else {
            let next = outcome.state == .deduplicated ? "; sluice run classifies and queues it for review" : ""
            context.console.print("#\(id) left the cluster of #\(outcome.root) and is \(outcome.state.rawValue)\(next)")
        }
        return 0
    }

    // MARK: why-dup

    static func whyDup(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let definition = try context.pipeline(&arguments)
        let positionals = try arguments.positionals()
        guard positionals.count == 1, let id = Int64(positionals[0]) else {
            throw UsageError("why-dup: name one item id")
        }
        let (canonicalizer, options) = try rules(definition)
        guard let explanation = try DuplicateExplanation.of(itemID: id, store: try context.store(), canonicalizer: canonicalizer,
                                                            options: options) else {
            context.console.error("why-dup: item #\(id) is not a duplicate of anything")
            return 1
        }
        if json {
            try context.printJSON(explanation)
        } else {
            context.console.print(explanation.lines.map(TerminalSafe.text).joined(separator: "\n"))
        }
        return 0
    }

    // MARK: eval and bench

    /// Takes the subcommand when it is `dedup`; anything else is left for the classifier's command.
    static func eval(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let definition = try context.pipeline(&arguments)
        let positionals = try arguments.positionals()
        guard positionals.count <= 1 else { throw UsageError("eval dedup: name at most one corpus directory") }
        let corpus = positionals.first ?? "../shared/corpus"
        guard FileManager.default.fileExists(atPath: corpus) else {
            throw UsageError("eval dedup: no corpus at \(TerminalSafe.text(corpus)) (name the directory of page JSON files)")
        }
        let (canonicalizer, options) = try rules(definition)
        let report = try DedupEvaluation.run(corpus: URL(fileURLWithPath: corpus), canonicalizer: canonicalizer,
                                             options: options)
        try context.printReport(report, json: json)
        return 0
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let count = try arguments.integer("--count") ?? 1_000_000
        let options = try context.pipeline(&arguments).dedup
        try arguments.finish()
        guard count > 0 else { throw UsageError("bench dedup: --count must be at least 1") }
        let report = DedupBenchmark.run(count: count, options: options, lookups: min(20_000, count))
        try context.printReport(report, json: json)
        return 0
    }
}
