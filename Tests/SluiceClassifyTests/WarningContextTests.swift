import Foundation
import SluiceClassify
import SluiceCore
import Testing

/// Warnings are intel, hype is not: a flag next to a warning cue (same sentence or the one before or
/// after) is recorded as warned against; a negated cue or a promotional phrase does not warn.
@Suite struct WarningContextTests {
    let engine: RuleEngine
    init() throws { engine = try Fixtures.engine() }

    private func flags(_ text: String) -> [RiskFlag] { engine.evaluate(ClassifyInput(text: text)).flags }

    @Test func aWarningAgainstAScamIsAWarning() {
        let outcome = engine.evaluate(ClassifyInput(text: "拼多多砍价群拉人头返现，别碰，我同事被骗了两百。"))
        #expect(outcome.flags == [RiskFlag(family: "recruiting", rule: "recruiting", matched: "拉人头", warned: true)])
        #expect(outcome.category == "risk_warning")
        #expect(outcome.overrideRule == "risk_warning")
        #expect(outcome.warningCues == ["别碰", "被骗"])
    }

    @Test func theSameSchemePromotedIsHype() {
        let outcome = engine.evaluate(ClassifyInput(text: "拼多多砍价群拉人头返现，轻松日入过万，名额有限。"))
        #expect(outcome.flags.contains(RiskFlag(family: "recruiting", rule: "recruiting", matched: "拉人头")))
        #expect(outcome.flags.allSatisfy { !$0.warned })
        #expect(outcome.category == "ecommerce")
        #expect(outcome.overrideRule == nil && outcome.warningCues.isEmpty)
    }

    @Test(arguments: ["这不是割韭菜，拉人头返现是正规玩法，日入过万", "绝对不是骗局！躺赚项目，零成本", "放心，不会被骗，发展下线就有分红",
                      "This is not a scam: build your team, the joining fee is only $99"])
    func negatedCuesPromote(_ text: String) {
        let outcome = engine.evaluate(ClassifyInput(text: text))
        #expect(!outcome.flags.isEmpty)
        #expect(outcome.flags.allSatisfy { !$0.warned }, "\(outcome.flags)")
        #expect(outcome.warningCues.isEmpty)
        #expect(outcome.category != "risk_warning")
    }

    @Test(arguments: ["千万别错过！躺赚项目，日入过万", "Don't miss out: passive income while you sleep"])
    func promotionalPhrasesWithACueDoNotWarn(_ text: String) {
        let found = flags(text)
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { !$0.warned })
    }

    @Test func aNegationInAnotherClauseDoesNotCancelTheCue() {
        #expect(flags("不是吧，这种拉人头的就是骗局").contains { $0.family == "recruiting" && $0.warned })
    }

    /// The scope is the cue's sentence and its neighbours: one sentence away warns, two do not.
    @Test func aCueWarnsTheSentencesNextToIt() {
        #expect(flags("千万别碰。拉人头返现全是套路。").allSatisfy { $0.warned })
        #expect(flags("拉人头返现。后来才知道是骗局。").allSatisfy { $0.warned })
        let far = flags("我同事被骗过。这是另一件事。今天推荐：拉人头返现，躺赚。")
        #expect(!far.isEmpty)
        #expect(far.allSatisfy { !$0.warned })
    }

    @Test func aSchemeWarnedAgainstOnceAndAdvertisedLaterCountsAsPromoted() {
        let found = flags("别碰拉人头的群。第二段。第三段。第四段：我们的团队也拉人头，奖励丰厚。")
        #expect(found.filter { $0.matched == "拉人头" }.map(\.warned) == [false])
    }

    @Test func englishWarningsWarn() {
        let found = flags("Scam alert: this MLM wants a joining fee and asks you to recruit others.")
        #expect(found.contains { $0.family == "recruiting" })
        #expect(found.allSatisfy { $0.warned })
    }

    @Test func warnedFlagsReadBackFromOlderStoredJSON() throws {
        let old = try JSONDecoder().decode(RiskFlag.self, from: Data(#"{"family":"hype","rule":"r","matched":"躺赚"}"#.utf8))
        #expect(!old.warned)
        let round = try JSONDecoder().decode(RiskFlag.self, from: JSONEncoder().encode(RiskFlag(family: "hype", rule: "r", matched: "x", warned: true)))
        #expect(round.warned)
    }
}
