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
        let definition = try context.pipeline(&arguments)
        let samplesFile = try arguments.option("--with-samples")
        let dryRun = arguments.flag("--dry-run")
        let json = arguments.flag("--json")
        try arguments.finish()
        let training = try TrainingService(store: try context.store(), definition: definition, clock: context.clock)
        let samples = try samplesFile.map { try LabeledSample.load(path: $0).map(\.example) } ?? []
        let report: TrainingService.TrainReport
        do {
            if dryRun {
                let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
                try context.printReport(try training.dryRun(samples: samples, engine: engine, note: context.note), json: json,
                                        snakeCaseKeys: true)
                return 0
            }
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
            context.say(TerminalSafe.text("""
                trained the classifier on \(report.examples) decisions (\(report.fromStore) from the store, \
                \(report.fromSamples) samples): \(report.approved) approved, \(report.rejected) rejected, \
                \(report.moderatorCategories) categories set by moderators
                categories: \(categories)
                stored at \(report.trainedAt) as model \(report.modelVersion)\(report.replaced.map { ", replacing \($0)" } ?? ""), \
                \(report.modelBytes) bytes
                """))
        }
        return 0
    }

    // MARK: evaluation and benchmark

    static func evaluate(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let labeled = try arguments.option("--labeled")
        let fromStore = arguments.flag("--from-store")
        let folds = try arguments.integer("--folds")
        let taskText = try arguments.option("--task")
        let labelMap = try arguments.options("--label-map")
        let partText = try arguments.option("--part")
        let foldsFile = try arguments.option("--write-folds")
        let assignments = try arguments.options("--set")
        let definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        if fromStore && labeled != nil { throw UsageError("eval: --labeled and --from-store exclude each other") }
        let task = try taskText.map { text in
            guard let task = LabeledTask(rawValue: text) else {
                throw UsageError("eval: --task is approve, category or both, not \"\(TerminalSafe.text(text))\"")
            }
            return task
        }
        let parts = ["tune": 0, "report": 1]
        let part = try partText.map { text in
            guard let part = parts[text] else { throw UsageError("eval: --part is tune or report, not \"\(TerminalSafe.text(text))\"") }
            return part
        }
        let options = try definition.classify.overriding(assignments, source: "--set")
        let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        let set = fromStore
            ? LabeledFile(examples: try TrainingService(store: try context.store(), options: options).storeDecisions().examples,
                          task: task ?? .both, labels: [])
            : try LabeledFile.load(path: labeled ?? defaultLabeled, task: task, labelMap: try labelMapping(labelMap))
        let split = EvaluationSplit(set.examples, folds: folds ?? options.crossValidationFolds, part: part)
        if let foldsFile {
            try Data(split.lines.utf8).write(to: URL(fileURLWithPath: foldsFile), options: .atomic)
        }
        let report = try ClassifierEvaluation.crossValidate(set.examples, task: set.task, split: split, part: partText,
                                                            engine: engine, options: options)
        try context.printReport(report, json: json, snakeCaseKeys: true)
        return 0
    }

    /// `--label-map FROM=TO` options (each may hold several, comma-separated).
    static func labelMapping(_ values: [String]) throws -> [String: String] {
        var map: [String: String] = [:]
        for pair in values.flatMap({ $0.split(separator: ",") }) {
            let sides = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
                throw UsageError("eval: --label-map takes FROM=TO pairs, not \"\(TerminalSafe.text(String(pair)))\"")
            }
            map[sides[0]] = sides[1]
        }
        return map
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let labeledFiles = try arguments.options("--labeled")
        let trainItems = try arguments.integer("--train-items")
        let fromStore = arguments.flag("--from-store")
        let secondsText = try arguments.option("--seconds")
        let assignments = try arguments.options("--set")
        var definition = try context.pipeline(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        definition.classify = try definition.classify.overriding(assignments, source: "--set")
        guard let seconds = Double(secondsText ?? "2"), seconds > 0, seconds <= 600 else {
            throw UsageError("bench: --seconds takes a number of seconds up to 600, not \"\(TerminalSafe.text(secondsText ?? ""))\"")
        }
        let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        let samples = try (labeledFiles.isEmpty ? [defaultLabeled] : labeledFiles).flatMap { try LabeledFile.load(path: $0).examples }
        var examples = samples
        var model: ClassifierModel?
        var training: TrainingBenchmark?
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
        if model == nil {
            let trainingSet = trainItems.map { ClassifyBenchmark.synthesize(samples, count: $0) } ?? samples
            let trained = try ClassifyBenchmark.train(trainingSet, options: definition.classify, engine: engine)
            model = trained.0
            training = trained.1
        }
        guard let model else { return 1 }
        let report = ClassifyBenchmark.run(examples: examples, engine: engine, model: model, seconds: seconds, training: training)
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
            context.say(TerminalSafe.text(report.dryRun.description))
            context.say(report.pendingChanged.isEmpty ? "0 of the changed items wait in the review queue"
                        : "\(report.pendingChanged.count) of the changed items wait in the review queue; sluice reprocess --stage classify applies the rules to them")
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
