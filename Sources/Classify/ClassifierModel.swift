import Foundation

/// The classifier learnt from moderators' decisions: a naive Bayes model of the category they kept and one of
/// approve/reject, over CJK character n-grams and English words.
///
/// Serialized as JSON with sorted keys and integer counts only (the log-probabilities are derived on
/// decoding), so the same examples always give the same bytes. The store keeps those bytes with the
/// training date and size.
public struct ClassifierModel: Sendable, Codable {
    public static let formatVersion = 1

    public let format: Int
    public let ngramSizes: [Int]
    /// How many decisions the model was trained on.
    public let trainedOn: Int
    let categoryModel: NaiveBayes
    /// Per category, how often the model was right when it predicted that category on items held out of its
    /// training (an inner cross-validation, smoothed). Naive Bayes posteriors are close to 0 or 1 whatever the
    /// evidence, so this is what makes the model's confidence comparable with the rules'.
    let categoryReliability: [Double]
    /// Absent when every training decision had the same verdict.
    let approvalModel: NaiveBayes?

    enum CodingKeys: String, CodingKey {
        case format
        case ngramSizes = "ngram_sizes"
        case trainedOn = "trained_on"
        case categoryModel = "category_model"
        case categoryReliability = "category_reliability"
        case approvalModel = "approval_model"
    }

    /// Throws `ClassifyError` for an empty set or one in which every decision has the same category.
    public static func train(_ examples: [LabeledExample], options: ClassifyOptions) throws -> ClassifierModel {
        guard let first = examples.first else { throw ClassifyError.noTrainingData }
        let categories = Set(examples.map(\.category)).sorted()
        guard categories.count >= 2 else {
            throw ClassifyError.oneClass(category: first.category, examples: examples.count)
        }
        let extractor = FeatureExtractor(ngramSizes: options.ngramSizes)
        let documents = examples.map { extractor.features($0.text) }
        let vocabulary = NaiveBayes.vocabulary(documents, options: options)
        let labels = examples.map { categories.firstIndex(of: $0.category) ?? 0 }
        let categoryModel = NaiveBayes(classes: categories, documents: documents, labels: labels,
                                       vocabulary: vocabulary, smoothing: options.smoothing, complement: true)
        let reliability = heldOutPrecision(examples, documents: documents, labels: labels, classes: categories,
                                           options: options)
        let verdicts = Set(examples.map(\.approved))
        let approvalModel = verdicts.count < 2 ? nil : NaiveBayes(
            classes: ["rejected", "approved"], documents: documents, labels: examples.map { $0.approved ? 1 : 0 },
            vocabulary: vocabulary, smoothing: options.smoothing, complement: false)
        return ClassifierModel(format: formatVersion, ngramSizes: options.ngramSizes.sorted(), trainedOn: examples.count,
                               categoryModel: categoryModel, categoryReliability: reliability,
                               approvalModel: approvalModel)
    }

    /// Precision per predicted category over an inner k-fold split, with one success and one failure added
    /// so a category predicted rarely is neither trusted nor dismissed outright.
    private static func heldOutPrecision(_ examples: [LabeledExample], documents: [[String]], labels: [Int],
                                         classes: [String], options: ClassifyOptions) -> [Double] {
        let folds = min(options.crossValidationFolds, examples.count)
        guard folds >= 2 else { return Array(repeating: 0.5, count: classes.count) }
        let assignment = Folds.assign(examples, folds: folds)
        var predicted = Array(repeating: 0, count: classes.count)
        var correct = Array(repeating: 0, count: classes.count)
        for fold in 0..<folds {
            let training = documents.indices.filter { assignment[$0] != fold }
            let model = NaiveBayes(classes: classes, documents: training.map { documents[$0] },
                                   labels: training.map { labels[$0] },
                                   vocabulary: NaiveBayes.vocabulary(training.map { documents[$0] }, options: options),
                                   smoothing: options.smoothing, complement: true)
            for index in documents.indices where assignment[index] == fold {
                let posterior = model.posterior(documents[index])
                let best = posterior.indices.max { posterior[$0] < posterior[$1] } ?? 0
                predicted[best] += 1
                if best == labels[index] { correct[best] += 1 }
            }
        }
        return classes.indices.map { (Double(correct[$0]) + 1) / (Double(predicted[$0]) + 2) }
    }

    /// The most probable category, and its posterior probability scaled by how reliable the model's
    /// predictions of that category were on held-out training items.
    public func predictCategory(_ text: String) -> (category: String, confidence: Double) {
        predictCategory(features: features(text))
    }

    /// P(a moderator approves), or nil when the training decisions were all approvals or all rejections.
    public func probabilityOfApproval(_ text: String) -> Double? {
        probabilityOfApproval(features: features(text))
    }

    /// The features of the text that most favour `category` over the others, for the item's explanation.
    public func evidence(for category: String, in text: String, limit: Int = 5) -> [String] {
        categoryModel.strongestFeatures(features(text), for: category, limit: limit)
    }

    /// Everything the classifier needs from the model, extracting the text's features once.
    func assess(_ text: String, explainingWhenDifferentFrom ruleCategory: String, minConfidence: Double,
                above ruleConfidence: Double) -> (category: String?, evidence: [String], pApprove: Double?) {
        let features = features(text)
        let predicted = predictCategory(features: features)
        let pApprove = probabilityOfApproval(features: features)
        guard predicted.confidence >= minConfidence, predicted.confidence > ruleConfidence,
              predicted.category != ruleCategory else { return (nil, [], pApprove) }
        return (predicted.category, categoryModel.strongestFeatures(features, for: predicted.category, limit: 5), pApprove)
    }

    private func predictCategory(features: [String]) -> (category: String, confidence: Double) {
        let posterior = categoryModel.posterior(features)
        let best = posterior.indices.max { posterior[$0] < posterior[$1] } ?? 0
        let reliability = best < categoryReliability.count ? categoryReliability[best] : 0
        return (categoryModel.classes[best], posterior[best] * reliability)
    }

    private func probabilityOfApproval(features: [String]) -> Double? {
        approvalModel.map { $0.posterior(features)[1] }
    }

    public var categories: [String] { categoryModel.classes }

    public func serialized() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func deserialize(_ data: Data) throws -> ClassifierModel {
        let model: ClassifierModel
        do {
            model = try JSONDecoder().decode(ClassifierModel.self, from: data)
        } catch {
            throw ClassifyError.unreadableModel(reason: "\(error)")
        }
        guard model.categoryReliability.count == model.categoryModel.classes.count else {
            throw ClassifyError.unreadableModel(reason: "category_reliability does not match the categories")
        }
        guard model.format == formatVersion else {
            throw ClassifyError.unreadableModel(reason: "format \(model.format), this build reads format \(formatVersion)")
        }
        return model
    }

    private func features(_ text: String) -> [String] {
        FeatureExtractor(ngramSizes: ngramSizes).features(text)
    }
}

/// Turns text into the model's features: character n-grams inside runs of CJK characters (Chinese has no
/// spaces, so n-grams stand in for words) and whole words elsewhere, after width, case and
/// traditional-character folding. Numbers become one token: the amount matters less than that there is one.
struct FeatureExtractor {
    let ngramSizes: [Int]

    /// Distinct features, in no particular order.
    func features(_ text: String) -> [String] {
        var found = Set<String>()
        var cjkRun: [Character] = []
        var word = ""
        func flushCJK() {
            for size in ngramSizes where cjkRun.count >= size {
                for start in 0...(cjkRun.count - size) { found.insert(String(cjkRun[start..<(start + size)])) }
            }
            cjkRun.removeAll(keepingCapacity: true)
        }
        func flushWord() {
            if word.allSatisfy(\.isNumber) {
                if !word.isEmpty { found.insert("<number>") }
            } else if word.count >= 2 {
                found.insert(word)
            }
            word = ""
        }
        let folded = TextFolding.foldedString(text, traditional: true)
        for scalar in folded.unicodeScalars {
            if scalar.properties.isIdeographic {
                flushWord()
                cjkRun.append(Character(scalar))
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                flushCJK()
                word.unicodeScalars.append(scalar)
            } else {
                flushCJK()
                flushWord()
                if scalar == "$" || scalar == "¥" || scalar == "￥" { found.insert("<currency>") }
            }
        }
        flushCJK()
        flushWord()
        return Array(found)
    }
}

/// Multinomial naive Bayes over binary features (each feature counted once per item, so one word repeated
/// down a page does not outweigh everything else), with additive smoothing.
///
/// The complement variant (Rennie et al., 2003) estimates each class from the items of all other classes,
/// which steadies the estimates when every class has only a few items; on the labelled set it is markedly
/// more accurate for categories. Approve/reject, with two classes, uses the plain variant.
struct NaiveBayes: Sendable, Codable {
    let classes: [String]
    let documentCounts: [Int]
    /// Feature → number of training items of each class containing it.
    let featureCounts: [String: [Int]]
    let smoothing: Double
    let complement: Bool

    private let logPrior: [Double]
    private let logLikelihood: [String: [Double]]

    enum CodingKeys: String, CodingKey {
        case classes, smoothing, complement
        case documentCounts = "document_counts"
        case featureCounts = "feature_counts"
    }

    /// The features found in at least `min_document_frequency` items (a feature seen once says more about
    /// that item than about its class), the most frequent first, at most `max_features`, ties broken by text.
    static func vocabulary(_ documents: [[String]], options: ClassifyOptions) -> Set<String> {
        var frequency: [String: Int] = [:]
        for document in documents { for feature in document { frequency[feature, default: 0] += 1 } }
        let kept = frequency.filter { $0.value >= options.minDocumentFrequency }
        if kept.count <= options.maxFeatures { return Set(kept.keys) }
        let ranked = kept.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Set(ranked.prefix(options.maxFeatures).map(\.key))
    }

    init(classes: [String], documents: [[String]], labels: [Int], vocabulary: Set<String>, smoothing: Double,
         complement: Bool) {
        var documentCounts = Array(repeating: 0, count: classes.count)
        var featureCounts: [String: [Int]] = [:]
        for (document, label) in zip(documents, labels) {
            documentCounts[label] += 1
            for feature in document where vocabulary.contains(feature) {
                featureCounts[feature, default: Array(repeating: 0, count: classes.count)][label] += 1
            }
        }
        self.init(classes: classes, documentCounts: documentCounts, featureCounts: featureCounts, smoothing: smoothing,
                  complement: complement)
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let classes = try container.decode([String].self, forKey: .classes)
        let documentCounts = try container.decode([Int].self, forKey: .documentCounts)
        let featureCounts = try container.decode([String: [Int]].self, forKey: .featureCounts)
        let smoothing = try container.decode(Double.self, forKey: .smoothing)
        let complement = try container.decode(Bool.self, forKey: .complement)
        guard !classes.isEmpty, documentCounts.count == classes.count,
              featureCounts.values.allSatisfy({ $0.count == classes.count }), smoothing > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "class, count and smoothing values do not agree"))
        }
        self.init(classes: classes, documentCounts: documentCounts, featureCounts: featureCounts, smoothing: smoothing,
                  complement: complement)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(classes, forKey: .classes)
        try container.encode(documentCounts, forKey: .documentCounts)
        try container.encode(featureCounts, forKey: .featureCounts)
        try container.encode(smoothing, forKey: .smoothing)
        try container.encode(complement, forKey: .complement)
    }

    private init(classes: [String], documentCounts: [Int], featureCounts: [String: [Int]], smoothing: Double,
                 complement: Bool) {
        self.classes = classes
        self.documentCounts = documentCounts
        self.featureCounts = featureCounts
        self.smoothing = smoothing
        self.complement = complement
        let total = Double(documentCounts.reduce(0, +))
        logPrior = complement ? Array(repeating: 0, count: classes.count)
            : documentCounts.map { log((Double($0) + smoothing) / (total + smoothing * Double(classes.count))) }
        // Integer sums, so the dictionary's order cannot change the result.
        var featureTotals = Array(repeating: 0, count: classes.count)
        for counts in featureCounts.values {
            for (index, count) in counts.enumerated() { featureTotals[index] += count }
        }
        let vocabularySize = Double(featureCounts.count)
        if complement {
            let grandTotal = featureTotals.reduce(0, +)
            let denominators = featureTotals.map { log(Double(grandTotal - $0) + smoothing * vocabularySize) }
            logLikelihood = featureCounts.mapValues { counts in
                let featureTotal = counts.reduce(0, +)
                return counts.indices.map { denominators[$0] - log(Double(featureTotal - counts[$0]) + smoothing) }
            }
        } else {
            let denominators = featureTotals.map { log(Double($0) + smoothing * vocabularySize) }
            logLikelihood = featureCounts.mapValues { counts in
                counts.indices.map { log(Double(counts[$0]) + smoothing) - denominators[$0] }
            }
        }
    }

    /// Class probabilities for distinct features; features never seen in training are ignored. The known
    /// features are summed in sorted order, so a prediction does not depend on the order of a `Set`.
    func posterior(_ features: [String]) -> [Double] {
        var scores = logPrior
        for feature in features.filter({ logLikelihood[$0] != nil }).sorted() {
            guard let likelihood = logLikelihood[feature] else { continue }
            for index in scores.indices { scores[index] += likelihood[index] }
        }
        let top = scores.max() ?? 0
        let exponentials = scores.map { exp($0 - top) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// The features with the largest lead of `label` over the best other class. Single characters are left
    /// out: they weigh in the decision but explain nothing to a moderator.
    func strongestFeatures(_ features: [String], for label: String, limit: Int) -> [String] {
        guard let target = classes.firstIndex(of: label) else { return [] }
        let margins: [(String, Double)] = features.compactMap { feature in
            guard feature.count > 1, let likelihood = logLikelihood[feature] else { return nil }
            let others = likelihood.indices.filter { $0 != target }.map { likelihood[$0] }.max() ?? 0
            let margin = likelihood[target] - others
            return margin > 0 ? (feature, margin) : nil
        }
        return margins.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }
}
