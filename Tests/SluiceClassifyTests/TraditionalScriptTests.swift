import Foundation
@testable import SluiceClassify
import SluiceCore
import Testing

/// Traditional-script text folds to simplified (ICU's Hant-Hans transform through Foundation) for the rules
/// and the model alike.
@Suite struct TraditionalScriptTests {
    let engine: RuleEngine
    init() throws { engine = try Fixtures.engine() }

    /// Each rule term's traditional spelling, from ICU's reverse transform (Hans → Hant).
    private func traditional(_ term: String) -> String {
        term.applyingTransform(StringTransform("Hant-Hans"), reverse: true) ?? term
    }

    @Test func theTableIsICUsWholeMapping() {
        let table = TextFolding.traditionalToSimplified
        #expect(table.count > 2_500)
        for (traditional, simplified) in [("銀", "银"), ("財", "财"), ("領", "领"), ("務", "务"), ("賺", "赚"), ("錢", "钱"), ("傳", "传")] {
            #expect(table[Unicode.Scalar(traditional)!] == Unicode.Scalar(simplified)!, "\(traditional)")
        }
        #expect(table.allSatisfy { UTF16.width($0.key) == UTF16.width($0.value) })
    }

    /// Every flag term and category keyword whose traditional spelling differs still raises its rule.
    @Test func everyRuleTermStillMatchesWrittenTheTraditionalWay() {
        var distinct = 0
        for flag in engine.rules.flags where flag.foldTraditional {
            for term in flag.terms where traditional(term) != term {
                distinct += 1
                let outcome = engine.evaluate(ClassifyInput(text: "看到一句话：\(traditional(term))。"))
                #expect(outcome.flags.contains { $0.rule == flag.id }, "\(term) → \(traditional(term))")
            }
        }
        // 43 flag terms have a traditional spelling of their own under ICU's transform (the issue counted
        // 46 with another converter); the check is that this is not an empty loop.
        #expect(distinct >= 40)
        for category in engine.rules.categories where category.foldTraditional {
            for term in category.keywords.keys.sorted() where traditional(term) != term {
                let outcome = engine.evaluate(ClassifyInput(text: traditional(term)))
                #expect(outcome.categoryScores[category.id, default: 0] > 0, "\(term) → \(traditional(term))")
            }
        }
    }

    @Test func sentencesWrittenInTraditionalScriptAreFlaggedAndPlaced() {
        let fraud = engine.evaluate(ClassifyInput(text: "出租銀行卡每月穩賺三千，想了解的私信領取教程。"))
        #expect(Set(fraud.flags.map(\.rule)).isSuperset(of: ["fraud", "paid_group", "hype_words"]))
        #expect(fraud.flags.contains { $0.matched == "出租銀行卡" })
        let hype = engine.evaluate(ClassifyInput(text: "這個項目讓你三個月財務自由，一夜暴富不是夢。"))
        #expect(hype.flags.map(\.matched).contains("財務自由"))
        let shop = engine.evaluate(ClassifyInput(text: "淘寶開店一年的心得：選品、貨源和一件代發"))
        #expect(shop.category == "ecommerce")
        let warning = engine.evaluate(ClassifyInput(text: "拼多多砍價群拉人頭返現，別碰，我同事被騙了兩百。"))
        #expect(warning.category == "risk_warning")
        #expect(warning.flags.allSatisfy(\.warned) && !warning.flags.isEmpty)
    }

    @Test func theModelReadsTraditionalTextAsSimplified() throws {
        let model = try TrainedSamples.model.get()
        var compared = 0
        for example in TrainedSamples.examples where example.text.unicodeScalars.contains(where: \.properties.isIdeographic) {
            let converted = traditional(example.text)
            guard converted != example.text,
                  TextFolding.foldedScalars(converted) == TextFolding.foldedScalars(example.text) else { continue }
            compared += 1
            #expect(model.probabilityOfApproval(converted) == model.probabilityOfApproval(example.text))
            #expect(model.predictCategory(converted) == model.predictCategory(example.text))
        }
        #expect(compared >= 100)
    }
}
