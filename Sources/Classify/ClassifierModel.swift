import Dispatch
import Foundation
import Synchronization

/// The model's category for a text, with the probability it gives that category.
public struct CategoryPrediction: Sendable, Equatable {
    public var category: String
    public var confidence: Double
}

/// The classifier learnt from moderators' decisions: a linear model of the category they kept and one of
/// approve/reject, over hashed character n-grams and Latin words weighted by sublinear TF-IDF (see
/// `Learner`). P(approve) is calibrated by Platt scaling on items held out of training.
///
/// Serialized as JSON with sorted keys, the arrays as little-endian bytes; training sorts its examples
/// first, so the same decisions always give the same bytes. `id`, a digest of those bytes, is the model's
/// version: stored with the model and with every classification it makes.
public struct ClassifierModel: Sendable, Codable {
    public static let formatVersion = 2

    public let format: Int
    public let id: String
    /// How many decisions the model was trained on.
    public let trainedOn: Int
    let features: FeatureSettings
    let vocabulary: Vocabulary
    /// The rules' category scores as features of both models, after the vocabulary's columns (none when
    /// trained without rules).
    let ruleFeatures: RuleFeatures
    /// Absent when the decisions it learnt from had fewer than two trustworthy categories.
    let categoryPart: CategoryPart?
    /// Absent when every decision had the same verdict.
    let approvalPart: ApprovalPart?

    struct CategoryPart: Sendable, Codable {
        let classes: [String]
        /// Training decisions whose category a person chose (not the classifier's guess they kept).
        let taughtExamples: Int
        let classifier: LinearClassifier

        enum CodingKeys: String, CodingKey {
            case classes, classifier
            case taughtExamples = "taught_examples"
        }
    }

    struct ApprovalPart: Sendable, Codable {
        /// Class 1 is approved.
        let classifier: LinearClassifier
        let calibration: PlattScaling
    }

    enum CodingKeys: String, CodingKey {
        case format, id, features, vocabulary
        case ruleFeatures = "rule_features"
        case trainedOn = "trained_on"
        case categoryPart = "category"
        case approvalPart = "approval"
    }

    /// Throws `ClassifyError` for an empty set, or one with neither two categories nor both verdicts. With
    /// `rules`, both models also read the rules' keyword score per category on each text, so they learn how
    /// far the rules' categories predict the moderators' categories and verdicts. (Flag families are not
    /// features: scaled by their strong naive Bayes ratios, they drowned the text and cost accuracy.)
    ///
    /// Memory: one copy of the training rows (a column and a value per distinct feature of each text),
    /// shared by every fit, plus one re-weighted copy of the values per fit running; the fits (categories,
    /// approval, each calibration fold) run side by side on all cores.
    public static func train(_ unordered: [LabeledExample], options: ClassifyOptions,
                             rules: RuleEngine? = nil) throws -> ClassifierModel {
        guard let first = unordered.first else { throw ClassifyError.noTrainingData }
        let examples = unordered.sorted { left, right in
            if left.text != right.text { return left.text < right.text }
            if left.category != right.category { return left.category < right.category }
            if left.approved != right.approved { return !left.approved }
            return left.categoryOrigin.rawValue < right.categoryOrigin.rawValue
        }
        let settings = FeatureSettings(options)
        let hasher = FeatureHasher(settings: settings)
        let (vocabulary, rows) = vectors(examples, hasher: hasher, options: options, rules: rules)
        let ruleFeatures = RuleFeatures(rules)
        let learning = LearnerSettings(learner: options.learner, smoothing: options.smoothing,
                                       regularization: options.regularization, maxIterations: options.maxIterations)
        let categoryLearning = LearnerSettings(learner: options.categoryLearner, smoothing: options.smoothing,
                                               regularization: options.regularization, maxIterations: options.maxIterations)

        let categorised = examples.indices.filter { examples[$0].categoryOrigin != .guessed }
        let classes = Set(categorised.map { examples[$0].category }).sorted()
        let everyone = Array(examples.indices)
        let approvals = examples.map { $0.approved ? 1 : 0 }
        let bothVerdicts = Set(approvals).count == 2
        let calibrationFolds = calibrationFoldCount(examples, requested: options.calibrationFolds)
        let calibrationAssignment = Folds.assign(texts: examples.map(\.text), strata: approvals.map(String.init),
                                                 folds: calibrationFolds)
        let columns = vocabulary.count + ruleFeatures.names.count

        // Every fit is independent: the category model, the approval model and one approval model per
        // calibration fold run side by side.
        enum Fit { case category, approval, calibration(Int) }
        let fits: [Fit] = (classes.count >= 2 ? [.category] : []) + (bothVerdicts ? [.approval] : [])
            + (0..<calibrationFolds).map(Fit.calibration)
        let results = Mutex([Int: LinearClassifier]())
        DispatchQueue.concurrentPerform(iterations: fits.count) { job in
            let classifier: LinearClassifier
            switch fits[job] {
            case .category:
                classifier = .train(rows: rows, members: categorised,
                                    labels: categorised.map { classes.firstIndex(of: examples[$0].category) ?? 0 },
                                    classes: classes.count, columns: columns, settings: categoryLearning)
            case .approval:
                classifier = .train(rows: rows, members: everyone, labels: approvals, classes: 2, columns: columns,
                                    settings: learning)
            case .calibration(let fold):
                let training = everyone.filter { calibrationAssignment[$0] != fold }
                classifier = .train(rows: rows, members: training, labels: training.map { approvals[$0] }, classes: 2,
                                    columns: columns, settings: learning)
            }
            results.withLock { $0[job] = classifier }
        }
        let trained = results.withLock { $0 }
        var categoryPart: CategoryPart?
        var approvalPart: ApprovalPart?
        var heldOutScores = [Double](repeating: 0, count: examples.count)
        for (job, fit) in fits.enumerated() {
            guard let classifier = trained[job] else { continue }
            switch fit {
            case .category:
                categoryPart = CategoryPart(classes: classes,
                                            taughtExamples: categorised.filter { examples[$0].categoryOrigin == .taught }.count,
                                            classifier: classifier)
            case .approval:
                approvalPart = ApprovalPart(classifier: classifier, calibration: .logistic)
            case .calibration(let fold):
                for index in examples.indices where calibrationAssignment[index] == fold {
                    heldOutScores[index] = classifier.scores(rows.row(index))[0]
                }
            }
        }
        if let approval = approvalPart, calibrationFolds > 0 {
            approvalPart = ApprovalPart(classifier: approval.classifier,
                                        calibration: PlattScaling.fit(scores: heldOutScores, positive: examples.map(\.approved)))
        }
        guard categoryPart != nil || approvalPart != nil else {
            throw ClassifyError.oneClass(category: first.category, examples: examples.count)
        }
        var model = ClassifierModel(format: formatVersion, id: "", trainedOn: examples.count,
                                    features: settings, vocabulary: vocabulary, ruleFeatures: ruleFeatures, categoryPart: categoryPart,
                                    approvalPart: approvalPart)
        model = model.identified(try model.encoded())
        return model
    }

    /// Each example's TF-IDF vector followed by the rules' features. Hashed counts come first (bucket as
    /// column), for the vocabulary; they are dropped once the vectors exist, so training holds one copy of
    /// the rows, which every fit reads.
    private static func vectors(_ examples: [LabeledExample], hasher: FeatureHasher, options: ClassifyOptions,
                                rules: RuleEngine?) -> (Vocabulary, SparseRows) {
        var hashed = SparseRows()
        for example in examples { hashed.append(hasher.counts(example.text).map { (Int32(bitPattern: $0.bucket), $0.count) }) }
        let vocabulary = Vocabulary(documents: hashed, hashBits: hasher.settings.hashBits,
                                    minDocumentFrequency: options.minDocumentFrequency, maxFeatures: options.maxFeatures)
        let ruleFeatures = RuleFeatures(rules)
        var rows = SparseRows()
        for index in examples.indices {
            let text = vocabulary.vector(hashed.row(index).lazy.map { (bucket: UInt32(bitPattern: $0.column), count: $0.value) })
            rows.append(text + ruleFeatures.values(rules?.evaluate(ClassifyInput(text: examples[index].text)), offset: vocabulary.count))
        }
        return (vocabulary, rows)
    }

    /// Platt scaling is fitted on approval scores of items held out of training in this many stratified
    /// folds: as many as asked, fewer when one verdict has fewer items than that (under two: none).
    private static func calibrationFoldCount(_ examples: [LabeledExample], requested: Int) -> Int {
        let approved = examples.filter(\.approved).count
        let folds = min(requested, min(approved, examples.count - approved))
        return folds >= 2 ? folds : 0
    }

    /// How many feature occurrences a model trained with `options` reads in `text`.
    public static func featureCount(_ text: String, options: ClassifyOptions) -> Int {
        FeatureHasher(settings: FeatureSettings(options)).counts(text).reduce(0) { $0 + Int($1.count) }
    }

    // MARK: predicting

    /// The categories the model tells apart (empty when it learnt none).
    public var categories: [String] { categoryPart?.classes ?? [] }

    /// Training decisions whose category a person chose.
    public var taughtCategoryExamples: Int { categoryPart?.taughtExamples ?? 0 }

    /// `rules`, the rules' outcome on the same text, matters to a model trained with rules.
    public func predictCategory(_ text: String, rules: RuleOutcome? = nil) -> CategoryPrediction? {
        assess(text, rules: rules).category
    }

    /// P(a moderator approves), calibrated; nil when the training decisions were all approvals or all rejections.
    public func probabilityOfApproval(_ text: String, rules: RuleOutcome? = nil) -> Double? {
        assess(text, rules: rules).pApprove
    }

    /// What the model says about one text, its features extracted once.
    struct Assessment {
        /// The text's TF-IDF vector followed by the rules' features (what both models read).
        var vector: [(column: Int32, value: Float)]
        var category: CategoryPrediction?
        var categoryProbabilities: [Double]
        var pApprove: Double?
    }

    func assess(_ text: String, rules: RuleOutcome?) -> Assessment {
        let text = vocabulary.vector(FeatureHasher(settings: features).counts(text))
        let vector = text + ruleFeatures.values(rules, offset: vocabulary.count)
        var assessment = Assessment(vector: vector, category: nil, categoryProbabilities: [], pApprove: nil)
        if let categoryPart {
            let prediction = categoryPart.classifier.predict(vector)
            assessment.category = CategoryPrediction(category: categoryPart.classes[prediction.best],
                                                     confidence: prediction.probabilities[prediction.best])
            assessment.categoryProbabilities = prediction.probabilities
        }
        if let approvalPart {
            assessment.pApprove = approvalPart.calibration.probability(approvalPart.classifier.scores(vector)[0])
        }
        return assessment
    }

    /// The features of the text that most favour `category` over the runner-up, strongest first, for the
    /// item's explanation. Single characters are left out while longer features are found: they weigh in
    /// the decision but explain little to a moderator.
    public func evidence(for category: String, in text: String, rules: RuleOutcome? = nil, limit: Int = 5) -> [String] {
        evidence(for: category, assessment: assess(text, rules: rules), text: text, limit: limit)
    }

    func evidence(for category: String, assessment: Assessment, text: String, limit: Int) -> [String] {
        guard let categoryPart, let target = categoryPart.classes.firstIndex(of: category) else { return [] }
        let scorers = categoryPart.classifier.scorers
        var margins: [Int32: Double] = [:]
        if scorers.count == 1 {
            let sign = target == 1 ? 1.0 : -1.0
            for contribution in scorers[0].contributions(assessment.vector) { margins[contribution.column] = sign * contribution.weight }
        } else {
            let probabilities = assessment.categoryProbabilities
            let rival = probabilities.indices.filter { $0 != target }.max { probabilities[$0] < probabilities[$1] } ?? target
            var rivalWeights: [Int32: Double] = [:]
            for contribution in scorers[rival].contributions(assessment.vector) { rivalWeights[contribution.column] = contribution.weight }
            for contribution in scorers[target].contributions(assessment.vector) {
                margins[contribution.column] = contribution.weight - (rivalWeights[contribution.column] ?? 0)
            }
        }
        var found = FeatureHasher(settings: features).strongest(text, limit: limit) { bucket in
            vocabulary.column(of: bucket).flatMap { margins[Int32($0)] }
        }
        for (offset, name) in ruleFeatures.names.enumerated() {
            if let margin = margins[Int32(vocabulary.count + offset)], margin > 0 { found.append(("rule " + name, margin)) }
        }
        return found.sorted { $0.margin != $1.margin ? $0.margin > $1.margin : $0.text < $1.text }.prefix(limit).map(\.text)
    }

    // MARK: bytes

    public func serialized() throws -> Data {
        try encoded()
    }

    public static func deserialize(_ data: Data) throws -> ClassifierModel {
        let model: ClassifierModel
        do {
            model = try JSONDecoder().decode(ClassifierModel.self, from: data)
        } catch {
            throw ClassifyError.unreadableModel(reason: "\(error)")
        }
        guard model.format == formatVersion else {
            throw ClassifyError.unreadableModel(reason: "format \(model.format), this build reads format \(formatVersion)")
        }
        func fits(_ classifier: LinearClassifier?, columns: Int) -> Bool {
            guard let classifier else { return true }
            return ([classifier] + classifier.partners).allSatisfy { $0.scorers.allSatisfy { $0.weights.count == columns } }
        }
        let columns = model.vocabulary.count + model.ruleFeatures.names.count
        guard fits(model.categoryPart?.classifier, columns: columns), fits(model.approvalPart?.classifier, columns: columns),
              model.categoryPart.map({ $0.classes.count >= 2 && $0.classifier.scorers.count == ($0.classes.count == 2 ? 1 : $0.classes.count) }) ?? true,
              model.approvalPart.map({ $0.classifier.scorers.count == 1 }) ?? true,
              (12...24).contains(model.features.hashBits), !model.features.ngramSizes.isEmpty else {
            throw ClassifyError.unreadableModel(reason: "the weights do not match the vocabulary or the classes")
        }
        return model
    }

    private func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The same model with `id` set to a digest of its bytes (encoded with an empty id).
    private func identified(_ bytes: Data) -> ClassifierModel {
        let digest = bytes.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
        let hex = String(Folds.scramble(digest), radix: 16)
        return ClassifierModel(format: format, id: String(repeating: "0", count: 16 - hex.count) + hex, trainedOn: trainedOn,
                               features: features, vocabulary: vocabulary, ruleFeatures: ruleFeatures, categoryPart: categoryPart,
                               approvalPart: approvalPart)
    }
}

/// The rules' category scores as model features: each live category's keyword score, squashed to 0…1 as the
/// rules' own confidence is (1 − e^(−score / 6)). Named by category, so a model still reads them after the
/// rules file gains or loses a category.
struct RuleFeatures: Sendable, Codable, Equatable {
    /// Category ids.
    let names: [String]

    init(_ engine: RuleEngine?) {
        guard let engine else {
            names = []
            return
        }
        names = engine.rules.categories.filter { !$0.shadow }.map(\.id)
    }

    /// The features of `outcome` as vector entries numbered from `offset`.
    func values(_ outcome: RuleOutcome?, offset: Int) -> [(column: Int32, value: Float)] {
        guard let outcome, !names.isEmpty else { return [] }
        return names.enumerated().compactMap { index, name in
            guard let score = outcome.categoryScores[name], score > 0 else { return nil }
            return (Int32(offset + index), Float(1 - exp(-score / 6)))
        }
    }

    enum CodingKeys: String, CodingKey {
        case names
    }
}
