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

/// The classify stage: rules and the learnt model together. The category comes from whichever of the two
/// is more confident (the model only at or above `modelMinConfidence`), with its source and evidence;
/// flags always come from the rules. Immutable, so one classifier serves every thread.
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

    /// The same, for a caller that already has the rules' outcome (the dry run keeps it for shadow rules).
    public func classify(_ input: ClassifyInput, outcome: RuleOutcome, signals: VolunteerSignals) -> Classification {
        var category = outcome.category
        var source = CategorySource.rule
        var terms = outcome.matchedTerms
        var pApprove: Double?
        if let model {
            let assessment = model.assess(input.combinedText, explainingWhenDifferentFrom: outcome.category,
                                          minConfidence: options.modelMinConfidence, above: outcome.confidence)
            if let modelCategory = assessment.category {
                category = modelCategory
                source = .model
                terms = assessment.evidence.map { "model:\($0)" }
            }
            pApprove = assessment.pApprove
        }
        return Classification(category: category, categorySource: source, flags: outcome.flags,
                              ruleVersion: engine.version, matchedTerms: terms, pApprove: pApprove,
                              priority: priority(pApprove: pApprove, flags: outcome.flags, signals: signals))
    }

    /// Higher is reviewed first. Likely scams and duplicates of rejected items sink, likely approvals from
    /// trusted volunteers and items several volunteers found rise; every item keeps a place in the queue.
    public func priority(pApprove: Double?, flags: [RiskFlag], signals: VolunteerSignals) -> Double {
        var value = pApprove ?? 0.5
        value += options.trustWeight * (signals.acceptanceRate - 0.5)
        value += options.reporterWeight * log2(Double(signals.independentReporters))
        for family in Set(flags.map(\.family)).sorted() { value -= options.flagPenalties[family] ?? 0 }
        if signals.duplicateOfRejected { value -= options.duplicateOfRejectedPenalty }
        return value
    }
}
