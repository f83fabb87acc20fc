/// Who decided an item's category.
public enum CategorySource: String, Codable, Sendable {
    case rule, model, moderator
}

/// One risk flag with the evidence that raised it, so a moderator sees why.
public struct RiskFlag: Codable, Sendable, Equatable, Hashable {
    /// The flag family: `hype`, `money_claim`, `recruiting`, `fraud`, `paid_group`.
    public var family: String
    /// The rule's id inside the rules file.
    public var rule: String
    /// The text that matched, as it stands in the item.
    public var matched: String
    /// The item warns against what matched (别碰, 被骗, scam alert… next to it) instead of promoting it. The
    /// flag stays, so moderators see both the scheme and that the item is a warning about it.
    public var warned: Bool

    public init(family: String, rule: String, matched: String, warned: Bool = false) {
        self.family = family
        self.rule = rule
        self.matched = matched
        self.warned = warned
    }

    enum CodingKeys: String, CodingKey {
        case family, rule, matched, warned
    }

    /// Flags stored before warnings were recognised have no `warned` key: they read as promoted.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        family = try container.decode(String.self, forKey: .family)
        rule = try container.decode(String.self, forKey: .rule)
        matched = try container.decode(String.self, forKey: .matched)
        warned = try container.decodeIfPresent(Bool.self, forKey: .warned) ?? false
    }

    /// `warned` is written only when true, so a promoted flag reads as it always did.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(family, forKey: .family)
        try container.encode(rule, forKey: .rule)
        try container.encode(matched, forKey: .matched)
        if warned { try container.encode(true, forKey: .warned) }
    }
}

/// What decided an item's category: an override rule, the rules, the learnt model, or (set later) a
/// moderator; with the rule or model that did and the evidence, for `review show` and the review screen.
public struct CategoryBasis: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A rule marked `override` matched: it wins over the model.
        case overrideRule = "override_rule"
        /// The rules, because no model has learnt the moderators' categories.
        case rule
        /// The model learnt from the moderators' categories.
        case model
        /// Nothing matched: the rules' default category.
        case fallback
    }

    public var kind: Kind
    /// The category rule's id, or the model's version.
    public var by: String
    /// The matched terms, or the model's features that weighed most for the category.
    public var evidence: [String]

    public init(kind: Kind, by: String, evidence: [String]) {
        self.kind = kind
        self.by = by
        self.evidence = evidence
    }

    /// `model 3f9c2a1e: 基金, 股市` / `override rule risk_warning: 别碰, 被骗`, one line for people.
    public var summary: String {
        let what = switch kind {
        case .overrideRule: "override rule \(by)"
        case .rule: "rule \(by)"
        case .model: "model \(by)"
        case .fallback: "no rule matched, default \(by)"
        }
        return evidence.isEmpty ? what : what + ": " + evidence.joined(separator: ", ")
    }
}

/// What the classify stage decided for one item.
public struct Classification: Codable, Sendable, Equatable {
    public var category: String
    public var categorySource: CategorySource
    public var flags: [RiskFlag]
    /// The version of the rules file that was applied.
    public var ruleVersion: String
    /// The terms that put the item in its category.
    public var matchedTerms: [String]
    /// The model's calibrated probability that a moderator approves; nil before a model is trained.
    public var pApprove: Double?
    /// Higher is reviewed first.
    public var priority: Double
    /// Why the item has its category; nil in classifications stored before it was recorded.
    public var basis: CategoryBasis?
    /// The version of the model that classified the item; nil when the rules classified alone.
    public var modelVersion: String?
    /// `pApprove` lies in the band where the model is unsure (by default 0.35–0.65): a moderator's call.
    public var uncertain: Bool

    public init(category: String, categorySource: CategorySource, flags: [RiskFlag], ruleVersion: String,
                matchedTerms: [String], pApprove: Double?, priority: Double, basis: CategoryBasis? = nil,
                modelVersion: String? = nil, uncertain: Bool = false) {
        self.category = category
        self.categorySource = categorySource
        self.flags = flags
        self.ruleVersion = ruleVersion
        self.matchedTerms = matchedTerms
        self.pApprove = pApprove
        self.priority = priority
        self.basis = basis
        self.modelVersion = modelVersion
        self.uncertain = uncertain
    }

    enum CodingKeys: String, CodingKey {
        case category, categorySource, flags, ruleVersion, matchedTerms, pApprove, priority, basis, modelVersion, uncertain
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.decode(String.self, forKey: .category)
        categorySource = try container.decode(CategorySource.self, forKey: .categorySource)
        flags = try container.decode([RiskFlag].self, forKey: .flags)
        ruleVersion = try container.decode(String.self, forKey: .ruleVersion)
        matchedTerms = try container.decode([String].self, forKey: .matchedTerms)
        pApprove = try container.decodeIfPresent(Double.self, forKey: .pApprove)
        priority = try container.decode(Double.self, forKey: .priority)
        basis = try container.decodeIfPresent(CategoryBasis.self, forKey: .basis)
        modelVersion = try container.decodeIfPresent(String.self, forKey: .modelVersion)
        uncertain = try container.decodeIfPresent(Bool.self, forKey: .uncertain) ?? false
    }
}
