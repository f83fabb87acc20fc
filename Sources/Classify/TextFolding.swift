/// Folds text for matching so one rule matches the variants volunteers paste (full-width digits and Latin
/// letters, upper case, traditional characters).
///
/// Every scalar is replaced by exactly one scalar of the same UTF-16 width, so an offset in the folded text
/// is the same offset in the original. That is what lets a flag show the matched text as it stands in the
/// item rather than its folded form.
enum TextFolding {
    /// The text as UTF-16 code units, beside its two folded forms.
    struct Folded: Sendable {
        var original: [UInt16]
        /// Width and ASCII case folded.
        var plain: [UInt16]
        /// `plain` with traditional characters replaced by simplified ones.
        var simplified: [UInt16]

        func units(traditional: Bool) -> [UInt16] { traditional ? simplified : plain }

        /// The original text covering the folded range.
        func evidence(_ range: Range<Int>) -> String {
            String(decoding: original[range], as: UTF16.self)
        }
    }

    static func fold(_ text: String) -> Folded {
        var original: [UInt16] = []
        var plain: [UInt16] = []
        var simplified: [UInt16] = []
        original.reserveCapacity(text.utf16.count)
        plain.reserveCapacity(text.utf16.count)
        simplified.reserveCapacity(text.utf16.count)
        for scalar in text.unicodeScalars {
            let width = UTF16.width(scalar)
            let narrow = foldWidthAndCase(scalar)
            let simple = narrow.value < 0x4E00 ? narrow : traditionalToSimplified[narrow] ?? narrow
            appendUnits(of: scalar, to: &original)
            appendUnits(of: UTF16.width(narrow) == width ? narrow : scalar, to: &plain)
            appendUnits(of: UTF16.width(simple) == width ? simple : scalar, to: &simplified)
        }
        return Folded(original: original, plain: plain, simplified: simplified)
    }

    /// A rule term in the form the folded text takes, so the two compare unit by unit.
    static func foldTerm(_ term: String, traditional: Bool) -> [UInt16] {
        fold(term).units(traditional: traditional)
    }

    static func foldedString(_ text: String, traditional: Bool) -> String {
        String(decoding: fold(text).units(traditional: traditional), as: UTF16.self)
    }

    private static func appendUnits(of scalar: Unicode.Scalar, to units: inout [UInt16]) {
        units.append(contentsOf: scalar.utf16)
    }

    private static func foldWidthAndCase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        var value = scalar.value
        switch value {
        case 0xFF01...0xFF5E: value -= 0xFEE0
        case 0x3000: value = 0x20
        default: break
        }
        if (0x41...0x5A).contains(value) { value += 0x20 }
        return Unicode.Scalar(value) ?? scalar
    }

    /// Traditional forms of the characters our rules and the model see most; pairs of (traditional,
    /// simplified). Not a full conversion table: rules opt in with `fold_traditional`, and a character
    /// missing here only means that variant is not folded.
    private static let pairs = """
        賺赚錢钱網网東东電电視视頻频團团購购寶宝貨货單单課课導导師师號号書书紅红營营銷销賣卖買买億亿萬万風风\
        險险穩稳賠赔傭佣費费線线頭头殺杀豬猪盤盘現现資资會会員员點点擊击體体專专業业務务戶户碼码區区無无門门\
        開开發发幫帮個个們们對对這这說说時时間间從从來来與与為为於于達达實实際际創创項项內内後后廣广據据數数\
        機机關关係系聯联動动參参經经驗验帶带貸贷額额鏈链選选價价邊边掛挂獲获級级補补貼贴轉转讓让禮礼鍵键簡简\
        圖图雜杂誌志計计紹绍獎奖勵励輯辑熱热傳传寫写眾众閒闲魚鱼貓猫優优夥伙廠厂庫库過过氣气掃扫羣群進进縣县\
        鎮镇鄰邻診诊駕驾潔洁維维訓训練练講讲學学識识變变樣样贏赢穫获攤摊
        """
    static let traditionalToSimplified: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        let scalars = Array(pairs.unicodeScalars.filter { !$0.properties.isWhitespace })
        var index = 0
        while index + 1 < scalars.count {
            if scalars[index] != scalars[index + 1] { table[scalars[index]] = scalars[index + 1] }
            index += 2
        }
        return table
    }()
}
