import Foundation
import SluiceClassify
import SluiceCore
import SluiceMeasure
import SluicePipeline
import SluiceStore

/// `sluice train`, `sluice eval classify`, `sluice bench classify` and `sluice rules test`, and the model
/// that `sluice run` classifies with (retrained first when enough new decisions have come in).
enum ClassifyCommands {
    static let defaultLabeled = "samples/labeled.jsonl"

    /// What `sluice train` reports.
    struct TrainReport: Encodable {
        var examples: Int
        var fromStore: Int
        var fromSamples: Int
        var approved: Int
        var rejected: Int
        /// Decisions whose category a moderator set (corrections of the rules or the model).
        var moderatorCategories: Int
        var categories: [String: Int]
        var trainedAt: String
        var modelBytes: Int
    }

    /// The moderators' decisions in the store as training examples, oldest item first.
    struct StoreDecisions {
        var examples: [LabeledExample]
        var moderatorCategories: Int
    }

    // MARK: training

    static func train(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let samplesFile = try arguments.option("--with-samples")
        let json = arguments.flag("--json")
        try arguments.finish()
        let options = try PipelineDefinition.load(path: pipeline).classify
        let store = try context.store()
        let decisions = try storeDecisions(store)
        let samples = try samplesFile.map { try LabeledSample.load(path: $0).map(\.example) } ?? []
        let report: TrainReport
        do {
            report = try trainAndSave(store: store, decisions: decisions, samples: samples, options: options).report
        } catch let error as ClassifyError {
            let hint = samplesFile == nil ? " (decide more items with sluice review, or add --with-samples FILE)" : ""
            context.console.error("train: \(decisions.examples.count) decisions in the store, \(samples.count) samples: \(TerminalSafe.text("\(error)"))\(hint)")
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

    static func storeDecisions(_ store: Store) throws -> StoreDecisions {
        let decided = try store.classifiableItems(states: [.approved, .published, .rejected])
        var examples: [LabeledExample] = []
        var corrections = 0
        for item in decided {
            let text = input(item).combinedText
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let category = item.category else { continue }
            examples.append(LabeledExample(text: text, category: category, approved: item.state != .rejected))
            if item.categorySource == .moderator { corrections += 1 }
        }
        return StoreDecisions(examples: examples, moderatorCategories: corrections)
    }

    /// Trains on the store's decisions plus any explicitly given samples and keeps the model in the store.
    static func trainAndSave(store: Store, decisions: StoreDecisions, samples: [LabeledExample],
                             options: ClassifyOptions) throws -> (model: ClassifierModel, report: TrainReport) {
        let examples = decisions.examples + samples
        let model = try ClassifierModel.train(examples, options: options)
        let body = try model.serialized()
        let now = Date()
        try store.saveModel(StoredModel(body: body, trainedAt: now, examples: examples.count))
        let approved = examples.filter(\.approved).count
        let report = TrainReport(
            examples: examples.count, fromStore: decisions.examples.count, fromSamples: samples.count, approved: approved,
            rejected: examples.count - approved, moderatorCategories: decisions.moderatorCategories,
            categories: Dictionary(examples.map { ($0.category, 1) }, uniquingKeysWith: +),
            trainedAt: Timestamp.string(now), modelBytes: body.count)
        return (model, report)
    }

    /// The model `sluice run` classifies with. When `retrain_after_decisions` or more decisions were made
    /// since the newest model was trained (or, with no model yet, in all), the model is first retrained
    /// from the store; that the check runs here, at the start of a run, means decisions never wait on
    /// training and every run classifies with a model that has seen them. Notes go to standard error.
    static func modelForRun(store: Store, options: ClassifyOptions, console: Console) throws -> ClassifierModel? {
        let latest = try store.latestModel()
        let fresh = try store.decisionCount(since: latest?.trainedAt)
        if fresh >= options.retrainAfterDecisions {
            do {
                let trained = try trainAndSave(store: store, decisions: try storeDecisions(store), samples: [], options: options)
                console.error("note: retrained the classifier on \(trained.report.examples) decisions "
                              + "(\(fresh) new, retrain_after_decisions is \(options.retrainAfterDecisions))")
                return trained.model
            } catch let error as ClassifyError {
                console.error("warning: \(fresh) new decisions, but the classifier was not retrained: \(TerminalSafe.text("\(error)"))")
            }
        }
        return storedModel(latest, console: console)
    }

    /// Decodes a stored model; an unreadable one is a warning and the rules classify alone.
    static func storedModel(_ stored: StoredModel?, console: Console) -> ClassifierModel? {
        guard let stored else { return nil }
        do {
            return try ClassifierModel.deserialize(stored.body)
        } catch {
            console.error(TerminalSafe.text("warning: \(error) (model trained \(Timestamp.string(stored.trainedAt)) on "
                                            + "\(stored.examples) decisions); classifying with the rules alone until sluice train succeeds"))
            return nil
        }
    }

    // MARK: evaluation and benchmark

    static func evaluate(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let labeled = try arguments.option("--labeled")
        let fromStore = arguments.flag("--from-store")
        let folds = try arguments.integer("--folds")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let json = arguments.flag("--json")
        try arguments.finish()
        if fromStore && labeled != nil { throw UsageError("eval: --labeled and --from-store exclude each other") }
        let definition = try PipelineDefinition.load(path: pipeline)
        let engine = try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules))
        let examples = fromStore ? try storeDecisions(context.store()).examples
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
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let json = arguments.flag("--json")
        try arguments.finish()
        guard let seconds = Double(secondsText ?? "2"), seconds > 0, seconds <= 600 else {
            throw UsageError("bench: --seconds takes a number of seconds up to 600, not \"\(secondsText ?? "")\"")
        }
        let definition = try PipelineDefinition.load(path: pipeline)
        let engine = try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules))
        let samples = try LabeledSample.load(path: labeled).map(\.example)
        var examples = samples
        var model: ClassifierModel?
        if fromStore {
            let store = try context.store()
            examples = try store.classifiableItems(states: ItemState.allCases).map { item in
                LabeledExample(text: input(item).combinedText, category: item.category ?? "other", approved: true)
            }.filter { !$0.text.isEmpty }
            model = storedModel(try store.latestModel(), console: context.console)
            guard !examples.isEmpty else {
                context.console.error("bench: the store \(TerminalSafe.text(context.storePath)) holds no item with text to classify")
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

    /// What `sluice rules test` reports: the dry run, and which of the changed items wait in the queue.
    struct RulesTestReport: Encodable {
        var dryRun: RuleDryRun
        var pendingChanged: [String]
    }

    static func rules(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        try requireSubcommand("test", &arguments)
        let candidatePath = try arguments.option("--rules")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let json = arguments.flag("--json")
        try arguments.finish()
        let definition = try PipelineDefinition.load(path: pipeline)
        let current = try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules))
        let candidate = try candidatePath.map { try RuleEngine.load(path: $0) } ?? current
        let store = try context.store()
        let items = try store.classifiableItems(states: [.pendingReview, .approved, .rejected, .published])
        let model = storedModel(try store.latestModel(), console: context.console)
        let dryRun = RuleDryRun.compare(current: current, candidate: candidate,
                                        items: items.map { DryRunItem(id: String($0.id), input: input($0), current: currentClassification($0)) },
                                        model: model, options: definition.classify)
        let pending = Set(items.filter { $0.state == .pendingReview }.map { String($0.id) })
        let report = RulesTestReport(dryRun: dryRun, pendingChanged: dryRun.changes.map(\.id).filter(pending.contains))
        if json {
            try context.printJSON(report, snakeCaseKeys: true)
        } else {
            context.console.print(TerminalSafe.text(dryRun.description))
            context.console.print("\(report.pendingChanged.count) of the changed items wait in the review queue"
                                  + (report.pendingChanged.isEmpty ? "" : "; sluice reprocess --stage classify applies the rules to them"))
        }
        return 0
    }

    // MARK: shared

    /// What the classifier reads of a stored item, as the classify stage builds it.
    static func input(_ item: ClassifiableItem) -> ClassifyInput {
        ClassifyInput(title: item.title, text: item.mainText, note: item.note, url: item.url, site: item.site)
    }

    /// The stored classification with the item's category as it stands now (a moderator may have set it).
    static func currentClassification(_ item: ClassifiableItem) -> Classification? {
        guard var classification = item.classification else { return nil }
        classification.category = item.category ?? classification.category
        classification.categorySource = item.categorySource ?? classification.categorySource
        return classification
    }

    static func requireSubcommand(_ expected: String, _ arguments: inout Arguments) throws {
        guard let subcommand = arguments.takeSubcommand() else {
            throw UsageError("\(arguments.command): say what: sluice \(arguments.command) \(expected)")
        }
        guard subcommand == expected else {
            throw UsageError("\(arguments.command): unknown subcommand \"\(TerminalSafe.text(subcommand))\" (only \(expected))")
        }
    }
}
