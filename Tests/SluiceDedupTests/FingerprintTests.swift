import Foundation
import SluiceCore
import SluiceDedup
import SluiceTestSupport
import Testing

@Suite struct TextNormalizerTests {
    @Test(arguments: [
        ("ＡＢＣ　１２３", "abc 123"),
        ("Hello,   World!\n\nAgain", "hello world again"),
        ("日入过万，躺赚！", "日入过万躺赚"),
        ("“暴利”项目——「真的」吗？", "暴利项目真的吗"),
        ("中 文 and 英 文", "中文and英文"),
        ("a\u{200B}b\tc", "ab c"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("  ", ""),
    ])
    func folds(input: String, expected: String) {
        #expect(TextNormalizer.normalize(input) == expected)
    }

    /// The fast path skips NFKC and lowercasing for text made only of "stable" characters: each must be left
    /// as it is by both and never combine with or reorder around its neighbours.
    @Test func stableCharactersAreLeftAsTheyAreByNFKCAndLowercasing() {
        let candidates = Array(0x00...0x7F) + Array(0x2000...0x206F) + Array(0x3000...0x303F) + Array(0x4E00...0x9FFF)
        var checked = 0
        for value in candidates {
            guard let scalar = Unicode.Scalar(UInt32(value)), TextNormalizer.isStable(scalar) else { continue }
            let text = String(scalar).uppercased() == String(scalar) && value >= 0x80 ? String(scalar) : String(scalar).lowercased()
            #expect(text.precomposedStringWithCompatibilityMapping.lowercased() == text, "U+\(String(value, radix: 16))")
            #expect(scalar.properties.canonicalCombiningClass == .notReordered, "U+\(String(value, radix: 16))")
            checked += 1
        }
        #expect(checked > 20_000)
        #expect(TextNormalizer.normalize("ABC 副业 DEF。") == "abc副业def")
    }

    /// Full-width forms skip NFKC too: the character they are mapped to must be NFKC's own, and a text of them
    /// must fold as the slow path folds it.
    @Test func fullWidthFormsMapAsNFKCMapsThem() {
        for value in Array(0xFF01...0xFF5E) + [0x3000] {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            #expect(TextNormalizer.fullWidthASCII(scalar).map { String($0) } == String(scalar).precomposedStringWithCompatibilityMapping,
                    "U+\(String(value, radix: 16))")
        }
        #expect(TextNormalizer.fullWidthASCII("，") == ",")
        #expect(TextNormalizer.fullWidthASCII("中") == nil)
        let text = "副业月入３万？！　内容：“躺赚”项目（ＷｅＣｈａｔ：ＡＢＣ＿１２３）"
        #expect(TextNormalizer.normalize(text) == TextNormalizer.normalize(text.precomposedStringWithCompatibilityMapping.lowercased()))
        #expect(TextNormalizer.normalize(text) == "副业月入3万内容躺赚项目wechat abc 123")
    }

    /// Only the stretches that need NFKC and lowercasing go through them: the result must be the whole text's,
    /// for characters that combine with the stable one before them, reorder, compose in pairs or fold to several.
    @Test(arguments: [
        "Cafe\u{301} au lait, re\u{301}sume\u{301} — naïve ÉCOLE",
        "ΣΟΦΙΑ σοφός ΟΔΟΣ", "Straße ǅemal ﬁnance ①②③ ㎏ ™",
        "\u{1100}\u{1161}\u{11A8}한국어 텍스트 中文 ｶﾀｶﾅ カタカナ",
        "a\u{323}\u{302}b q\u{307}\u{323} A\u{30A}", "副业·月入３万…「真的」",
        "\u{301}leading mark", "trailing mark e\u{301}", "中\u{200B}文\u{FEFF}x\u{00A0}y",
        "Привет, МИР! Ελληνικά", "x\u{0B47}\u{0B3E}y", "",
    ])
    func foldsAsTheWholeTextWouldFold(text: String) {
        #expect(TextNormalizer.normalize(text) == TextNormalizer.normalize(text.precomposedStringWithCompatibilityMapping.lowercased()))
        let reference = text.precomposedStringWithCompatibilityMapping.lowercased()
        #expect(TextNormalizer.normalize(text + " 中") == TextNormalizer.normalize(reference + " 中"))
    }

    @Test func foldingIsIdempotent() {
        let text = "【独家】副业月入３万？！  内容：“躺赚”项目…… Ｗｅ ｃｈａｔ：abc_123"
        let once = TextNormalizer.normalize(text)
        #expect(TextNormalizer.normalize(once) == once)
    }
}

@Suite struct ContentFingerprintTests {
    static let article = """
        很多人问我，普通人在业余时间做什么副业比较靠谱。我的回答是先从自己熟悉的领域开始，\
        不要相信那些宣称日入过万、躺赚的项目。真正可持续的副业需要时间积累，比如写作、设计、\
        翻译、做短视频剪辑，或者在闲鱼上做二手数码。第一步是确认市场需求，第二步是小规模试水，\
        第三步才是投入更多时间。下面我把自己三年来的经历和收入记录整理出来，供大家参考。
        """

    @Test func variantsOfWhitespaceWidthAndPunctuationHashAlike() throws {
        let variant = Self.article.replacingOccurrences(of: "，", with: ", ").replacingOccurrences(of: "。", with: ".\n")
            .applyingTransform(.fullwidthToHalfwidth, reverse: true) ?? ""
        let a = try #require(ContentFingerprint.of(text: Self.article, options: .default))
        let b = try #require(ContentFingerprint.of(text: variant, options: .default))
        #expect(a.exactHash == b.exactHash)
        #expect(a.simhash == b.simhash)
        #expect(a.exactHash.count == 32)
    }

    @Test func shortTextGetsNoPageFingerprintButANoteOne() throws {
        #expect(ContentFingerprint.of(text: "闲鱼卖二手数码", options: .default) == nil)
        let note = try #require(ContentFingerprint.note(text: "闲鱼卖二手数码", options: .default))
        #expect(!note.noteShingles.isEmpty)
        #expect(ContentFingerprint.note(text: "！？", options: .default) == nil)
    }

    @Test func smallEditMovesFewBitsAndOtherTextMovesMany() throws {
        let edited = Self.article.replacingOccurrences(of: "闲鱼上做二手数码", with: "淘宝上卖手工饰品")
        let other = "今天天气很好，我们一起去公园散步。公园里有很多人在跑步、打太极拳，还有小朋友在放风筝。"
            + "湖边的柳树发出了新芽，远处的山上开满了桃花。中午我们在草地上野餐，下午去博物馆看了展览。"
            + "晚上回家的路上，我们买了一些水果和蔬菜，准备明天做一顿丰盛的晚餐，邀请邻居一起来吃饭聊天。"
        let a = try #require(ContentFingerprint.of(text: Self.article, options: .default))
        let b = try #require(ContentFingerprint.of(text: edited, options: .default))
        let c = try #require(ContentFingerprint.of(text: other, options: .default))
        let near = (a.simhash ^ b.simhash).nonzeroBitCount
        let far = (a.simhash ^ c.simhash).nonzeroBitCount
        #expect(a.exactHash != b.exactHash)
        #expect(near < far)
        #expect(far > 16)
    }

    @Test func bandKeysShareABlockWithinTheDistance() {
        var random = SeededRandom(seed: 42)
        for maxDistance in [1, 3, 5, 8] {
            for _ in 0..<200 {
                let base = random.next()
                var flipped = base
                var bits = Set<Int>()
                while bits.count < maxDistance { bits.insert(random.below(64)) }
                for bit in bits { flipped ^= 1 << UInt64(bit) }
                let a = ContentFingerprint(exactHash: "a", simhash: base, length: 100)
                let b = ContentFingerprint(exactHash: "b", simhash: flipped, length: 100)
                let options = DedupOptions(maxHammingDistance: maxDistance)
                let keysA = a.bandKeys(for: options), keysB = b.bandKeys(for: options)
                #expect(keysA.count == max(maxDistance + 1, 2))
                #expect(!Set(keysA).isDisjoint(with: keysB), "distance \(maxDistance) must share a block")
            }
        }
    }

    @Test func bandKeysOfDifferentLayoutsNeverCollide() {
        let fingerprint = ContentFingerprint(exactHash: "a", simhash: 0, length: 100)
        let three = fingerprint.bandKeys(for: DedupOptions(maxHammingDistance: 3))
        #expect(Set(three).isDisjoint(with: fingerprint.bandKeys(for: DedupOptions(maxHammingDistance: 4))))
        #expect(fingerprint.bandKeys == fingerprint.bandKeys(for: .default))
    }

    @Test func notesGetKeysFromTheirShingles() throws {
        let note = try #require(ContentFingerprint.note(text: "拼多多砍价群，拉人头返现", options: .default))
        let options = DedupOptions.default
        let keys = note.bandKeys(for: options)
        #expect(keys.count == options.maxHammingDistance + 1 + options.lshBands + min(4, note.noteShingles.count))
    }
}

@Suite struct DedupOptionsTests {
    @Test func absentKeysTakeDefaultsAndEveryKeyIsEncoded() throws {
        let options = try StrictJSON.decode(DedupOptions.self, from: Data(#"{"max_hamming_distance": 5}"#.utf8), file: "p.json")
        #expect(options.maxHammingDistance == 5)
        #expect(options.shingleSizeCJK == DedupOptions.default.shingleSizeCJK)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as? [String: Any]
        #expect(Set(encoded?.keys.map { $0 } ?? []) == ["max_hamming_distance", "shingle_size_cjk", "shingle_size_words",
                                                       "min_text_length", "min_jaccard", "min_containment", "min_margin",
                                                       "min_title_overlap", "jaccard_without_title", "lsh_bands", "lsh_rows",
                                                       "note_similarity", "note_shingle_size"])
    }

    @Test func fingerprintVersionChangesWithWhatShapesFingerprints() {
        let base = DedupOptions.default
        #expect(DedupOptions(lshBands: 21).fingerprintVersion != base.fingerprintVersion)
        #expect(DedupOptions(maxHammingDistance: 5).fingerprintVersion != base.fingerprintVersion)
        #expect(DedupOptions(shingleSizeCJK: 2).fingerprintVersion != base.fingerprintVersion)
        #expect(DedupOptions(minJaccard: 0.5).fingerprintVersion == base.fingerprintVersion)
    }

    @Test func refusesValuesOutOfRangeAndUnknownKeys() {
        #expect(throws: ConfigurationError.self) {
            try StrictJSON.decode(DedupOptions.self, from: Data(#"{"max_hamming_distance": 40}"#.utf8), file: "p.json")
        }
        #expect(throws: ConfigurationError(file: "p.json", key: "max_haming_distance", reason: "unknown key")) {
            try StrictJSON.decode(DedupOptions.self, from: Data(#"{"max_haming_distance": 4}"#.utf8), file: "p.json")
        }
    }

    @Test func urlRulesRefuseUnknownKeys() {
        let json = #"{"version": "1", "sites": [{"name": "x", "hosts": ["a.com"], "keep_params": ["id"]}]}"#
        #expect(throws: ConfigurationError(file: "r.json", key: "sites[0].keep_params", reason: "unknown key")) {
            try StrictJSON.decode(URLRules.self, from: Data(json.utf8), file: "r.json")
        }
    }
}

@Suite struct DuplicateJudgeTests {
    static func fingerprint(_ simhash: UInt64, hash: String = "h", shingles: [UInt32] = []) -> ContentFingerprint {
        ContentFingerprint(exactHash: hash, simhash: simhash, length: 500, noteShingles: shingles)
    }

    @Test func prefersExactThenNearestThenEarliest() {
        let query = Self.fingerprint(0b1111, hash: "q")
        let candidates: [(id: Int64, fingerprint: ContentFingerprint)] = [
            (9, Self.fingerprint(0b0111, hash: "x")),
            (7, Self.fingerprint(0b0011, hash: "y")),
            (5, Self.fingerprint(0b1110, hash: "z")),
            (3, Self.fingerprint(0b1101, hash: "w")),
        ]
        #expect(DuplicateJudge.bestMatch(for: query, among: candidates, options: .default)
                == NearDuplicateMatch(candidateID: 3, distance: 1, similarity: 0, kind: "near"))
        let withExact = candidates + [(id: 11, fingerprint: Self.fingerprint(0xFFFF_0000, hash: "q"))]
        #expect(DuplicateJudge.bestMatch(for: query, among: withExact, options: .default)
                == NearDuplicateMatch(candidateID: 11, distance: 20, similarity: 1, kind: "exact"))
    }

    /// Sketches agreeing on 25 of 60 values (estimated Jaccard 0.42, above the bar) with SimHashes far apart: two
    /// texts of one length share too little of either to be one story (two articles of a site sharing a fixed
    /// list); a text of less than half the other's length lies almost wholly inside it (a truncated copy).
    @Test func aJaccardMatchNeedsTheShorterTextHeldInTheLonger() {
        let options = DedupOptions.default
        let sketch = (0..<60).map { UInt32($0) }
        let other = (0..<60).map { $0 < 25 ? UInt32($0) : UInt32(1000 + $0) }
        let query = ContentFingerprint(exactHash: "q", simhash: 0, minhash: sketch, length: 1000)
        let sameLength = ContentFingerprint(exactHash: "a", simhash: 0xFFFF_FFFF, minhash: other, length: 1000)
        let shorter = ContentFingerprint(exactHash: "b", simhash: 0xFFFF_FFFF, minhash: other, length: 400)
        #expect(MinHash.similarity(sketch, other) >= options.minJaccard)
        #expect(DuplicateJudge.bestMatch(for: query, among: [(1, sameLength)], options: options) == nil)
        #expect(DuplicateJudge.bestMatch(for: query, among: [(2, shorter)], options: options)?.kind == "near")
        #expect(DuplicateJudge.bestMatch(for: query, among: [(1, sameLength)],
                                         options: DedupOptions(minContainment: 0.5))?.kind == "near")
    }

    /// A truncated copy that is about as like a second story as like its own (both share the text the query
    /// holds: a site's fixed block) is no match by Jaccard; far more like one than the other, it is.
    @Test func aJaccardMatchMustStandOutFromTheOtherRoots() {
        let sketch = (0..<60).map { UInt32($0) }
        func agreeing(_ shared: Int) -> [UInt32] { (0..<60).map { $0 < shared ? UInt32($0) : UInt32(1000 + $0) } }
        let query = ContentFingerprint(exactHash: "q", simhash: 0, minhash: sketch, length: 400)
        let original = ContentFingerprint(exactHash: "a", simhash: 0xFFFF_FFFF, minhash: agreeing(40), length: 1000)
        let alike = ContentFingerprint(exactHash: "b", simhash: 0xFFFF_0000_FFFF, minhash: agreeing(36), length: 1000)
        let unlike = ContentFingerprint(exactHash: "c", simhash: 0xFFFF_0000_FFFF, minhash: agreeing(10), length: 1000)
        #expect(DuplicateJudge.bestMatch(for: query, among: [(1, original), (2, alike)], options: .default) == nil)
        #expect(DuplicateJudge.bestMatch(for: query, among: [(1, original), (3, unlike)], options: .default)?.candidateID == 1)
        #expect(DuplicateJudge.bestMatch(for: query, among: [(1, original), (2, alike)],
                                         options: DedupOptions(minMargin: 0))?.candidateID == 1)
    }

    /// A site's fixed blocks (a list of other headlines, a follow appeal) that the main text keeps under every
    /// article: with a short article, two different stories share more than half their shingles.
    static let siteChrome = """
        相关阅读
        淘宝客新规解读：佣金结算周期调整后怎么办
        短视频带货入门：选品比拍摄更重要
        我在闲鱼卖二手书的第一年收入复盘
        直播间冷启动的七个常见误区
        AI 写作工具能不能替代文案岗位
        自由职业者如何给自己交社保
        小红书笔记限流的原因与排查方法
        公众号还值得做吗：三位作者的真实数据
        跨境电商独立站的支付与物流选择
        知识付费课程退款纠纷怎么处理
        兼职翻译接单平台对比与报价参考
        拼多多店铺新手期的流量从哪里来
        抖音橱窗开通条件与保证金说明
        外卖跑腿副业的时间成本测算
        社区团购团长佣金为何越来越低
        支持我们：扫码关注，每周一篇经过核实的副业情报，拒绝暴利神话。
        """

    static let firstStory = """
        上个月我试着在本地二手群里帮邻居代卖闲置家电，约定成交后收百分之十的服务费。        一共谈成了九单，扣掉来回的油费，净赚八百多元。最大的麻烦是验机和售后，买家常常要求上门查看。
        """

    static let secondStory = """
        一位做婚礼摄影的朋友把周末空档拿来拍证件照，在小区门口支了一个摊位。        起初每天只有三四个客人，后来和附近的打印店合作，客流稳定了，每月多出两千元左右。
        """

    /// Before titles were compared, the first two articles of such a template met with no other root to weigh
    /// them against, and every later article of the template then joined that one cluster.
    @Test func articlesOfOneTemplateNeedAgreeingHeadlinesToMatchByJaccard() throws {
        let options = DedupOptions.default
        let first = try #require(ContentFingerprint.of(text: Self.firstStory + Self.siteChrome,
                                                       title: "帮邻居代卖闲置家电，一个月赚了八百", options: options))
        let second = try #require(ContentFingerprint.of(text: Self.secondStory + Self.siteChrome,
                                                        title: "婚礼摄影师的周末副业：小区门口拍证件照", options: options))
        #expect(MinHash.similarity(first.minhash, second.minhash) >= options.minJaccard)
        #expect(MinHash.similarity(first.minhash, second.minhash) < options.jaccardWithoutTitle)
        #expect((first.simhash ^ second.simhash).nonzeroBitCount > options.maxHammingDistance)
        #expect(DuplicateJudge.bestMatch(for: second, among: [(1, first)], options: options) == nil)
        #expect(DuplicateJudge.bestMatch(for: second, among: [(1, first)],
                                         options: DedupOptions(minTitleOverlap: 0))?.candidateID == 1,
                "without the title check the shared blocks make them one story")

        let repost = try #require(ContentFingerprint.of(
            text: Self.firstStory.replacingOccurrences(of: "净赚八百多元", with: "到手八百多元") + "原文转自本地生活号。\n" + Self.siteChrome,
            title: "帮邻居代卖闲置家电，一个月赚了八百 - 本地生活", options: options))
        #expect(DuplicateJudge.bestMatch(for: repost, among: [(1, first)], options: options)?.candidateID == 1)
        let untitled = ContentFingerprint(exactHash: second.exactHash, simhash: second.simhash, minhash: second.minhash,
                                          length: second.length)
        #expect(DuplicateJudge.bestMatch(for: untitled, among: [(1, first)], options: options)?.candidateID == 1,
                "a page without a title is judged by its text alone")
    }

    @Test(arguments: [
        ("帮邻居代卖闲置家电，一个月赚了八百", "帮邻居代卖闲置家电，一个月赚了八百_网易新闻", true),
        ("Side income from selling used books", "Side Income From Selling Used Books | Example News", true),
        ("帮邻居代卖闲置家电，一个月赚了八百", "婚礼摄影师的周末副业：小区门口拍证件照", false),
        ("How I started freelance translation", "How the new commission rules change affiliate income", false),
    ])
    func titlesAgreeWhenOneHeadlineHoldsTheOther(first: String, second: String, agree: Bool) throws {
        let options = DedupOptions.default
        let a = try #require(ContentFingerprint.of(text: Self.firstStory + Self.siteChrome, title: first, options: options))
        let b = try #require(ContentFingerprint.of(text: Self.secondStory + Self.siteChrome, title: second, options: options))
        let overlap = try #require(a.titleOverlap(with: b))
        #expect((overlap >= options.minTitleOverlap) == agree, "overlap \(overlap)")
    }

    @Test func fingerprintsStoredWithoutTitlesStillDecodeAndPagesWithoutOneStoreNone() throws {
        let old = #"{"exactHash":"q","simhash":5,"minhash":[1,2],"length":90,"noteShingles":[]}"#
        let decoded = try JSONDecoder().decode(ContentFingerprint.self, from: Data(old.utf8))
        #expect(decoded.titleShingles == nil && decoded.simhash == 5)
        let untitled = try #require(ContentFingerprint.of(text: Self.firstStory + Self.siteChrome, options: .default))
        let encoded = String(decoding: try JSONEncoder().encode(untitled), as: UTF8.self)
        #expect(!encoded.contains("titleShingles"))
        let titled = try #require(ContentFingerprint.of(text: Self.firstStory + Self.siteChrome, title: "代卖闲置家电",
                                                        options: .default))
        #expect(try JSONDecoder().decode(ContentFingerprint.self, from: JSONEncoder().encode(titled)) == titled)
    }

    @Test func nothingBeyondTheThreshold() {
        let query = Self.fingerprint(0)
        let far = [(id: Int64(1), fingerprint: Self.fingerprint(0b1111, hash: "x"))]
        #expect(DuplicateJudge.bestMatch(for: query, among: far, options: .default) == nil)
        #expect(DuplicateJudge.bestMatch(for: query, among: far, options: DedupOptions(maxHammingDistance: 4))?.distance == 4)
        #expect(DuplicateJudge.bestMatch(for: query, among: [], options: .default) == nil)
    }

    @Test func notesAreJudgedByTheirSharedWording() throws {
        let options = DedupOptions.default
        let first = try #require(ContentFingerprint.note(text: "拼多多砍价群拉人头返现，每拉一人返5元", options: options))
        let reworded = try #require(ContentFingerprint.note(text: "拼多多砍价群：拉人头返现，每拉一个人返5元！", options: options))
        let unrelated = try #require(ContentFingerprint.note(text: "小红书探店博主接广告报价", options: options))
        let match = DuplicateJudge.bestMatch(for: reworded, among: [(1, first), (2, unrelated)], options: options)
        #expect(match?.candidateID == 1)
        #expect(match?.kind == "note")
        #expect(DuplicateJudge.bestMatch(for: unrelated, among: [(1, first)], options: options) == nil)
    }

    @Test func explainsAVerdictWithFiguresAndPassages() {
        let original = ContentFingerprintTests.article
        let truncated = String(original.prefix(original.count * 4 / 5))
        let explanation = DuplicateJudge.explain(truncated, against: original, options: .default)
        #expect(explanation.match == "near")
        #expect((explanation.similarity ?? 0) >= DedupOptions.default.minJaccard)
        #expect(explanation.sharedPassages.first?.hasPrefix("很多人问我") == true)
        let unrelated = DuplicateJudge.explain("小红书探店博主接广告报价", against: original, options: .default)
        #expect(unrelated.match == nil)
        #expect(unrelated.distance != nil)
    }

    @Test func sharedPassagesFindTheCommonRuns() {
        let a = "开头不同的一段话。很多人问我，普通人在业余时间做什么副业比较靠谱。结尾也不同。"
        let b = "另一个开头。很多人问我，普通人在业余时间做什么副业比较靠谱。完全另外的结尾部分。"
        #expect(DuplicateJudge.sharedPassages(a, b, limit: 3) == ["很多人问我,普通人在业余时间做什么副业比较靠谱"])
        #expect(DuplicateJudge.sharedPassages(a, "毫不相干的文字内容在这里", limit: 3).isEmpty)
        let english = "The quick brown fox jumps over the lazy dog near the river bank today."
        #expect(DuplicateJudge.sharedPassages(english, "Yesterday the quick brown fox jumps over the lazy dog again.", limit: 2)
                == ["the quick brown fox jumps over the lazy dog"])
    }
}

@Suite struct MinHashTests {
    @Test func sketchEstimatesTheJaccardSimilarity() throws {
        let options = DedupOptions(lshBands: 64, lshRows: 4)
        let base = ContentFingerprintTests.article
        let truncated = String(base.prefix(base.count * 3 / 4))
        let a = try #require(ContentFingerprint.of(text: base, options: options))
        let b = try #require(ContentFingerprint.of(text: truncated, options: options))
        #expect(a.minhash.count == 256)
        let estimate = MinHash.similarity(a.minhash, b.minhash)
        // About three quarters of the shingles are shared; 256 values estimate within a few hundredths.
        #expect(estimate > 0.6 && estimate < 0.9, "estimate \(estimate)")
        #expect(MinHash.similarity(a.minhash, a.minhash) == 1)
        #expect(MinHash.similarity(a.minhash, []) == 0)
    }

    @Test func judgeFindsATruncatedCopyBySimilarity() throws {
        let options = DedupOptions.default
        let base = ContentFingerprintTests.article
        let a = try #require(ContentFingerprint.of(text: base, options: options))
        let b = try #require(ContentFingerprint.of(text: String(base.prefix(base.count * 4 / 5)), options: options))
        let candidates: [(id: Int64, fingerprint: ContentFingerprint)] = [(1, a)]
        let match = try #require(DuplicateJudge.bestMatch(for: b, among: candidates, options: options))
        #expect(match.kind == "near")
        #expect(match.similarity >= options.minJaccard)
        let sharedBand = Set(a.bandKeys).intersection(b.bandKeys)
        #expect(!sharedBand.isEmpty, "a near-duplicate shares a band key, so the store finds it")
    }
}
