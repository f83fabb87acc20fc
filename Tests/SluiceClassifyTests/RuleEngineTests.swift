import Foundation
import SluiceClassify
import SluiceCore
import Testing

@Suite struct RuleEngineTests {
    let engine: RuleEngine
    init() throws { engine = try Fixtures.engine() }

    struct CategoryCase: Sendable, CustomStringConvertible {
        var category: String
        var text: String
        var description: String { "\(category): \(text.prefix(20))" }
    }

    static let categoryCases: [CategoryCase] = [
        .init(category: "ecommerce", text: "拼多多无货源开店：选品、一件代发、怎么找货源，新手第一个月的店铺数据复盘"),
        .init(category: "ecommerce", text: "How I run a Shopify dropshipping store: product research, suppliers and my first 40 orders"),
        .init(category: "affiliate", text: "淘宝客入门：用多多进宝和京粉转链，佣金比例怎么看，返利群还能不能做"),
        .init(category: "affiliate", text: "Amazon Associates review: what commission rates look like for a small affiliate site"),
        .init(category: "content", text: "公众号写作半年：流量主收入、投稿稿费和一篇爆文带来的阅读量"),
        .init(category: "content", text: "Starting a paid newsletter on Substack: what 300 subscribers taught me about writing"),
        .init(category: "short_video_live", text: "抖音中视频计划实测：剪辑、口播和完播率，视频号直播间又是另一回事"),
        .init(category: "short_video_live", text: "A TikTok short video routine: filming, video editing and going live on a weekly livestream"),
        .init(category: "ai_tools", text: "用ChatGPT和Midjourney做AI绘画接单，提示词怎么写才稳定"),
        .init(category: "ai_tools", text: "Five AI tools I use to write product descriptions, with prompt examples for each"),
        .init(category: "freelance", text: "程序员接私活的经验：在程序员客栈和猪八戒上接单、报价和跟甲方沟通"),
        .init(category: "freelance", text: "My first year as a freelancer on Upwork: proposals, hourly rate and finding repeat clients"),
        .init(category: "private_domain", text: "私域社群运营：企业微信加好友、朋友圈节奏和社群复购"),
        .init(category: "private_domain", text: "Building an email list and a small community for repeat customers of a candle shop"),
        .init(category: "local_services", text: "在小区做上门保洁和家政服务，美团和大众点评上的到店团购怎么做"),
        .init(category: "local_services", text: "Starting a dog walking and pet sitting business in my neighborhood"),
        .init(category: "courses", text: "知识付费复盘：小鹅通上的训练营课程，学员完课率和讲师分成"),
        .init(category: "courses", text: "What I learned launching an online course on Teachable for 200 students"),
        .init(category: "risk_warning", text: "避坑预警：所谓拼多多砍价群就是骗局，我同事被骗了两百，千万别碰"),
        .init(category: "risk_warning", text: "Scam alert: beware of the task scam that asks you to pay to unlock commissions"),
    ]

    @Test(arguments: categoryCases)
    func keywordsPlaceTheItemInItsCategory(_ example: CategoryCase) {
        let outcome = engine.evaluate(ClassifyInput(text: example.text))
        #expect(outcome.category == example.category, "\(outcome.matchedTerms)")
        #expect(!outcome.matchedTerms.isEmpty)
        #expect(outcome.confidence > 0 && outcome.confidence <= 1)
    }

    @Test func textWithoutCategoryKeywordsIsOther() {
        for text in ["今天天气不错，我们去公园散步，顺便聊了聊孩子上学的事情。", "We went hiking on Sunday and the weather was lovely."] {
            let outcome = engine.evaluate(ClassifyInput(text: text))
            #expect(outcome.category == "other")
            #expect(outcome.matchedTerms.isEmpty)
            #expect(outcome.confidence == 0)
        }
    }

    @Test func englishTermsMatchWholeWordsOnly() {
        let outcome = engine.evaluate(ClassifyInput(text: "Send me an email about the paid plan, said the main contact"))
        #expect(!outcome.firedRules.contains("ai_tools"))
        let positive = engine.evaluate(ClassifyInput(text: "用AI写小红书文案"))
        #expect(positive.firedRules.contains("ai_tools"))
    }

    @Test func fullWidthAndTraditionalFormsAreFolded() {
        let outcome = engine.evaluate(ClassifyInput(text: "ＴｉｋＴｏｋ和抖音短視頻直播帶貨，每天直播兩小時"))
        #expect(outcome.category == "short_video_live")
        #expect(outcome.matchedTerms.contains("ＴｉｋＴｏｋ"))
        #expect(outcome.matchedTerms.contains("短視頻"))
        let hype = engine.evaluate(ClassifyInput(text: "這個項目躺賺，穩賺不賠"))
        #expect(hype.flags.map(\.matched).contains("穩賺不賠"))
    }

    @Test func domainHintsCountAndAreExplained() {
        let input = ClassifyInput(title: "一篇文章", text: "内容很短", url: "https://mp.weixin.qq.com/s/abc")
        let outcome = engine.evaluate(input)
        #expect(outcome.category == "content")
        #expect(outcome.matchedTerms == ["site:mp.weixin.qq.com"])
    }

    @Test func noteAloneIsClassified() {
        let outcome = engine.evaluate(ClassifyInput(text: "", note: "朋友在闲鱼倒卖二手相机，差价不错"))
        #expect(outcome.category == "ecommerce")
    }

    struct FlagCase: Sendable, CustomStringConvertible {
        var family: String
        var text: String
        var evidence: String
        var description: String { "\(family): \(evidence)" }
    }

    static let flagCases: [FlagCase] = [
        .init(family: "hype", text: "这个项目真的是暴利，零成本躺赚", evidence: "暴利"),
        .init(family: "hype", text: "Earn passive income while you sleep, zero risk!", evidence: "passive income"),
        .init(family: "money_claim", text: "宝妈在家做，日入500不是梦", evidence: "日入500"),
        .init(family: "money_claim", text: "学员反馈：月入3万，稳定出单", evidence: "月入3万"),
        .init(family: "money_claim", text: "每天赚300元，只需要一部手机", evidence: "每天赚300元"),
        .init(family: "money_claim", text: "I make $10k/month with this simple system", evidence: "make $10k"),
        .init(family: "money_claim", text: "Clients pay $45 per hour for this kind of work", evidence: "$45 per hour"),
        .init(family: "recruiting", text: "交399入门费成为代理，拉人头还有奖励", evidence: "入门费"),
        .init(family: "recruiting", text: "Recruit your friends and build your team to grow your downline", evidence: "downline"),
        .init(family: "fraud", text: "招聘刷单员，先垫付后返款", evidence: "刷单"),
        .init(family: "fraud", text: "This is a classic task scam: pay to unlock the next batch of orders", evidence: "task scam"),
        .init(family: "paid_group", text: "扫码进群，99元进群领全套资料", evidence: "99元进群"),
        .init(family: "paid_group", text: "Join my Discord VIP group, limited spots", evidence: "VIP group"),
    ]

    @Test(arguments: flagCases)
    func flagStoresTheMatchedText(_ example: FlagCase) {
        let outcome = engine.evaluate(ClassifyInput(text: example.text))
        let family = outcome.flags.filter { $0.family == example.family }
        #expect(family.map(\.matched).contains(example.evidence), "\(outcome.flags)")
        #expect(family.allSatisfy { example.text.contains($0.matched) })
    }

    static let cleanTexts = [
        "我在淘宝开了一家手工皂店铺，第一年亏了两千，第二年才持平，记录一下选品和客服的经验。",
        "A realistic look at freelance translation: rates vary, the first clients are slow to find.",
        "小区里的社区团购团长，主要靠服务邻居，收入不稳定，旺季多一些淡季少一些。",
        "Learning video editing took me six months before anyone paid for it.",
    ]

    @Test(arguments: cleanTexts)
    func ordinaryTextRaisesNoFlag(_ text: String) {
        let outcome = engine.evaluate(ClassifyInput(text: text))
        #expect(outcome.flags.isEmpty, "\(outcome.flags)")
    }

    @Test func evidenceIsTheOriginalTextAroundEmojiAndFullWidthDigits() {
        let outcome = engine.evaluate(ClassifyInput(text: "🔥🔥宝妈在家日入５００🔥，👉扫码进群"))
        #expect(outcome.flags.contains(RiskFlag(family: "money_claim", rule: "money_claim_zh", matched: "日入５００")))
        #expect(outcome.flags.contains(RiskFlag(family: "paid_group", rule: "paid_group", matched: "扫码进群")))
    }

    @Test func hugeInputIsCutBeforeMatching() {
        let filler = String(repeating: "这是一段很长的普通文字。", count: 20_000)
        let outcome = engine.evaluate(ClassifyInput(text: "淘宝开店 " + filler + " 刷单"))
        #expect(outcome.category == "ecommerce")
        #expect(!outcome.flags.contains { $0.matched == "刷单" })
        #expect(ClassifyInput(text: filler).combinedText.count == ClassifyInput.characterLimit)
    }

    @Test func nestedMatchesAreReportedOnce() {
        let outcome = engine.evaluate(ClassifyInput(text: "稳赚不赔的项目"))
        #expect(outcome.flags.map(\.matched) == ["稳赚不赔"])
    }

    @Test func shadowRulesAreReportedButNotApplied() throws {
        var rules = engine.rules
        rules.version = "shadow-test"
        rules.flags.append(FlagRule(id: "new_fraud_words", family: "fraud", terms: ["资料费"], shadow: true))
        rules.categories.append(CategoryRule(id: "games", titleZh: "游戏", titleEn: "Games",
                                             keywords: ["游戏代练": 10], shadow: true))
        let shadowEngine = try RuleEngine(rules: rules)
        let outcome = shadowEngine.evaluate(ClassifyInput(text: "游戏代练接单，先交资料费"))
        #expect(outcome.flags.allSatisfy { $0.rule != "new_fraud_words" })
        #expect(outcome.shadowFlags == [RiskFlag(family: "fraud", rule: "new_fraud_words", matched: "资料费")])
        #expect(outcome.category == "freelance")
        #expect(outcome.shadowCategory == "games")
        #expect(outcome.firedRules.contains("games") && outcome.firedRules.contains("new_fraud_words"))
    }

    /// Several flags' patterns in one text, some with capture groups of their own: each match is reported
    /// under its own flag, in simplified, traditional and English text alike.
    @Test func everyFlagsPatternsAreFoundInOneText() throws {
        var rules = engine.rules
        rules.flags.append(FlagRule(id: "grouped", family: "recruiting", patterns: ["(招|收)(学员|徒弟)([0-9]+)名"]))
        rules.flags.append(FlagRule(id: "after_groups", family: "fraud", patterns: ["押金([0-9]+)元"]))
        let combined = try RuleEngine(rules: rules)
        for text in ["招学员30名，日入500，先交押金200元，进群99元，I make $10k/month",
                     "招學員30名，日入500，先交押金200元，進群99元，I make $10k/month"] {
            let found = Set(combined.evaluate(ClassifyInput(text: text)).flags.map { "\($0.rule) \($0.matched)" })
            #expect(found.isSuperset(of: ["grouped " + String(text.prefix(6)), "after_groups 押金200元", "money_claim_zh 日入500",
                                          "money_claim_en make $10k", "paid_group " + (text.contains("進") ? "進群99元" : "进群99元")]),
                    "\(found)")
        }
    }

    @Test func badRegularExpressionNamesTheRule() throws {
        var rules = engine.rules
        rules.flags.append(FlagRule(id: "broken", family: "hype", patterns: ["月入(\\d+"]))
        #expect {
            try RuleEngine(rules: rules, file: "test.json")
        } throws: { error in
            (error as? ConfigurationError)?.key == "flags.broken.patterns[0]"
        }
    }

    @Test func unknownFamilyAndUnknownKeyAreRefused() throws {
        var rules = engine.rules
        rules.flags.append(FlagRule(id: "odd", family: "gossip", terms: ["八卦"]))
        #expect(throws: ConfigurationError.self) { try RuleEngine(rules: rules) }

        let text = try String(contentsOfFile: Fixtures.rulesPath, encoding: .utf8)
            .replacingOccurrences(of: "\"min_category_score\"", with: "\"min_category_scor\"")
        let path = try Fixtures.temporaryFile(text)
        #expect {
            try RuleEngine.load(path: path)
        } throws: { error in
            (error as? ConfigurationError)?.key == "min_category_scor"
        }
    }

    @Test func keywordWithoutPositiveWeightNamesTheCategory() {
        var rules = engine.rules
        rules.categories[0].keywords["倒卖"] = -1
        #expect {
            try RuleEngine(rules: rules, file: "test.json")
        } throws: { error in
            (error as? ConfigurationError)?.key == "categories.ecommerce.keywords"
        }
    }

    @Test func outOfRangeScoreSettingIsNamedWithItsValue() {
        var negative = engine.rules
        negative.minCategoryScore = -1
        #expect {
            try RuleEngine(rules: negative, file: "test.json")
        } throws: { error in
            (error as? ConfigurationError)?.description == "test.json: min_category_score: must not be negative, not -1.0"
        }
        var zeroScale = engine.rules
        zeroScale.confidenceScale = 0
        #expect {
            try RuleEngine(rules: zeroScale, file: "test.json")
        } throws: { error in
            (error as? ConfigurationError)?.key == "confidence_scale"
        }
    }

    @Test func shippedRulesCoverEveryCategoryAndFamily() {
        #expect(engine.rules.categories.map(\.id) == ["ecommerce", "affiliate", "content", "short_video_live", "ai_tools",
                                                     "freelance", "private_domain", "local_services", "courses", "risk_warning",
                                                     "other"])
        #expect(engine.rules.categories.filter(\.override).map(\.id) == ["risk_warning"])
        #expect(engine.rules.categories.filter(\.warns).map(\.id) == ["risk_warning"])
        #expect(Set(engine.rules.flags.map(\.family)) == Set(FlagRule.families))
    }
}
