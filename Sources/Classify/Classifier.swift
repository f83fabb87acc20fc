import Foundation
import SluiceCore

/// What the store knows about who submitted an item and what became of similar items, used for its priority.
public struct VolunteerSignals: Sendable, Equatable {
    /// The volunteer's smoothed acceptance rate: (approved + a) / (decided + a + b).
    public var acceptanceRate: Double
    /// How many volunteers submitted this item independently (1 for a single report).
    public var independentReporters: Int
    /// The item duplicates one a moderator already rejected.
    public var duplicateOfRejected: Bool

    public init(acceptanceRate: Double, independentReporters: Int = 1, duplicateOfRejected: Bool = false) {
        self.acceptanceRate = min(max(acceptanceRate, 0), 1)
        self.independentReporters = max(independentReporters, 1)
        self.duplicateOfRejected = duplicateOfRejected
    }

    /// From the volunteer's past decisions, smoothed by the options' priors so a newcomer starts near the
    /// prior mean instead of at 0 or 1.
    public init(approved: Int, decided: Int, independentReporters: Int = 1, duplicateOfRejected: Bool = false,
                options: ClassifyOptions) {
        let a = options.trustPriorApproved
        let b = options.trustPriorRejected
        let rate = (Double(max(approved, 0)) + a) / (Double(max(decided, approved, 0)) + a + b)
        self.init(acceptanceRate: rate, independentReporters: independentReporters, duplicateOfRejected: duplicateOfRejected)
    }

    /// A volunteer with no history, reported once.
    public static func newcomer(options: ClassifyOptions) -> VolunteerSignals {
        VolunteerSignals(approved: 0, decided: 0, options: options)
    }
}

/// The classify stage: rules and the learnt model together. The moderators' taxonomy wins: once the model
/// has learnt categories moderators set (`taught_categories_minimum` decisions), its category is what an
/// item gets, unless a rule marked `override` matched; before that, the rules decide. Flags always come
/// from the rules; P(approve) from the model. Immutable, so one classifier serves every thread.
public struct Classifier: Sendable {
    public let engine: RuleEngine
    public let model: ClassifierModel?
    public let options: ClassifyOptions

    public init(engine: RuleEngine, model: ClassifierModel?, options: ClassifyOptions) {
        self.engine = engine
        self.model = model
        self.options = options
    }

    public func classify(_ input: ClassifyInput, signals: VolunteerSignals) -> Classification {
        classify(input, outcome: engine.evaluate(input), signals: signals)
    }

    /// Whether the model's category decides (it has learnt enough categories from moderators).
    public var modelDecidesCategories: Bool {
        guard let model else { return false }
        return !model.categories.isEmpty && model.taughtCategoryExamples >= options.taughtCategoriesMinimum
    }

    /// The same, for a caller that already has the rules' outcome (the dry run keeps it for shadow rules).
    public func classify(_ input: ClassifyInput, outcome: RuleOutcome, signals: VolunteerSignals) -> Classification {
        let text = input.combinedText
        let assessment = model?.assess(text, rules: outcome)
        var category = outcome.category
        var source = CategorySource.rule
        var terms = outcome.matchedTerms
        var basis: CategoryBasis
        if let rule = outcome.overrideRule {
            basis = CategoryBasis(kind: .overrideRule, by: rule, evidence: outcome.matchedTerms)
        } else if modelDecidesCategories, let model, let assessment, let predicted = assessment.category {
            category = predicted.category
            source = .model
            terms = model.evidence(for: predicted.category, assessment: assessment, text: text, limit: 5)
            basis = CategoryBasis(kind: .model, by: model.id, evidence: terms)
        } else if outcome.score > 0 {
            basis = CategoryBasis(kind: .rule, by: outcome.category, evidence: outcome.matchedTerms)
        } else {
            basis = CategoryBasis(kind: .fallback, by: outcome.category, evidence: [])
        }
        let pApprove = assessment?.pApprove
        return Classification(category: category, categorySource: source, flags: outcome.flags,
                              ruleVersion: engine.version, matchedTerms: terms, pApprove: pApprove,
                              priority: priority(pApprove: pApprove, flags: outcome.flags, signals: signals),
                              basis: basis, modelVersion: model?.id, uncertain: options.isUncertain(pApprove))
    }

    /// Higher is reviewed first. Likely scams and duplicates of rejected items sink, likely approvals from
    /// trusted volunteers and items several volunteers found rise; every item keeps a place in the queue.
    /// A flag the item warns against costs nothing: a warning about a scam is intel, not the scam.
    public func priority(pApprove: Double?, flags: [RiskFlag], signals: VolunteerSignals) -> Double {
        var value = pApprove ?? 0.5
        value += options.trustWeight * (signals.acceptanceRate - 0.5)
        value += options.reporterWeight * log2(Double(signals.independentReporters))
        for family in Set(flags.filter { !$0.warned }.map(\.family)).sorted() { value -= options.flagPenalties[family] ?? 0 }
        if signals.duplicateOfRejected { value -= options.duplicateOfRejectedPenalty }
        return value
    }
}
