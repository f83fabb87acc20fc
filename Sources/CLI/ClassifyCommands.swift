import Foundation
import SluiceApp
import SluiceClassify
import SluiceCore
import SluiceMeasure
import SluicePipeline

/// `sluice train`, `sluice eval classify`, `sluice bench classify` and `sluice rules test`, and the model
/// that `sluice run` classifies with (retrained first when enough new decisions have come in).
enum ClassifyCommands {
    static let defaultLabeled = "samples/labeled.jsonl"

    // MARK: training

    static func train(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let options = try context.pipeline(&arguments).classify
        let samplesFile = try arguments.option("--with-samples")
        let json = arguments.flag("--json")
        try arguments.finish()
        let training = TrainingService(store: try context.store(), options: options, clock: context.clock)
        let samples = try samplesFile.map { try LabeledSample.load(path: $0).map(\.example) } ?? []
        let report: TrainingService.TrainReport
        do {
            report = try training.train(samples: samples).report
        } catch let error as ClassifyError {
            let decisions = try training.storeDecisions().examples.count
            let hint = samplesFile == nil ? " (decide more items with sluice review, or add --with-samples FILE)" : ""
            context.console.error("train: \(decisions) decisions in the store, \(samples.count) samples: \(TerminalSafe.text("\(error)"))\(hint)")
            return 1
        }
        if json {
            try context.printJSON(report, snakeCaseKeys: true)
        } else {
            let categories = report.categories.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            context.console.print("""
                trained the classifier on \(report.examples) decisions (\(report.fromStore) from the store, \
                \(report.fromSamples) samples): \(report.approved) approved, \(report.rejected) rejected, \
                \(report.moderatorCategories) categories set by moderators
                categories: \(categories)
                stored at \(report.trainedAt), \(report.modelBytes) bytes
                """)
        }
        return 0
    }

    // MARK: evaluation and benchmark

    static func evaluate(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let labeled = try arguments.option("--labeled")
        let fromStore = arguments.flag("--from-store")
        let folds = try arguments.integer("--folds")
        let definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        if fromStore && labeled != nil { throw UsageError("eval: --labeled and --from-store exclude each other") }
        let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        let examples = fromStore
            ? try TrainingService(store: try context.store(), options: definition.classify).storeDecisions().examples
            : try LabeledSample.load(path: labeled ?? defaultLabeled).map(\.example)
        let report = try ClassifierEvaluation.crossValidate(examples, folds: folds ?? definition.classify.crossValidationFolds,
                                                            engine: engine, options: definition.classify)
        try context.printReport(report, json: json, snakeCaseKeys: true)
        return 0
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let labeled = try arguments.option("--labeled") ?? defaultLabeled
        let fromStore = arguments.flag("--from-store")
        let secondsText = try arguments.option("--seconds")
        let definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        guard let seconds = Double(secondsText ?? "2"), seconds > 0, seconds <= 600 else {
            throw UsageError("bench: --seconds takes a number of seconds up to 600, not \"\(secondsText ?? "")\"")
        }
        let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        let samples = try LabeledSample.load(path: labeled).map(\.example)
        var examples = samples
        var model: ClassifierModel?
        if fromStore {
            let store = try context.store()
            examples = try store.classifiableItems(states: ItemState.allCases).map { item in
                LabeledExample(text: TrainingService.input(item).combinedText, category: item.category ?? "other", approved: true)
            }.filter { !$0.text.isEmpty }
            model = try TrainingService(store: store, options: definition.classify).storedModel(note: context.note)
            guard !examples.isEmpty else {
                context.console.error("bench: the store \(TerminalSafe.text(context.storeLocation.description)) holds no item with text to classify")
                return 1
            }
        }
        let report = ClassifyBenchmark.run(examples: examples, engine: engine,
                                           model: try model ?? ClassifierModel.train(samples, options: definition.classify),
                                           seconds: seconds)
        try context.printReport(report, json: json, snakeCaseKeys: true)
        return 0
    }

    // MARK: rules

    static func rules(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        try requireSubcommand("test", &arguments)
        let candidatePath = try arguments.option("--rules")
        let definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        let current = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        let candidate = try candidatePath.map { try RuleEngine.load(path: $0) } ?? current
        let report = try TrainingService(store: try context.store(), options: definition.classify)
            .rulesTest(current: current, candidate: candidate, note: context.note)
        if json {
            try context.printJSON(report, snakeCaseKeys: true)
        } else {
            context.console.print(TerminalSafe.text(report.dryRun.description))
            context.console.print("\(report.pendingChanged.count) of the changed items wait in the review queue"
                                  + (report.pendingChanged.isEmpty ? "" : "; sluice reprocess --stage classify applies the rules to them"))
        }
        return 0
    }

    // MARK: shared

    static func requireSubcommand(_ expected: String, _ arguments: inout Arguments) throws {
        guard let subcommand = arguments.takeSubcommand() else {
            throw UsageError("\(arguments.command): say what: sluice \(arguments.command) \(expected)")
        }
        guard subcommand == expected else {
            throw UsageError("\(arguments.command): unknown subcommand \"\(TerminalSafe.text(subcommand))\" (only \(expected))")
        }
    }
}
