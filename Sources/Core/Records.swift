import Foundation

/// A piece of intel as a volunteer sent it, after intake validation.
public struct Submission: Sendable, Equatable, Codable {
    public var volunteer: String
    public var url: String?
    public var note: String?
    /// Where it came from: `cli`, or `file.jsonl:12` for an import.
    public var source: String
    /// When the volunteer sent it, when that is known and earlier than the import (a form's 提交时间);
    /// nil means now.
    public var submittedAt: Date?

    public init(volunteer: String, url: String?, note: String?, source: String, submittedAt: Date? = nil) {
        self.volunteer = volunteer
        self.url = url
        self.note = note
        self.source = source
        self.submittedAt = submittedAt
    }
}

/// One volunteer's report of an item: who, what they said, when.
public struct Report: Sendable, Equatable, Codable {
    public var volunteer: String
    public var url: String?
    public var note: String?
    public var submittedAt: Date
    /// The item this report was filed as (a duplicate's own id, or the item itself).
    public var itemID: Int64

    public init(volunteer: String, url: String?, note: String?, submittedAt: Date, itemID: Int64) {
        self.volunteer = volunteer
        self.url = url
        self.note = note
        self.submittedAt = submittedAt
        self.itemID = itemID
    }

    enum CodingKeys: String, CodingKey {
        case volunteer, url, note
        case submittedAt = "submitted_at"
        case itemID = "item_id"
    }
}

/// An item as listed and shown: the stable JSON shape of `review list`, `review show` and `status`.
public struct ItemRecord: Sendable, Equatable, Encodable {
    public var id: Int64
    public var state: ItemState
    public var version: Int
    public var url: String?
    public var finalURL: String?
    public var canonicalURL: String?
    public var title: String?
    public var description: String?
    public var site: String?
    public var excerpt: String?
    public var category: String?
    public var categorySource: CategorySource?
    public var flags: [RiskFlag]
    public var matchedTerms: [String]
    public var ruleVersion: String?
    public var pApprove: Double?
    public var priority: Double
    public var error: Problem?
    public var duplicateOf: Int64?
    public var duplicateKind: String?
    public var volunteer: String
    public var note: String?
    public var submittedAt: Date
    public var updatedAt: Date
    /// Everyone who reported this story: the item's own submitter first, then the duplicates'.
    public var reports: [Report]
    public var claimedBy: String?
    public var claimedUntil: Date?
    public var decisionReason: String?
    /// Why the classifier gave the category (nil for items classified before it was recorded).
    public var categoryBasis: CategoryBasis?
    /// The model that classified the item, nil when the rules classified alone.
    public var modelVersion: String?
    /// P(approve) lies in the band where the model is unsure.
    public var uncertain: Bool

    public init(id: Int64, state: ItemState, version: Int, url: String?, finalURL: String?, canonicalURL: String?,
                title: String?, description: String?, site: String?, excerpt: String?, category: String?,
                categorySource: CategorySource?, flags: [RiskFlag], matchedTerms: [String], ruleVersion: String?,
                pApprove: Double?, priority: Double, error: Problem?, duplicateOf: Int64?, duplicateKind: String?,
                volunteer: String, note: String?, submittedAt: Date, updatedAt: Date, reports: [Report],
                claimedBy: String?, claimedUntil: Date?, decisionReason: String?, categoryBasis: CategoryBasis? = nil,
                modelVersion: String? = nil, uncertain: Bool = false) {
        self.id = id
        self.state = state
        self.version = version
        self.url = url
        self.finalURL = finalURL
        self.canonicalURL = canonicalURL
        self.title = title
        self.description = description
        self.site = site
        self.excerpt = excerpt
        self.category = category
        self.categorySource = categorySource
        self.flags = flags
        self.matchedTerms = matchedTerms
        self.ruleVersion = ruleVersion
        self.pApprove = pApprove
        self.priority = priority
        self.error = error
        self.duplicateOf = duplicateOf
        self.duplicateKind = duplicateKind
        self.volunteer = volunteer
        self.note = note
        self.submittedAt = submittedAt
        self.updatedAt = updatedAt
        self.reports = reports
        self.claimedBy = claimedBy
        self.claimedUntil = claimedUntil
        self.decisionReason = decisionReason
        self.categoryBasis = categoryBasis
        self.modelVersion = modelVersion
        self.uncertain = uncertain
    }

    enum CodingKeys: String, CodingKey {
        case id, state, version, url, title, description, site, excerpt, category, flags, priority, error, volunteer, note, reports
        case finalURL = "final_url"
        case canonicalURL = "canonical_url"
        case categorySource = "category_source"
        case matchedTerms = "matched_terms"
        case ruleVersion = "rule_version"
        case pApprove = "p_approve"
        case duplicateOf = "duplicate_of"
        case duplicateKind = "duplicate_kind"
        case submittedAt = "submitted_at"
        case updatedAt = "updated_at"
        case claimedBy = "claimed_by"
        case claimedUntil = "claimed_until"
        case decisionReason = "decision_reason"
        case categoryBasis = "category_basis"
        case modelVersion = "model_version"
        case uncertain
    }

    /// Encodes absent values as `null` so every documented field is always present.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(state, forKey: .state)
        try container.encode(version, forKey: .version)
        try container.encode(url, forKey: .url)
        try container.encode(finalURL, forKey: .finalURL)
        try container.encode(canonicalURL, forKey: .canonicalURL)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(site, forKey: .site)
        try container.encode(excerpt, forKey: .excerpt)
        try container.encode(category, forKey: .category)
        try container.encode(categorySource, forKey: .categorySource)
        try container.encode(flags, forKey: .flags)
        try container.encode(matchedTerms, forKey: .matchedTerms)
        try container.encode(ruleVersion, forKey: .ruleVersion)
        try container.encode(pApprove, forKey: .pApprove)
        try container.encode(priority, forKey: .priority)
        try container.encode(error.map { "\($0.code.rawValue): \($0.message)" }, forKey: .error)
        try container.encode(duplicateOf, forKey: .duplicateOf)
        try container.encode(duplicateKind, forKey: .duplicateKind)
        try container.encode(volunteer, forKey: .volunteer)
        try container.encode(note, forKey: .note)
        try container.encode(submittedAt, forKey: .submittedAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(reports, forKey: .reports)
        try container.encode(claimedBy, forKey: .claimedBy)
        try container.encode(claimedUntil, forKey: .claimedUntil)
        try container.encode(decisionReason, forKey: .decisionReason)
        try container.encode(categoryBasis, forKey: .categoryBasis)
        try container.encode(modelVersion, forKey: .modelVersion)
        try container.encode(uncertain, forKey: .uncertain)
    }
}
