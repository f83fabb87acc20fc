import Foundation
import Synchronization
import SluiceClassify
import SluiceCore
import Testing

@Suite struct ClassifierTests {
    let engine: RuleEngine
    let model: ClassifierModel
    let options = ClassifyOptions()

    init() throws {
        engine = try Fixtures.engine()
        model = try ClassifierModel.train(try LabeledSample.load(path: Fixtures.labeledPath).map(\.example), options: options)
    }

    @Test func withoutModelTheRulesDecideAndExplain() {
        let classifier = Classifier(engine: engine, model: nil, options: options)
        let result = classifier.classify(ClassifyInput(title: "淘宝客返利群", text: "每天发优惠券，佣金到账，日入500"),
                                         signals: .newcomer(options: options))
        #expect(result.category == "affiliate")
        #expect(result.categorySource == .rule)
        #expect(result.ruleVersion == engine.version)
        #expect(result.matchedTerms.contains("淘宝客"))
        #expect(result.flags.contains { $0.family == "money_claim" && $0.matched == "日入500" })
        #expect(result.pApprove == nil)
    }

    @Test func modelDecidesWhereTheRulesHaveNothingAndSaysWhy() throws {
        let eager = ClassifyOptions(modelMinConfidence: 0)
        let classifier = Classifier(engine: engine, model: model, options: eager)
        let input = ClassifyInput(text: "", note: "在速卖通上卖配饰，讲了物流时效、差评处理和定价")
        #expect(engine.evaluate(input).confidence == 0)
        let predicted = model.predictCategory(input.combinedText)
        try #require(predicted.category != "other")
        let result = classifier.classify(input, signals: .newcomer(options: eager))
        #expect(result.categorySource == .model)
        #expect(result.category == predicted.category)
        #expect(!result.matchedTerms.isEmpty && result.matchedTerms.allSatisfy { $0.hasPrefix("model:") })
        #expect(result.pApprove != nil)

        let cautious = Classifier(engine: engine, model: model, options: ClassifyOptions(modelMinConfidence: 1))
        #expect(cautious.classify(input, signals: .newcomer(options: eager)).categorySource == .rule)
    }

    @Test func volunteerTrustIsSmoothed() {
        #expect(VolunteerSignals.newcomer(options: options).acceptanceRate == 0.5)
        #expect(VolunteerSignals(approved: 9, decided: 10, options: options).acceptanceRate == 10.0 / 12.0)
        #expect(VolunteerSignals(approved: 0, decided: 3, options: options).acceptanceRate == 1.0 / 5.0)
    }

    @Test func queueOrderSinksScamsAndDuplicatesAndRaisesTrustedAndRepeatedFinds() {
        let classifier = Classifier(engine: engine, model: model, options: options)
        let honest = ClassifyInput(title: "县城网店卖橙子的一年", text: "讲了冷链、坏果赔付和跟快递谈价格，第一年净赚不到两万。")
        let scam = ClassifyInput(title: "刷单兼职", text: "先垫付后返款，零成本躺赚，日入过万，拉人头还有奖励")
        let trusted = VolunteerSignals(approved: 40, decided: 42, options: options)
        let unknown = VolunteerSignals.newcomer(options: options)
        let items: [(name: String, priority: Double)] = [
            ("scam", classifier.classify(scam, signals: unknown).priority),
            ("honest-newcomer", classifier.classify(honest, signals: unknown).priority),
            ("honest-trusted", classifier.classify(honest, signals: trusted).priority),
            ("honest-found-by-three", classifier.classify(honest, signals: VolunteerSignals(
                acceptanceRate: trusted.acceptanceRate, independentReporters: 3)).priority),
            ("honest-duplicate-of-rejected", classifier.classify(honest, signals: VolunteerSignals(
                acceptanceRate: 0.5, duplicateOfRejected: true)).priority),
        ]
        let order = items.sorted { $0.priority > $1.priority }.map(\.name)
        #expect(order.first == "honest-found-by-three")
        #expect(order.firstIndex(of: "honest-trusted")! < order.firstIndex(of: "honest-newcomer")!)
        #expect(order.firstIndex(of: "honest-newcomer")! < order.firstIndex(of: "honest-duplicate-of-rejected")!)
        #expect(order.last == "scam")
        #expect(order.count == items.count)
    }

    @Test func oneClassifierServesManyThreadsWithTheSameResults() throws {
        let classifier = Classifier(engine: engine, model: model, options: options)
        let inputs = try LabeledSample.load(path: Fixtures.labeledPath).map(\.input)
        let signals = VolunteerSignals.newcomer(options: options)
        let sequential = inputs.map { classifier.classify($0, signals: signals) }
        let results = Mutex([Int: Classification]())
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let result = classifier.classify(inputs[index], signals: signals)
            results.withLock { $0[index] = result }
        }
        let concurrent = results.withLock { collected in inputs.indices.map { collected[$0] } }
        #expect(concurrent == sequential)
    }

    @Test func everyFlagFamilyLowersPriority() {
        let classifier = Classifier(engine: engine, model: nil, options: options)
        let signals = VolunteerSignals.newcomer(options: options)
        let clean = classifier.priority(pApprove: 0.7, flags: [], signals: signals)
        for family in FlagRule.families {
            let flagged = classifier.priority(pApprove: 0.7, flags: [RiskFlag(family: family, rule: "r", matched: "x")],
                                              signals: signals)
            #expect(flagged < clean, "\(family)")
        }
    }
}
