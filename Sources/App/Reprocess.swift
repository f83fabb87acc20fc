import Foundation
import SluiceClassify
import SluiceCore
import SluicePipeline

/// `sluice reprocess --stage STAGE`: a stage run again over items past it, after its rules or model changed.
public struct ReprocessService: Sendable {
    let store: any Store
    let definition: PipelineDefinition
    let clock: any TimeSource

    public init(store: any Store, definition: PipelineDefinition, clock: any TimeSource = SystemClock()) {
        self.store = store
        self.definition = definition
        self.clock = clock
    }

    /// What `reprocess --stage classify` did.
    public struct ClassifyReport: Sendable, Encodable {
        public var stage = "classify"
        public var ruleVersion: String
        public var model: Bool
        public var examined: Int
        public var written: Int
        public var categoryChanged: [Int64]
        public var flagsChanged: [Int64]
        /// Items a moderator decided or changed while the reprocess ran: left as they are.
        public var skipped: Int
    }

    /// Re-classifies every item waiting in the review queue with the current rules and model: category (a
    /// moderator's category is kept), flags, P(approve) and priority. One transaction per batch of
    /// `store.commit_batch` items, each write recorded as a classify transition.
    public func classify(note: (String) -> Void, progress: (Int, Int) -> Void = { _, _ in }) throws -> ClassifyReport {
        let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        let model = try TrainingService(store: store, options: definition.classify, clock: clock).storedModel(note: note)
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
                let signals = try TrainingService.signals(itemID: item.id, store: store, options: definition.classify)
                var next = classifier.classify(TrainingService.input(item), signals: signals)
                if item.categorySource == .moderator, let category = item.category {
                    next.category = category
                    next.categorySource = .moderator
                    next.matchedTerms = []
                }
                let previous = TrainingService.currentClassification(item)?.category ?? item.category
                let detail = "reprocessed with rules \(engine.version)" + (model == nil ? "" : " and the stored model")
                    + (previous == next.category ? "" : ": category \(previous ?? "none") → \(next.category)")
                if previous != next.category { categoryChanged.insert(item.id) }
                if Set(item.classification?.flags ?? []) != Set(next.flags) { flagsChanged.insert(item.id) }
                updates.append(Reclassification(itemID: item.id, version: item.version, classification: next, detail: detail))
            }
            let written = try store.reclassify(updates, actor: "reprocess", at: clock.now())
            report.written += written.count
            report.categoryChanged += written.filter(categoryChanged.contains)
            report.flagsChanged += written.filter(flagsChanged.contains)
            report.skipped += updates.count - written.count
            progress(start, items.count)
        }
        return report
    }

    /// What `reprocess --stage dedup` did.
    public struct RekeyReport: Sendable, Encodable {
        public var stage = "dedup"
        public var version: String
        public var rekeyed: Int
    }

    /// Re-keys every stored item now, whatever versions they were keyed with.
    public func dedup() throws -> RekeyReport {
        let engines = try StageEngines(definition: definition, model: nil)
        let count = try store.rekey(version: engines.dedupKeysVersion, force: true) { engines.dedupKeys(for: $0).keys }
        return RekeyReport(version: engines.dedupKeysVersion, rekeyed: count ?? 0)
    }
}
