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
    public init(family: String, rule: String, matched: String) {
        self.family = family
        self.rule = rule
        self.matched = matched
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
    /// The model's probability that a moderator approves; nil before a model is trained.
    public var pApprove: Double?
    /// Higher is reviewed first.
    public var priority: Double

    public init(category: String, categorySource: CategorySource, flags: [RiskFlag], ruleVersion: String,
                matchedTerms: [String], pApprove: Double?, priority: Double) {
        self.category = category
        self.categorySource = categorySource
        self.flags = flags
        self.ruleVersion = ruleVersion
        self.matchedTerms = matchedTerms
        self.pApprove = pApprove
        self.priority = priority
    }
}
