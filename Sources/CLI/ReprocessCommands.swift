import Foundation
import SluiceClassify
import SluiceCore
import SluicePipeline
import SluiceStore

/// `sluice reprocess --stage STAGE`: runs a stage again over items past it, after its rules or model
/// changed. Each stage that supports it has its own function; today that is classify.
enum ReprocessCommands {
    /// The stages that can be run again, and how.
    static let stages: [String: @Sendable (inout Arguments, Context) throws -> Int32] = [
        "classify": classify,
        "dedup": DedupCommands.reprocess,
    ]

    static func reprocess(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let stage = try arguments.option("--stage") else {
            throw UsageError("reprocess: --stage STAGE is required (one of: \(stages.keys.sorted().joined(separator: ", ")))")
        }
        guard let run = stages[stage] else {
            throw UsageError("reprocess: stage \"\(TerminalSafe.text(stage))\" cannot be reprocessed "
                             + "(one of: \(stages.keys.sorted().joined(separator: ", ")))")
        }
        return try run(&arguments, context)
    }

    /// What `reprocess --stage classify` did.
    struct ClassifyReport: Encodable {
        var stage = "classify"
        var ruleVersion: String
        var model: Bool
        var examined: Int
        var written: Int
        var categoryChanged: [Int64]
        var flagsChanged: [Int64]
        /// Items a moderator decided or changed while the reprocess ran: left as they are.
        var skipped: Int
    }

    /// Re-classifies every item waiting in the review queue with the current rules and model: category
    /// (a moderator's category is kept), flags, P(approve) and priority. One transaction per batch of
    /// `store.commit_batch` items, each write recorded as a classify transition.
    static func classify(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let json = arguments.flag("--json")
        try arguments.finish()
        let definition = try PipelineDefinition.load(path: pipeline)
        let store = try context.store()
        let engine = try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules))
        let model = ClassifyCommands.storedModel(try store.latestModel(), console: context.console)
        let classifier = Classifier(engine: engine, model: model, options: definition.classify)
        let items = try store.classifiableItems(states: [.pendingReview])
        var report = ClassifyReport(ruleVersion: engine.version, model: model != nil, examined: items.count, written: 0,
                                    categoryChanged: [], flagsChanged: [], skipped: 0)
        var start = 0
        while start < items.count {
            let batch = items[start..<min(start + definition.store.commitBatch, items.count)]
            start = batch.endIndex
            var updates: [Reclassification] = []
            var categoryChanged = Set<Int64>()
            var flagsChanged = Set<Int64>()
            for item in batch {
                let signals = try ClassifyCommands.signals(for: item, store: store, options: definition.classify)
                var next = classifier.classify(ClassifyCommands.input(item), signals: signals)
                if item.categorySource == .moderator, let category = item.category {
                    next.category = category
                    next.categorySource = .moderator
                    next.matchedTerms = []
                }
                let previous = ClassifyCommands.currentClassification(item)?.category ?? item.category
                let detail = "reprocessed with rules \(engine.version)" + (model == nil ? "" : " and the stored model")
                    + (previous == next.category ? "" : ": category \(previous ?? "none") → \(next.category)")
                if previous != next.category { categoryChanged.insert(item.id) }
                if Set(item.classification?.flags ?? []) != Set(next.flags) { flagsChanged.insert(item.id) }
                updates.append(Reclassification(itemID: item.id, version: item.version, classification: next, detail: detail))
            }
            let written = try store.reclassify(updates, actor: "reprocess")
            report.written += written.count
            report.categoryChanged += written.filter(categoryChanged.contains)
            report.flagsChanged += written.filter(flagsChanged.contains)
            report.skipped += updates.count - written.count
        }
        if json {
            try context.printJSON(report, snakeCaseKeys: true)
        } else {
            context.console.print("""
                reprocessed \(report.written) of \(report.examined) items in the review queue with rules \(report.ruleVersion)\
                \(model == nil ? " (no trained model)" : " and the stored model"): \(report.categoryChanged.count) changed \
                category, \(report.flagsChanged.count) changed flags\(report.skipped > 0 ? ", \(report.skipped) skipped (decided meanwhile)" : "")
                """)
        }
        return 0
    }
}
