import Foundation
import SluiceClassify
import SluiceCore
import SluicePipeline

/// The classifier learnt from the moderators' decisions: training, the model a run classifies with, what a
/// new model would change in the queue, and what a candidate rules file would change.
public struct TrainingService: Sendable {
    let store: any ModelStore & PipelineStore
    let options: ClassifyOptions
    /// The rules whose category scores the category model reads (nil: the model learns from text alone).
    let rules: RuleEngine?
    let clock: any TimeSource

    public init(store: any ModelStore & PipelineStore, options: ClassifyOptions, rules: RuleEngine? = nil,
                clock: any TimeSource = SystemClock()) {
        self.store = store
        self.options = options
        self.rules = options.learnFromRules ? rules : nil
        self.clock = clock
    }

    /// With the pipeline's rules file, read only when `classify.learn_from_rules` asks for it.
    public init(store: any ModelStore & PipelineStore, definition: PipelineDefinition, clock: any TimeSource = SystemClock()) throws {
        let options = definition.classify
        let rules = options.learnFromRules ? try RuleEngine.load(definition.file(definition.rules.classifyRules)) : nil
        self.init(store: store, options: options, rules: rules, clock: clock)
    }

    /// What `sluice train` reports.
    public struct TrainReport: Sendable, Encodable {
        public var examples: Int
        public var fromStore: Int
        public var fromSamples: Int
        public var approved: Int
        public var rejected: Int
        /// Decisions whose category a moderator set (corrections of the rules or the model).
        public var moderatorCategories: Int
        public var categories: [String: Int]
        public var trainedAt: String
        public var modelBytes: Int
        /// The new model's version (a digest of what it learnt), which every item it classifies records.
        public var modelVersion: String
        /// The version of the model it replaced, nil for the first.
        public var replaced: String?
    }

    /// The moderators' decisions in the store as training examples, oldest item first.
    public struct StoreDecisions: Sendable {
        public var examples: [LabeledExample]
        public var moderatorCategories: Int
    }

    /// A category a moderator set is taught; one left as the classifier gave it is kept on an approval and
    /// only guessed on a rejection (the model does not learn categories from those).
    public func storeDecisions() throws -> StoreDecisions {
        var examples: [LabeledExample] = []
        var corrections = 0
        for item in try store.classifiableItems(states: [.approved, .published, .rejected]) {
            let text = Self.input(item).combinedText
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let category = item.category else { continue }
            let approved = item.state != .rejected
            let origin: CategoryOrigin = item.categorySource == .moderator ? .taught : approved ? .kept : .guessed
            examples.append(LabeledExample(text: text, category: category, approved: approved, categoryOrigin: origin))
            if item.categorySource == .moderator { corrections += 1 }
        }
        return StoreDecisions(examples: examples, moderatorCategories: corrections)
    }

    /// Trains on the store's decisions plus any explicitly given samples and keeps the model in the store.
    /// Throws `ClassifyError` when there is too little to learn from.
    public func train(samples: [LabeledExample] = []) throws -> (model: ClassifierModel, report: TrainReport) {
        try train(decisions: try storeDecisions(), samples: samples)
    }

    func train(decisions: StoreDecisions, samples: [LabeledExample]) throws -> (model: ClassifierModel, report: TrainReport) {
        let examples = decisions.examples + samples
        let model = try ClassifierModel.train(examples, options: options, rules: rules)
        let body = try model.serialized()
        let now = clock.now()
        let replaced = try store.latestModel()?.version
        try store.saveModel(StoredModel(body: body, trainedAt: now, examples: examples.count, version: model.id))
        let approved = examples.filter(\.approved).count
        let report = TrainReport(
            examples: examples.count, fromStore: decisions.examples.count, fromSamples: samples.count, approved: approved,
            rejected: examples.count - approved, moderatorCategories: decisions.moderatorCategories,
            categories: Dictionary(examples.map { ($0.category, 1) }, uniquingKeysWith: +),
            trainedAt: Timestamp.string(now), modelBytes: body.count, modelVersion: model.id, replaced: replaced)
        return (model, report)
    }

    /// What a model trained now would change in the review queue (category, verdict, order) beside the
    /// current one, before it replaces it: nothing is stored. Throws `ClassifyError` like `train`.
    public func dryRun(samples: [LabeledExample] = [], engine: RuleEngine, note: (String) -> Void) throws -> ModelDryRun {
        let candidate = try ClassifierModel.train(try storeDecisions().examples + samples, options: options, rules: rules)
        let queue = try store.classifiableItems(states: [.pendingReview]).map { item in
            QueuedItem(id: item.id, input: Self.input(item), current: Self.currentClassification(item),
                       signals: try Self.signals(itemID: item.id, store: store, options: options))
        }
        return ModelDryRun.compare(items: queue, engine: engine, current: try storedModel(note: note), candidate: candidate,
                                   options: options)
    }

    /// The model a run classifies with. When `retrain_after_decisions` or more decisions were made since the
    /// newest model was trained (or, with no model yet, in all), the model is first retrained from the
    /// store: decisions never wait on training and every run classifies with a model that has seen them.
    /// `note` hears about retraining and about a model that could not be used.
    public func modelForRun(note: (String) -> Void) throws -> ClassifierModel? {
        let latest = try store.latestModel()
        let fresh = try store.decisionCount(since: latest?.trainedAt)
        if fresh >= options.retrainAfterDecisions {
            do {
                let trained = try train(decisions: try storeDecisions(), samples: [])
                note("note: retrained the classifier on \(trained.report.examples) decisions "
                     + "(\(fresh) new, retrain_after_decisions is \(options.retrainAfterDecisions))")
                return trained.model
            } catch let error as ClassifyError {
                note("warning: \(fresh) new decisions, but the classifier was not retrained: \(error)")
            }
        }
        return Self.decode(latest, note: note)
    }

    /// The newest stored model, decoded; an unreadable one is a warning and the rules classify alone.
    public func storedModel(note: (String) -> Void) throws -> ClassifierModel? {
        Self.decode(try store.latestModel(), note: note)
    }

    static func decode(_ stored: StoredModel?, note: (String) -> Void) -> ClassifierModel? {
        guard let stored else { return nil }
        do {
            return try ClassifierModel.deserialize(stored.body)
        } catch {
            note("warning: \(error) (model trained \(Timestamp.string(stored.trainedAt)) on \(stored.examples) decisions); "
                 + "classifying with the rules alone until sluice train succeeds")
            return nil
        }
    }

    /// What `sluice rules test` reports: the dry run, and which of the changed items wait in the queue.
    public struct RulesTestReport: Sendable, Encodable {
        public var dryRun: RuleDryRun
        public var pendingChanged: [String]
    }

    /// What the `candidate` rules would change on every classified item, beside the `current` ones.
    public func rulesTest(current: RuleEngine, candidate: RuleEngine, note: (String) -> Void) throws -> RulesTestReport {
        let items = try store.classifiableItems(states: [.pendingReview, .approved, .rejected, .published])
        let model = try storedModel(note: note)
        let dryRun = RuleDryRun.compare(current: current, candidate: candidate,
                                        items: items.map { DryRunItem(id: String($0.id), input: Self.input($0),
                                                                      current: Self.currentClassification($0)) },
                                        model: model, options: options)
        let pending = Set(items.filter { $0.state == .pendingReview }.map { String($0.id) })
        return RulesTestReport(dryRun: dryRun, pendingChanged: dryRun.changes.map(\.id).filter(pending.contains))
    }

    /// What the classifier reads of a stored item, as the classify stage builds it.
    public static func input(_ item: ClassifiableItem) -> ClassifyInput {
        ClassifyInput(title: item.title, text: item.mainText, note: item.note, url: item.url, site: item.site)
    }

    /// What the priority of a stored item is computed from, as the classify stage reads it.
    public static func signals(itemID: Int64, store: any PipelineStore, options: ClassifyOptions) throws -> VolunteerSignals {
        let reporter = try store.reporterSignals(itemID: itemID)
        return VolunteerSignals(approved: reporter.volunteerApproved, decided: reporter.volunteerDecided,
                                independentReporters: reporter.reporters,
                                duplicateOfRejected: try store.sharesContentWithRejected(itemID: itemID), options: options)
    }

    /// The stored classification with the item's category as it stands now (a moderator may have set it).
    public static func currentClassification(_ item: ClassifiableItem) -> Classification? {
        guard var classification = item.classification else { return nil }
        classification.category = item.category ?? classification.category
        classification.categorySource = item.categorySource ?? classification.categorySource
        return classification
    }
}
