import Foundation
import SluiceCore

/// Options under `"classify"` in the pipeline JSON. Absent keys take their defaults; every key is encoded,
/// so `StrictJSON` refuses misspelt ones. The model's defaults were tuned on one half of each labelled set
/// in `../shared/classify` and are reported on the other (see `sluice eval classify --part`).
public struct ClassifyOptions: Codable, Sendable, Equatable {
    /// New moderator decisions after which `sluice run` retrains the model first.
    public var retrainAfterDecisions: Int
    /// How the model learns approve/reject (see `Learner`).
    public var learner: Learner
    /// How it learns categories.
    public var categoryLearner: Learner
    /// Character n-gram lengths the model reads; Latin-script words are features as well.
    public var ngramSizes: [Int]
    /// Features are hashed into 2^hash_bits buckets: memory is bounded whatever the vocabulary.
    public var hashBits: Int
    /// The model reads the first this many characters of an item's text (title and note come first).
    public var modelMaxCharacters: Int
    /// Every digit reads as 0.
    public var foldDigits: Bool
    /// The model also reads the rules' outcome (keyword score per category, flag families), so it learns
    /// from moderators how far the rules predict their categories and verdicts.
    public var learnFromRules: Bool
    /// Additive smoothing of feature counts (naive Bayes and the naive Bayes weights).
    public var smoothing: Double
    /// C, the inverse L2 regularisation strength of logistic regression.
    public var regularization: Double
    /// L-BFGS iterations per logistic regression fit, at most.
    public var maxIterations: Int
    /// The vocabulary keeps the hashed features found in the most training items, at most this many.
    public var maxFeatures: Int
    /// A feature must occur in at least this many training items to enter the vocabulary.
    public var minDocumentFrequency: Int
    /// P(approve) is calibrated (Platt scaling) on scores of items held out of training in this many folds.
    public var calibrationFolds: Int
    /// P(approve) inside this closed band marks the item `uncertain`.
    public var uncertainBand: [Double]
    /// The model's category is what an item gets (unless an override rule matches) once moderators set the
    /// category on at least this many of the decisions it learnt from; before, the rules decide.
    public var taughtCategoriesMinimum: Int
    /// Volunteer trust prior: acceptance = (approved + a) / (decided + a + b).
    public var trustPriorApproved: Double
    public var trustPriorRejected: Double
    /// Priority = P(approve) + trust_weight × (trust − 0.5) + reporter_weight × log2(reporters)
    ///            − the penalty of each flag family promoted (not warned against) − duplicate_of_rejected_penalty.
    public var trustWeight: Double
    public var reporterWeight: Double
    public var duplicateOfRejectedPenalty: Double
    public var flagPenalties: [String: Double]
    public var crossValidationFolds: Int

    public static let defaultFlagPenalties: [String: Double] = [
        "fraud": 0.6, "recruiting": 0.5, "hype": 0.2, "money_claim": 0.15, "paid_group": 0.2,
    ]

    public init(retrainAfterDecisions: Int = 50, learner: Learner = .nbLogistic, categoryLearner: Learner = .ensemble, ngramSizes: [Int] = [1, 2, 3],
                hashBits: Int = 20, modelMaxCharacters: Int = 1_000, foldDigits: Bool = false, learnFromRules: Bool = true, smoothing: Double = 0.3,
                regularization: Double = 30, maxIterations: Int = 50, maxFeatures: Int = 100_000,
                minDocumentFrequency: Int = 1, calibrationFolds: Int = 3, uncertainBand: [Double] = [0.35, 0.65],
                taughtCategoriesMinimum: Int = 20, trustPriorApproved: Double = 1, trustPriorRejected: Double = 1,
                trustWeight: Double = 0.4, reporterWeight: Double = 0.15, duplicateOfRejectedPenalty: Double = 0.6,
                flagPenalties: [String: Double] = defaultFlagPenalties, crossValidationFolds: Int = 5) {
        self.retrainAfterDecisions = retrainAfterDecisions
        self.learner = learner
        self.categoryLearner = categoryLearner
        self.ngramSizes = ngramSizes
        self.hashBits = hashBits
        self.modelMaxCharacters = modelMaxCharacters
        self.foldDigits = foldDigits
        self.learnFromRules = learnFromRules
        self.smoothing = smoothing
        self.regularization = regularization
        self.maxIterations = maxIterations
        self.maxFeatures = maxFeatures
        self.minDocumentFrequency = minDocumentFrequency
        self.calibrationFolds = calibrationFolds
        self.uncertainBand = uncertainBand
        self.taughtCategoriesMinimum = taughtCategoriesMinimum
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
        case learner
        case categoryLearner = "category_learner"
        case ngramSizes = "ngram_sizes"
        case hashBits = "hash_bits"
        case modelMaxCharacters = "model_max_characters"
        case foldDigits = "fold_digits"
        case learnFromRules = "learn_from_rules"
        case smoothing, regularization
        case maxIterations = "max_iterations"
        case maxFeatures = "max_features"
        case minDocumentFrequency = "min_document_frequency"
        case calibrationFolds = "calibration_folds"
        case uncertainBand = "uncertain_band"
        case taughtCategoriesMinimum = "taught_categories_minimum"
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
        learner = try container.decode(.learner, default: defaults.learner)
        categoryLearner = try container.decode(.categoryLearner, default: defaults.categoryLearner)
        ngramSizes = try container.decode(.ngramSizes, default: defaults.ngramSizes)
        hashBits = try container.decode(.hashBits, default: defaults.hashBits)
        modelMaxCharacters = try container.decode(.modelMaxCharacters, default: defaults.modelMaxCharacters)
        foldDigits = try container.decode(.foldDigits, default: defaults.foldDigits)
        learnFromRules = try container.decode(.learnFromRules, default: defaults.learnFromRules)
        smoothing = try container.decode(.smoothing, default: defaults.smoothing)
        regularization = try container.decode(.regularization, default: defaults.regularization)
        maxIterations = try container.decode(.maxIterations, default: defaults.maxIterations)
        maxFeatures = try container.decode(.maxFeatures, default: defaults.maxFeatures)
        minDocumentFrequency = try container.decode(.minDocumentFrequency, default: defaults.minDocumentFrequency)
        calibrationFolds = try container.decode(.calibrationFolds, default: defaults.calibrationFolds)
        uncertainBand = try container.decode(.uncertainBand, default: defaults.uncertainBand)
        taughtCategoriesMinimum = try container.decode(.taughtCategoriesMinimum, default: defaults.taughtCategoriesMinimum)
        trustPriorApproved = try container.decode(.trustPriorApproved, default: defaults.trustPriorApproved)
        trustPriorRejected = try container.decode(.trustPriorRejected, default: defaults.trustPriorRejected)
        trustWeight = try container.decode(.trustWeight, default: defaults.trustWeight)
        reporterWeight = try container.decode(.reporterWeight, default: defaults.reporterWeight)
        duplicateOfRejectedPenalty = try container.decode(.duplicateOfRejectedPenalty,
                                                          default: defaults.duplicateOfRejectedPenalty)
        flagPenalties = try container.decode(.flagPenalties, default: defaults.flagPenalties)
        crossValidationFolds = try container.decode(.crossValidationFolds, default: defaults.crossValidationFolds)
        if let problem = firstProblem() { throw invalidValue(problem.key, in: decoder, problem.reason) }
    }

    /// `key: reason` for the first option out of range, if any: what a command that sets options from its
    /// arguments reports.
    public var problem: String? {
        firstProblem().map { "\($0.key.stringValue): \($0.reason)" }
    }

    private func firstProblem() -> (key: CodingKeys, reason: String)? {
        if retrainAfterDecisions < 1 { return (.retrainAfterDecisions, "must be at least 1") }
        if ngramSizes.isEmpty || !ngramSizes.allSatisfy({ (1...5).contains($0) }) {
            return (.ngramSizes, "must list n-gram lengths from 1 to 5")
        }
        if !(12...24).contains(hashBits) { return (.hashBits, "must be between 12 and 24") }
        if modelMaxCharacters < 1 { return (.modelMaxCharacters, "must be at least 1") }
        if !(smoothing > 0 && smoothing.isFinite) { return (.smoothing, "must be positive") }
        if !(regularization > 0 && regularization.isFinite) { return (.regularization, "must be positive") }
        if maxIterations < 1 { return (.maxIterations, "must be at least 1") }
        if maxFeatures < 1 { return (.maxFeatures, "must be at least 1") }
        if minDocumentFrequency < 1 { return (.minDocumentFrequency, "must be at least 1") }
        if calibrationFolds < 2 { return (.calibrationFolds, "must be at least 2") }
        if uncertainBand.count != 2 || !(0...1).contains(uncertainBand[0]) || !(uncertainBand[0]...1).contains(uncertainBand[1]) {
            return (.uncertainBand, "must be [low, high] with 0 ≤ low ≤ high ≤ 1")
        }
        if taughtCategoriesMinimum < 1 { return (.taughtCategoriesMinimum, "must be at least 1") }
        if !(trustPriorApproved > 0 && trustPriorRejected > 0) { return (.trustPriorApproved, "trust priors must be positive") }
        if crossValidationFolds < 2 { return (.crossValidationFolds, "must be at least 2") }
        if let unknown = flagPenalties.keys.sorted().first(where: { !FlagRule.families.contains($0) }) {
            return (.flagPenalties, "unknown flag family \(unknown)")
        }
        return nil
    }

    /// These options with `key=value` assignments applied (`learner=logistic`, `ngram_sizes=[1,2]`; a value
    /// that is not JSON is taken as a string), checked like a pipeline file: an unknown key or a value out of
    /// range is a `ConfigurationError` naming `source`.
    public func overriding(_ assignments: [String], source: String) throws -> ClassifyOptions {
        guard !assignments.isEmpty else { return self }
        let encoder = JSONEncoder()
        guard var object = try JSONSerialization.jsonObject(with: encoder.encode(self)) as? [String: Any] else { return self }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ConfigurationError(file: source, key: assignment, reason: "expected key=value")
            }
            let key = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            object[key] = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
        }
        return try StrictJSON.decode(ClassifyOptions.self, from: JSONSerialization.data(withJSONObject: object), file: source)
    }

    /// Whether `pApprove` falls in the uncertain band.
    public func isUncertain(_ pApprove: Double?) -> Bool {
        guard let pApprove, uncertainBand.count == 2 else { return false }
        return pApprove >= uncertainBand[0] && pApprove <= uncertainBand[1]
    }
}
