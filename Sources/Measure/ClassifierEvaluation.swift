import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

/// Precision and recall of one category in a cross-validation.
public struct ClassMetrics: Codable, Sendable, Equatable {
    public var category: String
    /// Items of this category in the set.
    public var support: Int
    /// nil when nothing was predicted as this category.
    public var precision: Double?
    public var recall: Double?
}

/// The result of `sluice eval classify`: the production classifier (rules and model together) beside the
/// model alone and the rules alone, measured on the same held-out folds.
public struct ClassifierReport: Codable, Sendable, Equatable, CustomStringConvertible {
    public var examples: Int
    public var folds: Int
    /// The production classifier: rules or model, whichever is more confident.
    public var accuracy: Double
    public var modelOnlyAccuracy: Double
    public var rulesOnlyAccuracy: Double
    /// Items where the classifier took the model's category over the rules', and how many of those the
    /// model had right (when it did, the rules had it wrong).
    public var modelOverrides: Int
    public var modelOverridesCorrect: Int
    /// P(approve) ≥ 0.5 against the moderators' verdicts; nil when a fold had only one verdict to learn.
    public var approvalAccuracy: Double?
    /// The rules' own guess at the verdict (approve when no risk flag), for comparison.
    public var rulesOnlyApprovalAccuracy: Double
    /// Row and column labels of `confusion`.
    public var categories: [String]
    public var perClass: [ClassMetrics]
    /// `confusion[actual][predicted]`, for the production classifier.
    public var confusion: [[Int]]

    public var description: String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "    –" }
        var lines = [
            "\(folds)-fold cross-validation over \(examples) labelled items",
            "category accuracy: classifier \(percent(accuracy)), model alone \(percent(modelOnlyAccuracy)), rules alone \(percent(rulesOnlyAccuracy))",
            "the model overrode the rules on \(modelOverrides) items and was right on \(modelOverridesCorrect)",
            "approve/reject accuracy: model \(percent(approvalAccuracy)), rules alone (approve when unflagged) \(percent(rulesOnlyApprovalAccuracy))",
            "",
            "category            support  precision  recall",
        ]
        for metrics in perClass {
            lines.append(metrics.category.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(format: "%7d", metrics.support) + "     " + percent(metrics.precision) + "  " + percent(metrics.recall))
        }
        lines.append("")
        lines.append("confusion (rows actual, columns predicted, in the order above)")
        for (index, row) in confusion.enumerated() {
            lines.append(categories[index].padding(toLength: 18, withPad: " ", startingAt: 0) + row.map { String(format: "%4d", $0) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}

/// k-fold cross-validation of the classifier on labelled decisions.
public enum ClassifierEvaluation {
    /// Folds are stratified by category and drawn with a fixed seed, so a report is reproducible.
    public static func crossValidate(_ examples: [LabeledExample], folds: Int, engine: RuleEngine,
                                     options: ClassifyOptions) throws -> ClassifierReport {
        guard folds >= 2, examples.count >= folds else {
            throw ClassifyError.tooFewForFolds(examples: examples.count, folds: folds)
        }
        let assignment = Folds.assign(examples, folds: folds)
        let known = engine.rules.categories.map(\.id)
        let categories = known + Set(examples.map(\.category)).subtracting(known).sorted()
        var confusion = Array(repeating: Array(repeating: 0, count: categories.count), count: categories.count)
        var modelCorrect = 0
        var rulesCorrect = 0
        var approvalCorrect = 0
        var approvalJudged = true
        var rulesApprovalCorrect = 0
        var overrides = 0
        var overridesCorrect = 0
        for fold in 0..<folds {
            let training = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let model = try ClassifierModel.train(training, options: options)
            let classifier = Classifier(engine: engine, model: model, options: options)
            for index in examples.indices where assignment[index] == fold {
                let example = examples[index]
                let input = ClassifyInput(text: example.text)
                let outcome = engine.evaluate(input)
                let result = classifier.classify(input, outcome: outcome, signals: .newcomer(options: options))
                if let actual = categories.firstIndex(of: example.category),
                   let predicted = categories.firstIndex(of: result.category) {
                    confusion[actual][predicted] += 1
                }
                if model.predictCategory(example.text).category == example.category { modelCorrect += 1 }
                if result.categorySource == .model {
                    overrides += 1
                    if result.category == example.category { overridesCorrect += 1 }
                }
                if outcome.category == example.category { rulesCorrect += 1 }
                if let pApprove = result.pApprove {
                    if (pApprove >= 0.5) == example.approved { approvalCorrect += 1 }
                } else {
                    approvalJudged = false
                }
                if outcome.flags.isEmpty == example.approved { rulesApprovalCorrect += 1 }
            }
        }
        let total = Double(examples.count)
        let perClass = categories.indices.map { index in
            let support = confusion[index].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[index] }
            let hits = confusion[index][index]
            return ClassMetrics(category: categories[index], support: support,
                                precision: predicted == 0 ? nil : Double(hits) / Double(predicted),
                                recall: support == 0 ? nil : Double(hits) / Double(support))
        }
        return ClassifierReport(
            examples: examples.count, folds: folds,
            accuracy: Double(categories.indices.reduce(0) { $0 + confusion[$1][$1] }) / total,
            modelOnlyAccuracy: Double(modelCorrect) / total,
            rulesOnlyAccuracy: Double(rulesCorrect) / total,
            modelOverrides: overrides, modelOverridesCorrect: overridesCorrect,
            approvalAccuracy: approvalJudged ? Double(approvalCorrect) / total : nil,
            rulesOnlyApprovalAccuracy: Double(rulesApprovalCorrect) / total,
            categories: categories, perClass: perClass, confusion: confusion)
    }
}
