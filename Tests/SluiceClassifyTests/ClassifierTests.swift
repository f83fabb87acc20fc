import Foundation
import Synchronization
import SluiceClassify
import SluiceCore
import Testing

@Suite struct ClassifierTests {
    let engine: RuleEngine
    let options = ClassifyOptions()

    init() throws {
        engine = try Fixtures.engine()
    }

    @Test func withoutModelTheRulesDecideAndExplain() {
        let classifier = Classifier(engine: engine, model: nil, options: options)
        let result = classifier.classify(ClassifyInput(title: "淘宝客返利群", text: "每天发优惠券，佣金到账，日入500"),
                                         signals: .newcomer(options: options))
        #expect(result.category == "affiliate")
        #expect(result.categorySource == .rule)
        #expect(result.ruleVersion == engine.version)
        #expect(result.matchedTerms.contains("淘宝客"))
        #expect(result.basis == CategoryBasis(kind: .rule, by: "affiliate", evidence: result.matchedTerms))
        #expect(result.flags.contains { $0.family == "money_claim" && $0.matched == "日入500" })
        #expect(result.pApprove == nil && result.modelVersion == nil && !result.uncertain)
        let nothing = classifier.classify(ClassifyInput(text: "今天天气不错"), signals: .newcomer(options: options))
        #expect(nothing.basis?.kind == .fallback && nothing.category == engine.rules.defaultCategory)
    }

    /// Moderators file e-commerce intel under a category of their own that no rule knows: once taught,
    /// the model's category is what items get, though the rules are sure it is `ecommerce`.
    @Test func moderatorsTaxonomyWinsOverTheRules() throws {
        let renamed = TrainedSamples.examples.map { example in
            var copy = example
            if copy.category == "ecommerce" { copy.category = "开店心得" }
            return copy
        }
        let model = try ClassifierModel.train(renamed, options: options, rules: engine)
        let classifier = Classifier(engine: engine, model: model, options: options)
        let input = ClassifyInput(title: "淘宝开店第一年", text: "选品、一件代发和找货源的经验，店铺月销从零做到三百单")
        #expect(engine.evaluate(input).category == "ecommerce")
        let result = classifier.classify(input, signals: .newcomer(options: options))
        #expect(result.category == "开店心得")
        #expect(result.categorySource == .model)
        #expect(result.basis?.kind == .model && result.basis?.by == model.id)
        #expect(result.basis?.evidence == result.matchedTerms && !result.matchedTerms.isEmpty)
        #expect(result.modelVersion == model.id)
        #expect(result.basis?.summary.hasPrefix("model \(model.id): ") == true)

        let untaught = Classifier(engine: engine, model: model, options: ClassifyOptions(taughtCategoriesMinimum: renamed.count + 1))
        #expect(!untaught.modelDecidesCategories)
        #expect(untaught.classify(input, signals: .newcomer(options: options)).category == "ecommerce")
    }

    @Test func anOverrideRuleBeatsTheModel() throws {
        let model = try TrainedSamples.model.get()
        let classifier = Classifier(engine: engine, model: model, options: options)
        #expect(classifier.modelDecidesCategories)
        let result = classifier.classify(ClassifyInput(text: "拼多多砍价群拉人头返现，别碰，我同事被骗了两百。"),
                                         signals: .newcomer(options: options))
        #expect(result.category == "risk_warning")
        #expect(result.categorySource == .rule)
        #expect(result.basis?.kind == .overrideRule && result.basis?.by == "risk_warning")
        #expect(result.basis?.summary.contains("别碰") == true)
        #expect(result.flags.contains { $0.family == "recruiting" && $0.warned })
    }

    @Test func uncertainMarksTheBandAroundAnEvenChance() throws {
        let model = try TrainedSamples.model.get()
        let inputs = try LabeledSample.load(path: Fixtures.labeledPath).map(\.input)
        let wide = Classifier(engine: engine, model: model, options: ClassifyOptions(uncertainBand: [0, 1]))
        let usual = Classifier(engine: engine, model: model, options: options)
        for input in inputs.prefix(40) {
            #expect(wide.classify(input, signals: .newcomer(options: options)).uncertain)
            let result = usual.classify(input, signals: .newcomer(options: options))
            let p = try #require(result.pApprove)
            #expect(result.uncertain == (p >= 0.35 && p <= 0.65))
        }
    }

    @Test func volunteerTrustIsSmoothed() {
        #expect(VolunteerSignals.newcomer(options: options).acceptanceRate == 0.5)
        #expect(VolunteerSignals(approved: 9, decided: 10, options: options).acceptanceRate == 10.0 / 12.0)
        #expect(VolunteerSignals(approved: 0, decided: 3, options: options).acceptanceRate == 1.0 / 5.0)
    }

    @Test func queueOrderSinksScamsAndDuplicatesAndRaisesTrustedAndRepeatedFinds() throws {
        let classifier = Classifier(engine: engine, model: try TrainedSamples.model.get(), options: options)
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
        #expect(try #require(order.firstIndex(of: "honest-trusted")) < #require(order.firstIndex(of: "honest-newcomer")))
        #expect(try #require(order.firstIndex(of: "honest-newcomer")) < #require(order.firstIndex(of: "honest-duplicate-of-rejected")))
        #expect(order.last == "scam")
    }

    @Test func oneClassifierServesManyThreadsWithTheSameResults() throws {
        let classifier = Classifier(engine: engine, model: try TrainedSamples.model.get(), options: options)
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

    @Test func everyPromotedFlagFamilyLowersPriorityAndAWarnedOneDoesNot() {
        let classifier = Classifier(engine: engine, model: nil, options: options)
        let signals = VolunteerSignals.newcomer(options: options)
        let clean = classifier.priority(pApprove: 0.7, flags: [], signals: signals)
        for family in FlagRule.families {
            let flagged = classifier.priority(pApprove: 0.7, flags: [RiskFlag(family: family, rule: "r", matched: "x")],
                                              signals: signals)
            #expect(flagged < clean, "\(family)")
            let warned = classifier.priority(pApprove: 0.7, flags: [RiskFlag(family: family, rule: "r", matched: "x", warned: true)],
                                             signals: signals)
            #expect(warned == clean, "\(family)")
        }
    }
}
