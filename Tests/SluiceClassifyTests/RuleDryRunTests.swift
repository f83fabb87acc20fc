import Foundation
import SluiceClassify
import SluiceCore
import Testing

@Suite struct RuleDryRunTests {
    let current: RuleEngine
    let candidate: RuleEngine
    let options = ClassifyOptions()

    init() throws {
        current = try Fixtures.engine()
        var rules = current.rules
        rules.version = "candidate"
        rules.flags.append(FlagRule(id: "material_fee", family: "fraud", terms: ["资料费"]))
        rules.flags.append(FlagRule(id: "deposit_watch", family: "fraud", terms: ["押金"], shadow: true))
        if let index = rules.categories.firstIndex(where: { $0.id == "freelance" }) {
            rules.categories[index].keywords["打字员"] = 6
        }
        candidate = try RuleEngine(rules: rules)
    }

    @Test func sameRulesChangeNothing() {
        let items = [DryRunItem(id: "a", input: ClassifyInput(text: "拼多多开店选品"), current: nil)]
        let report = RuleDryRun.compare(current: current, candidate: current, items: items, model: nil, options: options)
        #expect(report.changes.isEmpty && report.shadowChanges.isEmpty)
        #expect(report.hits.allSatisfy { $0.itemsBefore == $0.itemsAfter })
    }

    @Test func reportsHitsAndTheItemsThatWouldChange() throws {
        let classifier = Classifier(engine: current, model: nil, options: options)
        let signals = VolunteerSignals(acceptanceRate: 0.5)
        let feeInput = ClassifyInput(text: "网上接单做打字员，先交资料费")
        let moderated = Classification(category: "other", categorySource: .moderator, flags: [], ruleVersion: current.version,
                                       matchedTerms: [], pApprove: nil, priority: 0)
        let items = [
            DryRunItem(id: "fee", input: feeInput, current: classifier.classify(feeInput, signals: signals)),
            DryRunItem(id: "moderated", input: ClassifyInput(text: "在家当打字员"), current: moderated),
            DryRunItem(id: "deposit", input: ClassifyInput(text: "在家串珠，先交押金领材料"), current: nil),
            DryRunItem(id: "plain", input: ClassifyInput(text: "拼多多开店选品"), current: nil),
        ]
        let report = RuleDryRun.compare(current: current, candidate: candidate, items: items, model: nil, options: options)
        print(report)
        #expect(report.versionBefore == current.version && report.versionAfter == "candidate")
        #expect(report.itemsExamined == 4)
        let materialFee = try #require(report.hits.first { $0.rule == "material_fee" })
        #expect(!materialFee.shadow && materialFee.itemsBefore == 0 && materialFee.itemsAfter == 1)
        #expect(report.hits.first { $0.rule == "deposit_watch" }?.shadow == true)

        let fee = try #require(report.changes.first { $0.id == "fee" })
        #expect(fee.flagsAdded == [RiskFlag(family: "fraud", rule: "material_fee", matched: "资料费")])
        #expect(fee.categoryAfter == "freelance")
        #expect(!report.changes.contains { $0.id == "moderated" })
        #expect(!report.changes.contains { $0.id == "plain" })
        #expect(!report.changes.contains { $0.id == "deposit" })
        #expect(report.shadowChanges.first { $0.id == "deposit" }?.flagsAdded.map(\.matched) == ["押金"])
    }
}
