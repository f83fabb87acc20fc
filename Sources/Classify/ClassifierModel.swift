import Foundation

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
    /// The rules' category scores as features of the category model, after the vocabulary's columns (none
    /// when trained without rules).
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
    /// `rules`, the category model also reads the rules' keyword score per category on each text, so it
    /// learns how far the rules' categories predict the moderators'. (The verdict model does not: flag
    /// features, scaled by their strong naive Bayes ratios, drowned the text and cost accuracy.)
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
        let counts = examples.map { hasher.counts($0.text) }
        let vocabulary = Vocabulary(documents: counts, hashBits: settings.hashBits,
                                    minDocumentFrequency: options.minDocumentFrequency, maxFeatures: options.maxFeatures)
        let ruleFeatures = RuleFeatures(rules)
        var rows = SparseRows()
        for document in counts { rows.append(vocabulary.vector(document)) }
        let learning = LearnerSettings(learner: options.learner, smoothing: options.smoothing,
                                       regularization: options.regularization, maxIterations: options.maxIterations)
        var categoryLearning = learning
        categoryLearning.learner = options.categoryLearner

        let categorised = examples.indices.filter { examples[$0].categoryOrigin != .guessed }
        let classes = Set(categorised.map { examples[$0].category }).sorted()
        var categoryPart: CategoryPart?
        if classes.count >= 2 {
            let labels = categorised.map { classes.firstIndex(of: examples[$0].category) ?? 0 }
            var categoryRows = SparseRows()
            for index in categorised {
                let outcome = rules?.evaluate(ClassifyInput(text: examples[index].text))
                categoryRows.append(vocabulary.vector(counts[index]) + ruleFeatures.values(outcome, offset: vocabulary.count))
            }
            categoryPart = CategoryPart(
                classes: classes, taughtExamples: categorised.filter { examples[$0].categoryOrigin == .taught }.count,
                classifier: .train(rows: categoryRows, labels: labels, classes: classes.count,
                                   columns: vocabulary.count + ruleFeatures.names.count, settings: categoryLearning))
        }
        var approvalPart: ApprovalPart?
        if Set(examples.map(\.approved)).count == 2 {
            let labels = examples.map { $0.approved ? 1 : 0 }
            approvalPart = ApprovalPart(
                classifier: .train(rows: rows, labels: labels, classes: 2, columns: vocabulary.count, settings: learning),
                calibration: calibration(rows: rows, examples: examples, columns: vocabulary.count, settings: learning,
                                         folds: options.calibrationFolds))
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

    /// Platt scaling fitted on approval scores of items held out of training in `folds` stratified folds
    /// (fewer when one verdict has fewer items than that).
    private static func calibration(rows: SparseRows, examples: [LabeledExample], columns: Int, settings: LearnerSettings,
                                    folds requested: Int) -> PlattScaling {
        let minority = min(examples.filter(\.approved).count, examples.filter { !$0.approved }.count)
        let folds = min(requested, minority)
        guard folds >= 2 else { return .logistic }
        let assignment = Folds.assign(texts: examples.map(\.text), strata: examples.map { $0.approved ? "1" : "0" }, folds: folds)
        var scores = [Double](repeating: 0, count: examples.count)
        for fold in 0..<folds {
            let training = examples.indices.filter { assignment[$0] != fold }
            let classifier = LinearClassifier.train(rows: rows.subset(training), labels: training.map { examples[$0].approved ? 1 : 0 },
                                                    classes: 2, columns: columns, settings: settings)
            for index in examples.indices where assignment[index] == fold {
                scores[index] = classifier.scores(row(rows, index))[0]
            }
        }
        return PlattScaling.fit(scores: scores, positive: examples.map(\.approved))
    }

    private static func row(_ rows: SparseRows, _ index: Int) -> [(column: Int32, value: Float)] {
        (rows.start[index]..<rows.start[index + 1]).map { (rows.columns[$0], rows.values[$0]) }
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
        /// The text's TF-IDF vector followed by the rules' features (what the category model reads).
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
            assessment.pApprove = approvalPart.calibration.probability(approvalPart.classifier.scores(text)[0])
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
        guard fits(model.categoryPart?.classifier, columns: model.vocabulary.count + model.ruleFeatures.names.count),
              fits(model.approvalPart?.classifier, columns: model.vocabulary.count),
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
