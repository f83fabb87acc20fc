import SluiceCore

/// The classification rules as data (`pipelines/rules.json`): categories with weighted keywords and domain
/// hints, and risk-flag rules with terms and regular expressions. Load it through `RuleEngine.load(path:)`,
/// which compiles and validates every rule.
public struct RuleSet: Codable, Sendable, Equatable {
    /// Stored on every item classified with these rules, so a decision can be traced to the file that made it.
    public var version: String
    /// The category given when no category reaches `minCategoryScore`.
    public var defaultCategory: String
    public var minCategoryScore: Double
    /// Added to a category's score when the item's URL or site is one of the category's domains.
    public var domainWeight: Double
    /// How much keyword score makes the rules sure of a category: confidence grows as 1 - exp(-score / scale).
    public var confidenceScale: Double
    public var categories: [CategoryRule]
    public var flags: [FlagRule]
    /// Words that, just before a warning cue in the same clause, turn it into reassurance: 不是骗局,
    /// "not a scam" (at most three UTF-16 units between the two).
    public var warningNegations: [String]
    /// Phrases that contain a warning cue but promote: 千万别错过, "don't miss".
    public var notWarnings: [String]

    public init(version: String, defaultCategory: String = "other", minCategoryScore: Double = 2,
                domainWeight: Double = 3, confidenceScale: Double = 6, categories: [CategoryRule], flags: [FlagRule],
                warningNegations: [String] = [], notWarnings: [String] = []) {
        self.version = version
        self.defaultCategory = defaultCategory
        self.minCategoryScore = minCategoryScore
        self.domainWeight = domainWeight
        self.confidenceScale = confidenceScale
        self.categories = categories
        self.flags = flags
        self.warningNegations = warningNegations
        self.notWarnings = notWarnings
    }

    enum CodingKeys: String, CodingKey {
        case version, categories, flags
        case defaultCategory = "default_category"
        case minCategoryScore = "min_category_score"
        case domainWeight = "domain_weight"
        case confidenceScale = "confidence_scale"
        case warningNegations = "warning_negations"
        case notWarnings = "not_warnings"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        defaultCategory = try container.decode(.defaultCategory, default: "other")
        minCategoryScore = try container.decode(.minCategoryScore, default: 2)
        domainWeight = try container.decode(.domainWeight, default: 3)
        confidenceScale = try container.decode(.confidenceScale, default: 6)
        categories = try container.decode([CategoryRule].self, forKey: .categories)
        flags = try container.decode(.flags, default: [])
        warningNegations = try container.decode(.warningNegations, default: [])
        notWarnings = try container.decode(.notWarnings, default: [])
    }
}

/// One category: keywords (Chinese and English) with weights, and domains that hint at it.
public struct CategoryRule: Codable, Sendable, Equatable {
    public var id: String
    public var titleZh: String
    public var titleEn: String
    /// Term → weight. English terms made of letters and digits match whole words only.
    public var keywords: [String: Double]
    public var domains: [String]
    /// Also match traditional-character spellings of the keywords.
    public var foldTraditional: Bool
    /// Evaluated and reported as `shadowCategory`, never applied: a rule is tried on live items first.
    public var shadow: Bool
    /// When the rules pick this category, it wins over the learnt model's.
    public var override: Bool
    /// The keywords are warning cues (别碰, 被骗, beware): a risk flag in the cue's sentence or the one
    /// before or after it is marked as warned against; a negated cue (不是骗局) or one inside a
    /// `not_warnings` phrase counts neither there nor for this category.
    public var warns: Bool

    public init(id: String, titleZh: String, titleEn: String, keywords: [String: Double], domains: [String] = [],
                foldTraditional: Bool = true, shadow: Bool = false, override: Bool = false, warns: Bool = false) {
        self.id = id
        self.titleZh = titleZh
        self.titleEn = titleEn
        self.keywords = keywords
        self.domains = domains
        self.foldTraditional = foldTraditional
        self.shadow = shadow
        self.override = override
        self.warns = warns
    }

    enum CodingKeys: String, CodingKey {
        case id, keywords, domains, shadow, override, warns
        case titleZh = "title_zh"
        case titleEn = "title_en"
        case foldTraditional = "fold_traditional"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        titleZh = try container.decode(.titleZh, default: id)
        titleEn = try container.decode(.titleEn, default: id)
        keywords = try container.decode(.keywords, default: [:])
        domains = try container.decode(.domains, default: [])
        foldTraditional = try container.decode(.foldTraditional, default: true)
        shadow = try container.decode(.shadow, default: false)
        override = try container.decode(.override, default: false)
        warns = try container.decode(.warns, default: false)
    }
}

/// One risk-flag rule of a family (`hype`, `money_claim`, `recruiting`, `fraud`, `paid_group`): literal terms
/// and regular expressions, both matched on folded text (full-width folded, ASCII lower-cased).
public struct FlagRule: Codable, Sendable, Equatable {
    public static let families = ["hype", "money_claim", "recruiting", "fraud", "paid_group"]

    public var id: String
    public var family: String
    public var terms: [String]
    /// `NSRegularExpression` syntax, written for lower-case, half-width text.
    public var patterns: [String]
    public var foldTraditional: Bool
    /// Reported in `shadowFlags`, never in `flags`.
    public var shadow: Bool

    public init(id: String, family: String, terms: [String] = [], patterns: [String] = [],
                foldTraditional: Bool = true, shadow: Bool = false) {
        self.id = id
        self.family = family
        self.terms = terms
        self.patterns = patterns
        self.foldTraditional = foldTraditional
        self.shadow = shadow
    }

    enum CodingKeys: String, CodingKey {
        case id, family, terms, patterns, shadow
        case foldTraditional = "fold_traditional"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        family = try container.decode(String.self, forKey: .family)
        terms = try container.decode(.terms, default: [])
        patterns = try container.decode(.patterns, default: [])
        foldTraditional = try container.decode(.foldTraditional, default: true)
        shadow = try container.decode(.shadow, default: false)
    }
}
