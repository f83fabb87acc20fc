import Foundation
import SluiceClassify
@testable import SluiceMeasure
import Testing

@Suite struct EvaluationTests {
    let engine: RuleEngine
    let examples: [LabeledExample]
    init() throws {
        engine = try Fixtures.engine()
        examples = try LabeledSample.load(path: Fixtures.labeledPath).map(\.example)
    }

    /// The model must beat the rules alone: on the category through the items where it overrides them, and
    /// on approve/reject against the rules' own guess (approve when unflagged).
    @Test func learntClassifierBeatsTheRulesAlone() throws {
        let options = ClassifyOptions()
        let report = try ClassifierEvaluation.crossValidate(examples, folds: options.crossValidationFolds,
                                                            engine: engine, options: options)
        print(report)
        #expect(report.examples == examples.count)
        #expect(report.confusion.flatMap { $0 }.reduce(0, +) == examples.count)
        #expect(report.perClass.map(\.support).reduce(0, +) == examples.count)
        #expect(report.accuracy > report.rulesOnlyAccuracy)
        #expect(report.modelOverridesCorrect * 2 > report.modelOverrides)
        #expect(report.modelOnlyAccuracy > 1.0 / Double(report.categories.count))
        let approval = try #require(report.approvalAccuracy)
        #expect(approval > report.rulesOnlyApprovalAccuracy)
    }

    @Test func foldsAreReproducible() throws {
        let options = ClassifyOptions()
        let subset = Array(examples.prefix(80))
        let first = try ClassifierEvaluation.crossValidate(subset, folds: 4, engine: engine, options: options)
        let second = try ClassifierEvaluation.crossValidate(subset, folds: 4, engine: engine, options: options)
        #expect(first == second)
    }

    @Test func tooFewExamplesForTheFoldsIsAClearError() {
        #expect(throws: ClassifyError.tooFewForFolds(examples: 3, folds: 5)) {
            try ClassifierEvaluation.crossValidate(Array(examples.prefix(3)), folds: 5, engine: engine, options: ClassifyOptions())
        }
    }
}
