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
        var modelVersion: String
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
        let dryRun = arguments.flag("--dry-run")
        let json = arguments.flag("--json")
        try arguments.finish()
        let definition = try PipelineDefinition.load(path: pipeline)
        let options = definition.classify
        let store = try context.store()
        let decisions = try storeDecisions(store)
        let samples = try samplesFile.map { try LabeledSample.load(path: $0).map(\.example) } ?? []
        let report: TrainReport
        do {
            if dryRun {
                let engine = try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules))
                let candidate = try ClassifierModel.train(decisions.examples + samples, options: options,
                                                          rules: options.learnFromRules ? engine : nil)
                let queue = try store.classifiableItems(states: [.pendingReview]).map { item in
                    QueuedItem(id: item.id, input: input(item), current: currentClassification(item),
                               signals: try signals(for: item, store: store, options: options))
                }
                let current = storedModel(try store.latestModel(), console: context.console)
                try context.printReport(ModelDryRun.compare(items: queue, engine: engine, current: current, candidate: candidate,
                                                            options: options), json: json, snakeCaseKeys: true)
                return 0
            }
            report = try trainAndSave(store: store, decisions: decisions, samples: samples, definition: definition).report
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
                stored at \(report.trainedAt) as model \(report.modelVersion), \(report.modelBytes) bytes
                """)
        }
        return 0
    }

    /// A category a moderator set is taught; one left as the classifier gave it is kept on an approval
    /// and only guessed on a rejection (the model does not learn categories from those).
    static func storeDecisions(_ store: Store) throws -> StoreDecisions {
        let decided = try store.classifiableItems(states: [.approved, .published, .rejected])
        var examples: [LabeledExample] = []
        var corrections = 0
        for item in decided {
            let text = input(item).combinedText
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let category = item.category else { continue }
            let approved = item.state != .rejected
            let origin: CategoryOrigin = item.categorySource == .moderator ? .taught : approved ? .kept : .guessed
            examples.append(LabeledExample(text: text, category: category, approved: approved, categoryOrigin: origin))
            if item.categorySource == .moderator { corrections += 1 }
        }
        return StoreDecisions(examples: examples, moderatorCategories: corrections)
    }

    /// Trains on the store's decisions plus any explicitly given samples and keeps the model in the store.
    static func trainAndSave(store: Store, decisions: StoreDecisions, samples: [LabeledExample],
                             definition: PipelineDefinition) throws -> (model: ClassifierModel, report: TrainReport) {
        let examples = decisions.examples + samples
        let options = definition.classify
        let rules = options.learnFromRules ? try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules)) : nil
        let model = try ClassifierModel.train(examples, options: options, rules: rules)
        let body = try model.serialized()
        let now = Date()
        try store.saveModel(StoredModel(body: body, trainedAt: now, examples: examples.count))
        let approved = examples.filter(\.approved).count
        let report = TrainReport(
            examples: examples.count, fromStore: decisions.examples.count, fromSamples: samples.count, approved: approved,
            rejected: examples.count - approved, moderatorCategories: decisions.moderatorCategories,
            categories: Dictionary(examples.map { ($0.category, 1) }, uniquingKeysWith: +),
            trainedAt: Timestamp.string(now), modelBytes: body.count, modelVersion: model.id)
        return (model, report)
    }

    /// The model `sluice run` classifies with. When `retrain_after_decisions` or more decisions were made
    /// since the newest model was trained (or, with no model yet, in all), the model is first retrained
    /// from the store; that the check runs here, at the start of a run, means decisions never wait on
    /// training and every run classifies with a model that has seen them. Notes go to standard error.
    static func modelForRun(store: Store, definition: PipelineDefinition, console: Console) throws -> ClassifierModel? {
        let options = definition.classify
        let latest = try store.latestModel()
        let fresh = try store.decisionCount(since: latest?.trainedAt)
        if fresh >= options.retrainAfterDecisions {
            do {
                let trained = try trainAndSave(store: store, decisions: try storeDecisions(store), samples: [], definition: definition)
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
        let taskText = try arguments.option("--task")
        let labelMap = try arguments.options("--label-map")
        let partText = try arguments.option("--part")
        let foldsFile = try arguments.option("--write-folds")
        let assignments = try arguments.options("--set")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let json = arguments.flag("--json")
        try arguments.finish()
        if fromStore && labeled != nil { throw UsageError("eval: --labeled and --from-store exclude each other") }
        let task = try taskText.map { text in
            guard let task = LabeledTask(rawValue: text) else {
                // zh: eval：--task 取 approve、category 或 both
                throw UsageError("eval: --task is approve, category or both, not \"\(TerminalSafe.text(text))\"")
            }
            return task
        }
        let parts = ["tune": 0, "report": 1]
        let part = try partText.map { text in
            // zh: eval：--part 取 tune 或 report
            guard let part = parts[text] else { throw UsageError("eval: --part is tune or report, not \"\(TerminalSafe.text(text))\"") }
            return part
        }
        let definition = try PipelineDefinition.load(path: pipeline)
        let options = try definition.classify.overriding(assignments, source: "--set")
        let engine = try RuleEngine.load(path: definition.resolve(definition.rules.classifyRules))
        let set = fromStore ? LabeledFile(examples: try storeDecisions(context.store()).examples, task: task ?? .both, labels: [])
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
                // zh: eval：--label-map 取 原标签=新标签
                throw UsageError("eval: --label-map takes FROM=TO pairs, not \"\(TerminalSafe.text(String(pair)))\"")
            }
            map[sides[0]] = sides[1]
        }
        return map
    }

    /// What the priority of a stored item is computed from, as the classify stage reads it.
    static func signals(for item: ClassifiableItem, store: Store, options: ClassifyOptions) throws -> VolunteerSignals {
        let reporter = try store.reporterSignals(itemID: item.id)
        return VolunteerSignals(approved: reporter.volunteerApproved, decided: reporter.volunteerDecided,
                                independentReporters: reporter.reporters,
                                duplicateOfRejected: try store.sharesContentWithRejected(itemID: item.id), options: options)
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let labeledFiles = try arguments.options("--labeled")
        let trainItems = try arguments.integer("--train-items")
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
        let samples = try (labeledFiles.isEmpty ? [defaultLabeled] : labeledFiles).flatMap { try LabeledFile.load(path: $0).examples }
        var examples = samples
        var model: ClassifierModel?
        var training: TrainingBenchmark?
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
