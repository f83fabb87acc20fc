import SluiceCore

/// One volunteer's report of an item: who found it, what they wrote, when.
public struct VolunteerReport: Sendable, Equatable {
    public var volunteer: String
    public var note: String?
    /// As the store keeps it (ISO 8601); shown as given.
    public var submittedAt: String

    public init(volunteer: String, note: String?, submittedAt: String) {
        self.volunteer = volunteer
        self.note = note
        self.submittedAt = submittedAt
    }
}

/// Everything the review screen shows for one item. Every string comes from volunteers or web pages and is
/// untrusted: the screen passes each one through `TerminalText` before it reaches a terminal.
public struct ReviewCard: Sendable, Equatable {
    public var id: Int64
    /// The item's version when this card was read; decisions send it back so a stale view is refused.
    public var version: Int
    public var state: String
    public var title: String?
    public var site: String?
    public var url: String?
    public var canonicalURL: String?
    /// The first finder first.
    public var reports: [VolunteerReport]
    public var category: String?
    public var categorySource: String?
    public var matchedTerms: [String]
    public var flags: [RiskFlag]
    public var pApprove: Double?
    /// P(approve) is in the band where the model is unsure: the moderator's call.
    public var uncertain: Bool
    /// What decided the category (a rule, an override rule or the model) and why.
    public var basis: CategoryBasis?
    public var priority: Double
    public var excerpt: String?
    /// Fetch and parse problems, one message each.
    public var problems: [String]
    /// How many items share this item's duplicate cluster, itself included.
    public var clusterSize: Int
    /// What moderators decided earlier on items from the same site or volunteer, one line each.
    public var history: [String]

    public init(id: Int64, version: Int, state: String, title: String? = nil, site: String? = nil,
                url: String? = nil, canonicalURL: String? = nil, reports: [VolunteerReport] = [],
                category: String? = nil, categorySource: String? = nil, matchedTerms: [String] = [],
                flags: [RiskFlag] = [], pApprove: Double? = nil, uncertain: Bool = false, basis: CategoryBasis? = nil,
                priority: Double = 0, excerpt: String? = nil, problems: [String] = [], clusterSize: Int = 1,
                history: [String] = []) {
        self.id = id
        self.version = version
        self.state = state
        self.title = title
        self.site = site
        self.url = url
        self.canonicalURL = canonicalURL
        self.reports = reports
        self.category = category
        self.categorySource = categorySource
        self.matchedTerms = matchedTerms
        self.flags = flags
        self.pApprove = pApprove
        self.uncertain = uncertain
        self.basis = basis
        self.priority = priority
        self.excerpt = excerpt
        self.problems = problems
        self.clusterSize = clusterSize
        self.history = history
    }
}

/// The preset reasons for a rejection, in the order of their keys `1`…`6`.
public enum RejectReason: String, CaseIterable, Sendable {
    case duplicate
    case hypeScam = "hype_scam"
    case offTopic = "off_topic"
    case lowQuality = "low_quality"
    case deadLink = "dead_link"
    case other

    /// The reason picked by key `1`…`6`, or nil for any other number.
    public init?(key: Int) {
        guard (1...RejectReason.allCases.count).contains(key) else { return nil }
        self = RejectReason.allCases[key - 1]
    }

    public var key: Int { (RejectReason.allCases.firstIndex(of: self) ?? 0) + 1 }

    /// What the screen and the history lines call it, in English (the screen translates it).
    public var label: String {
        switch self {
        case .duplicate: "duplicate"
        case .hypeScam: "hype/scam"
        case .offTopic: "off-topic"
        case .lowQuality: "low quality"
        case .deadLink: "dead link"
        case .other: "other"
        }
    }
}

/// The fields a moderator may edit on an item.
public enum EditField: String, CaseIterable, Sendable {
    case category, title, summary
}

/// One moderator command, whether it came from a key or from a line of stdin.
public enum ReviewAction: Sendable, Equatable {
    case approve
    case reject(RejectReason, text: String?)
    case edit(field: EditField, value: String)
    case skip, undo, view, next, previous, help, quit
}

/// What the store answers to a saved decision; kept by the session so `undo` can name it.
public struct DecisionReceipt: Sendable, Equatable {
    public var itemID: Int64
    public var decisionID: Int64
    public var newVersion: Int

    public init(itemID: Int64, decisionID: Int64, newVersion: Int) {
        self.itemID = itemID
        self.decisionID = decisionID
        self.newVersion = newVersion
    }
}

/// Why the store refused a review operation. Every case names the item.
public enum ReviewBackendError: Error, Equatable {
    case claimedByOther(itemID: Int64, moderator: String, until: String)
    case staleView(itemID: Int64, message: String)
    case notReviewable(itemID: Int64, state: String)
    case notFound(Int64)
    case nothingToUndo
    /// An edit the store cannot take, such as a category the column does not have.
    case invalidEdit(itemID: Int64, message: String)
}

extension ReviewBackendError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .claimedByOther(let itemID, let moderator, let until):
            "item \(itemID) is being reviewed by \(moderator) until \(until)"
        case .staleView(let itemID, let message):
            "item \(itemID) changed since it was shown (\(message)): look again and decide anew"
        case .notReviewable(let itemID, let state):
            "item \(itemID) cannot be reviewed in state \(state)"
        case .notFound(let itemID):
            "item \(itemID) does not exist"
        case .nothingToUndo:
            "nothing to undo"
        case .invalidEdit(let itemID, let message):
            "item \(itemID): \(message)"
        }
    }
}

/// The store side of reviewing (SQLite now, PostgreSQL later). All methods may throw `ReviewBackendError`;
/// any other error is shown to the moderator as it describes itself.
public protocol ReviewBackend: Sendable {
    /// Reviewable items in priority order, leaving out items another moderator has claimed.
    func nextCards(moderator: String, limit: Int) throws -> [ReviewCard]
    /// Claims the item for a few minutes, or throws `claimedByOther`.
    func claim(itemID: Int64, moderator: String) throws
    /// Gives up this moderator's claim (after a skip, or when the session ends) so others get the item at once.
    func release(itemID: Int64, moderator: String) throws
    func approve(itemID: Int64, version: Int, moderator: String) throws -> DecisionReceipt
    func reject(itemID: Int64, version: Int, moderator: String, reason: RejectReason, text: String?) throws
        -> DecisionReceipt
    func edit(itemID: Int64, version: Int, moderator: String, field: EditField, value: String) throws
        -> DecisionReceipt
    func undo(_ receipt: DecisionReceipt, moderator: String) throws
    func fullText(itemID: Int64) throws -> String
    func categories() -> [String]
}

/// What one review session did, counted per kind of decision.
public struct ReviewSummary: Sendable, Codable, Equatable {
    public var approved: Int
    public var rejected: Int
    public var edited: Int
    public var skipped: Int
    public var undone: Int

    public init(approved: Int = 0, rejected: Int = 0, edited: Int = 0, skipped: Int = 0, undone: Int = 0) {
        self.approved = approved
        self.rejected = rejected
        self.edited = edited
        self.skipped = skipped
        self.undone = undone
    }
}
