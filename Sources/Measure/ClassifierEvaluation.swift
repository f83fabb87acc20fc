import Foundation
import SluiceClassify
import SluiceCore

/// Precision and recall of one category in a cross-validation.
public struct ClassMetrics: Codable, Sendable, Equatable {
    public var category: String
    /// Items of this category in the set.
    public var support: Int
    /// nil when nothing was predicted as this category.
    public var precision: Double?
    public var recall: Double?
}

/// One bin of the reliability table: items whose P(approve) fell in `low..<high`.
public struct ReliabilityBin: Codable, Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var count: Int
    /// Mean P(approve) the model gave them, and the share a moderator approved; nil for an empty bin.
    public var meanPredicted: Double?
    public var observed: Double?
}

/// Approve/reject on held-out folds: how often P(approve) ≥ 0.5 was right, and whether P(approve) means
/// what it says (Brier score, reliability table).
public struct ApprovalReport: Codable, Sendable, Equatable {
    public var accuracy: Double
    /// The rules' own guess at the verdict (approve when no flag is promoted), for comparison.
    public var rulesOnlyAccuracy: Double
    /// Mean squared difference between P(approve) and the verdict (0 perfect; 0.25 for a constant 0.5).
    public var brier: Double
    /// The Brier score of always predicting the approval rate of the training folds.
    public var baseRateBrier: Double
    public var reliability: [ReliabilityBin]
    /// Items marked uncertain, and accuracy on the uncertain items and on the rest.
    public var uncertain: Int
    public var uncertainAccuracy: Double?
    public var certainAccuracy: Double?
}

/// Categories on held-out folds: the classifier as it is now (the moderators' taxonomy wins), the
/// combination it replaced, the model alone and the rules alone.
public struct CategoryReport: Codable, Sendable, Equatable {
    /// The production classifier: the model's category unless an override rule matched.
    public var accuracy: Double
    /// The combination before: the rules' category unless the model was at least `legacyMinConfidence`
    /// sure and surer than the rules.
    public var legacyAccuracy: Double
    public var legacyMinConfidence: Double
    public var modelOnlyAccuracy: Double
    public var rulesOnlyAccuracy: Double
    /// Items an override rule took from the model, and how many of those it had right.
    public var overrides: Int
    public var overridesCorrect: Int
    /// Row and column labels of `confusion`.
    public var categories: [String]
    public var perClass: [ClassMetrics]
    /// `confusion[actual][predicted]`, for the production classifier.
    public var confusion: [[Int]]
}

/// The result of `sluice eval classify`.
public struct ClassifierReport: Codable, Sendable, Equatable, CustomStringConvertible {
    public var examples: Int
    public var folds: Int
    /// The half of the file measured (`tune` or `report`), nil for the whole file.
    public var part: String?
    public var task: LabeledTask
    public var learner: Learner
    public var categoryLearner: Learner
    public var approval: ApprovalReport?
    public var category: CategoryReport?
    /// Seconds spent training and classifying, all folds together.
    public var seconds: Double

    public var description: String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "    –" }
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "  –  " }
        var lines = ["\(folds)-fold cross-validation over \(examples) labelled items"
                     + (part.map { " (the \($0) half)" } ?? "")
                     + ", learners \(learner.rawValue) (approve/reject), \(categoryLearner.rawValue) (categories), \(String(format: "%.1f", seconds)) s"]
        if let approval {
            lines += [
                "",
                "approve/reject accuracy: model \(percent(approval.accuracy)), rules alone (approve when no flag is promoted) \(percent(approval.rulesOnlyAccuracy))",
                "Brier score \(String(format: "%.4f", approval.brier)) (always the base rate: \(String(format: "%.4f", approval.baseRateBrier)))",
                "uncertain: \(approval.uncertain) items, accuracy \(percent(approval.uncertainAccuracy)) on them, \(percent(approval.certainAccuracy)) on the rest",
                "",
                "reliability   count  mean P(approve)  approved",
            ]
            for bin in approval.reliability {
                lines.append(String(format: "%.1f–%.1f   %7d", bin.low, bin.high, bin.count)
                             + "        " + number(bin.meanPredicted) + "      " + number(bin.observed))
            }
        }
        if let category {
            lines += [
                "",
                "category accuracy: classifier \(percent(category.accuracy)), the combination before "
                    + "(rules unless the model is ≥ \(category.legacyMinConfidence) sure and surer) \(percent(category.legacyAccuracy)), "
                    + "model alone \(percent(category.modelOnlyAccuracy)), rules alone \(percent(category.rulesOnlyAccuracy))",
                "override rules took \(category.overrides) items from the model and were right on \(category.overridesCorrect)",
                "",
                "category            support  precision  recall",
            ]
            for metrics in category.perClass {
                lines.append(metrics.category.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(format: "%7d", metrics.support) + "     " + percent(metrics.precision) + "  " + percent(metrics.recall))
            }
            lines.append("")
            lines.append("confusion (rows actual, columns predicted, in the order above)")
            for (index, row) in category.confusion.enumerated() {
                lines.append(category.categories[index].padding(toLength: 18, withPad: " ", startingAt: 0)
                             + row.map { String(format: "%5d", $0) }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Which examples a cross-validation uses and how they are split.
public struct EvaluationSplit: Sendable, Equatable {
    /// Per example of the file: its fold, or nil when it lies in the half not measured.
    public var folds: [Int?]
    public var count: Int

    /// `part` 0 or 1 keeps one half of a stratified, seeded split into two; nil keeps everything. The kept
    /// examples are then dealt into `count` stratified folds.
    public init(_ examples: [LabeledExample], folds count: Int, part: Int?) {
        self.count = count
        let halves = part == nil ? Array(repeating: 0, count: examples.count) : Folds.assign(examples, folds: 2)
        let kept = examples.indices.filter { halves[$0] == (part ?? 0) }
        let inner = Folds.assign(kept.map { examples[$0] }, folds: count)
        var folds = [Int?](repeating: nil, count: examples.count)
        for (position, index) in kept.enumerated() { folds[index] = inner[position] }
        self.folds = folds
    }

    /// One line per example of the file: its fold, or -1 when it is not measured (for scripts/bench-classify.sh).
    public var lines: String {
        folds.map { String($0 ?? -1) }.joined(separator: "\n") + "\n"
    }
}

/// k-fold cross-validation of the classifier on labelled decisions.
public enum ClassifierEvaluation {
    /// What the classifier did before issue 17: the model's category only at this confidence or more.
    public static let legacyMinConfidence = 0.5

    public static func crossValidate(_ examples: [LabeledExample], task: LabeledTask, split: EvaluationSplit, part: String?,
                                     engine: RuleEngine, options: ClassifyOptions) throws -> ClassifierReport {
        let measured = examples.indices.filter { split.folds[$0] != nil }
        guard split.count >= 2, measured.count >= split.count else {
            throw ClassifyError.tooFewForFolds(examples: measured.count, folds: split.count)
        }
        let clock = ContinuousClock()
        let started = clock.now
        var approval = ApprovalTally()
        var category = CategoryTally(categories: engine.rules.categories.map(\.id)
            + Set(measured.map { examples[$0].category }).subtracting(engine.rules.categories.map(\.id)).sorted())
        for fold in 0..<split.count {
            let training = measured.filter { split.folds[$0] != fold }.map { examples[$0] }
            let model = try ClassifierModel.train(training, options: options, rules: options.learnFromRules ? engine : nil)
            let classifier = Classifier(engine: engine, model: model, options: options)
            let baseRate = Double(training.filter(\.approved).count) / Double(max(training.count, 1))
            for index in measured where split.folds[index] == fold {
                let example = examples[index]
                let input = ClassifyInput(text: example.text)
                let outcome = engine.evaluate(input)
                let result = classifier.classify(input, outcome: outcome, signals: .newcomer(options: options))
                if task != .category {
                    approval.add(result, example: example, outcome: outcome, baseRate: baseRate, options: options)
                }
                if task != .approve {
                    category.add(result, example: example, outcome: outcome, model: model.predictCategory(example.text, rules: outcome))
                }
            }
        }
        return ClassifierReport(examples: measured.count, folds: split.count, part: part, task: task, learner: options.learner,
                                categoryLearner: options.categoryLearner,
                                approval: task == .category ? nil : approval.report(),
                                category: task == .approve ? nil : category.report(),
                                seconds: (clock.now - started).seconds)
    }
}

private struct ApprovalTally {
    var judged = 0
    var correct = 0
    var rulesCorrect = 0
    var squaredError = 0.0
    var baseRateSquaredError = 0.0
    var binCounts = [Int](repeating: 0, count: 10)
    var binPredicted = [Double](repeating: 0, count: 10)
    var binApproved = [Int](repeating: 0, count: 10)
    var uncertain = 0
    var uncertainCorrect = 0

    mutating func add(_ result: Classification, example: LabeledExample, outcome: RuleOutcome, baseRate: Double,
                      options: ClassifyOptions) {
        judged += 1
        if outcome.flags.allSatisfy(\.warned) == example.approved { rulesCorrect += 1 }
        let truth = example.approved ? 1.0 : 0.0
        baseRateSquaredError += (baseRate - truth) * (baseRate - truth)
        let p = result.pApprove ?? baseRate
        let right = (p >= 0.5) == example.approved
        if right { correct += 1 }
        squaredError += (p - truth) * (p - truth)
        let bin = min(Int(p * 10), 9)
        binCounts[bin] += 1
        binPredicted[bin] += p
        if example.approved { binApproved[bin] += 1 }
        if result.uncertain {
            uncertain += 1
            if right { uncertainCorrect += 1 }
        }
    }

    func report() -> ApprovalReport {
        let total = Double(max(judged, 1))
        let certain = judged - uncertain
        return ApprovalReport(
            accuracy: Double(correct) / total, rulesOnlyAccuracy: Double(rulesCorrect) / total,
            brier: squaredError / total, baseRateBrier: baseRateSquaredError / total,
            reliability: (0..<10).map { bin in
                ReliabilityBin(low: Double(bin) / 10, high: Double(bin + 1) / 10, count: binCounts[bin],
                               meanPredicted: binCounts[bin] == 0 ? nil : binPredicted[bin] / Double(binCounts[bin]),
                               observed: binCounts[bin] == 0 ? nil : Double(binApproved[bin]) / Double(binCounts[bin]))
            },
            uncertain: uncertain, uncertainAccuracy: uncertain == 0 ? nil : Double(uncertainCorrect) / Double(uncertain),
            certainAccuracy: certain == 0 ? nil : Double(correct - uncertainCorrect) / Double(certain))
    }
}

private struct CategoryTally {
    let categories: [String]
    var confusion: [[Int]]
    var total = 0
    var legacyCorrect = 0
    var modelCorrect = 0
    var rulesCorrect = 0
    var overrides = 0
    var overridesCorrect = 0

    init(categories: [String]) {
        self.categories = categories
        confusion = Array(repeating: Array(repeating: 0, count: categories.count), count: categories.count)
    }

    mutating func add(_ result: Classification, example: LabeledExample, outcome: RuleOutcome, model: CategoryPrediction?) {
        total += 1
        if let actual = categories.firstIndex(of: example.category), let predicted = categories.firstIndex(of: result.category) {
            confusion[actual][predicted] += 1
        }
        let legacy = model.flatMap { prediction in
            prediction.confidence >= ClassifierEvaluation.legacyMinConfidence && prediction.confidence > outcome.confidence
                ? prediction.category : nil
        } ?? outcome.category
        if legacy == example.category { legacyCorrect += 1 }
        if model?.category == example.category { modelCorrect += 1 }
        if outcome.category == example.category { rulesCorrect += 1 }
        if result.basis?.kind == .overrideRule, model.map({ $0.category != result.category }) ?? false {
            overrides += 1
            if result.category == example.category { overridesCorrect += 1 }
        }
    }

    func report() -> CategoryReport {
        let count = Double(max(total, 1))
        let perClass = categories.indices.map { index in
            let support = confusion[index].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[index] }
            let hits = confusion[index][index]
            return ClassMetrics(category: categories[index], support: support,
                                precision: predicted == 0 ? nil : Double(hits) / Double(predicted),
                                recall: support == 0 ? nil : Double(hits) / Double(support))
        }
        return CategoryReport(
            accuracy: Double(categories.indices.reduce(0) { $0 + confusion[$1][$1] }) / count,
            legacyAccuracy: Double(legacyCorrect) / count, legacyMinConfidence: ClassifierEvaluation.legacyMinConfidence,
            modelOnlyAccuracy: Double(modelCorrect) / count, rulesOnlyAccuracy: Double(rulesCorrect) / count,
            overrides: overrides, overridesCorrect: overridesCorrect, categories: categories, perClass: perClass,
            confusion: confusion)
    }
}
