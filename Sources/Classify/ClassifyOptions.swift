import SluiceCore

/// Options under `"classify"` in the pipeline JSON. Absent keys take their defaults; every key is encoded,
/// so `StrictJSON` refuses misspelt ones.
public struct ClassifyOptions: Codable, Sendable, Equatable {
    /// New moderator decisions after which the lead's scheduler retrains the model.
    public var retrainAfterDecisions: Int
    /// The model's category replaces the rules' only at or above this confidence (and above the rules' own).
    public var modelMinConfidence: Double
    /// Character n-gram lengths taken from runs of CJK text; English is taken as words.
    public var ngramSizes: [Int]
    /// Additive (Laplace) smoothing of the naive Bayes counts.
    public var smoothing: Double
    /// The vocabulary keeps the features found in the most training items, at most this many.
    public var maxFeatures: Int
    /// A feature must occur in at least this many training items to enter the vocabulary.
    public var minDocumentFrequency: Int
    /// Volunteer trust prior: acceptance = (approved + a) / (decided + a + b).
    public var trustPriorApproved: Double
    public var trustPriorRejected: Double
    /// Priority = P(approve) + trust_weight × (trust − 0.5) + reporter_weight × log2(reporters)
    ///            − the penalty of each flag family present − duplicate_of_rejected_penalty.
    public var trustWeight: Double
    public var reporterWeight: Double
    public var duplicateOfRejectedPenalty: Double
    public var flagPenalties: [String: Double]
    public var crossValidationFolds: Int

    public static let defaultFlagPenalties: [String: Double] = [
        "fraud": 0.6, "recruiting": 0.5, "hype": 0.2, "money_claim": 0.15, "paid_group": 0.2,
    ]

    public init(retrainAfterDecisions: Int = 50, modelMinConfidence: Double = 0.5, ngramSizes: [Int] = [1, 2],
                smoothing: Double = 1, maxFeatures: Int = 50_000, minDocumentFrequency: Int = 2, trustPriorApproved: Double = 1,
                trustPriorRejected: Double = 1, trustWeight: Double = 0.4, reporterWeight: Double = 0.15,
                duplicateOfRejectedPenalty: Double = 0.6, flagPenalties: [String: Double] = defaultFlagPenalties,
                crossValidationFolds: Int = 5) {
        self.retrainAfterDecisions = retrainAfterDecisions
        self.modelMinConfidence = modelMinConfidence
        self.ngramSizes = ngramSizes
        self.smoothing = smoothing
        self.maxFeatures = maxFeatures
        self.minDocumentFrequency = minDocumentFrequency
        self.trustPriorApproved = trustPriorApproved
        self.trustPriorRejected = trustPriorRejected
        self.trustWeight = trustWeight
        self.reporterWeight = reporterWeight
        self.duplicateOfRejectedPenalty = duplicateOfRejectedPenalty
        self.flagPenalties = flagPenalties
        self.crossValidationFolds = crossValidationFolds
    }

    enum CodingKeys: String, CodingKey {
        case retrainAfterDecisions = "retrain_after_decisions"
        case modelMinConfidence = "model_min_confidence"
        case ngramSizes = "ngram_sizes"
        case smoothing
        case maxFeatures = "max_features"
        case minDocumentFrequency = "min_document_frequency"
        case trustPriorApproved = "trust_prior_approved"
        case trustPriorRejected = "trust_prior_rejected"
        case trustWeight = "trust_weight"
        case reporterWeight = "reporter_weight"
        case duplicateOfRejectedPenalty = "duplicate_of_rejected_penalty"
        case flagPenalties = "flag_penalties"
        case crossValidationFolds = "cross_validation_folds"
    }

    public init(from decoder: Decoder) throws {
        let defaults = ClassifyOptions()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        retrainAfterDecisions = try container.decode(.retrainAfterDecisions, default: defaults.retrainAfterDecisions)
        modelMinConfidence = try container.decode(.modelMinConfidence, default: defaults.modelMinConfidence)
        ngramSizes = try container.decode(.ngramSizes, default: defaults.ngramSizes)
        smoothing = try container.decode(.smoothing, default: defaults.smoothing)
        maxFeatures = try container.decode(.maxFeatures, default: defaults.maxFeatures)
        minDocumentFrequency = try container.decode(.minDocumentFrequency, default: defaults.minDocumentFrequency)
        trustPriorApproved = try container.decode(.trustPriorApproved, default: defaults.trustPriorApproved)
        trustPriorRejected = try container.decode(.trustPriorRejected, default: defaults.trustPriorRejected)
        trustWeight = try container.decode(.trustWeight, default: defaults.trustWeight)
        reporterWeight = try container.decode(.reporterWeight, default: defaults.reporterWeight)
        duplicateOfRejectedPenalty = try container.decode(.duplicateOfRejectedPenalty,
                                                          default: defaults.duplicateOfRejectedPenalty)
        flagPenalties = try container.decode(.flagPenalties, default: defaults.flagPenalties)
        crossValidationFolds = try container.decode(.crossValidationFolds, default: defaults.crossValidationFolds)

        guard retrainAfterDecisions >= 1 else {
            throw invalidValue(CodingKeys.retrainAfterDecisions, in: decoder, "must be at least 1")
        }
        guard (0...1).contains(modelMinConfidence) else {
            throw invalidValue(CodingKeys.modelMinConfidence, in: decoder, "must be between 0 and 1")
        }
        guard !ngramSizes.isEmpty, ngramSizes.allSatisfy({ (1...4).contains($0) }) else {
            throw invalidValue(CodingKeys.ngramSizes, in: decoder, "must list n-gram lengths from 1 to 4")
        }
        guard smoothing > 0, smoothing.isFinite else {
            throw invalidValue(CodingKeys.smoothing, in: decoder, "must be positive")
        }
        guard maxFeatures >= 1 else { throw invalidValue(CodingKeys.maxFeatures, in: decoder, "must be at least 1") }
        guard minDocumentFrequency >= 1 else {
            throw invalidValue(CodingKeys.minDocumentFrequency, in: decoder, "must be at least 1")
        }
        guard trustPriorApproved > 0, trustPriorRejected > 0 else {
            throw invalidValue(CodingKeys.trustPriorApproved, in: decoder, "trust priors must be positive")
        }
        guard crossValidationFolds >= 2 else {
            throw invalidValue(CodingKeys.crossValidationFolds, in: decoder, "must be at least 2")
        }
        if let unknown = flagPenalties.keys.sorted().first(where: { !FlagRule.families.contains($0) }) {
            throw invalidValue(CodingKeys.flagPenalties, in: decoder, "unknown flag family \(unknown)")
        }
    }
}
