import Foundation

// The values the store contracts take and give. They carry no database type: every store implementation
// (SQLite, PostgreSQL) answers in these, and every front end (CLI, service, web) reads them.

/// What the store did with a submission.
public struct SubmitReceipt: Sendable, Equatable {
    public var itemID: Int64
    /// False when the same volunteer had already sent the same URL and note: nothing new was stored.
    public var created: Bool
    /// The cluster root already known under one of the submission's URL keys, if any.
    public var known: KnownItem?
    /// True when the submission was filed at once as a report of `known` (a duplicate of it) instead of
    /// being fetched again.
    public var recordedAsReport: Bool
    /// True when an idempotency key had been used for this item already: this is a retry, nothing was stored.
    public var replayed: Bool

    public init(itemID: Int64, created: Bool, known: KnownItem?, recordedAsReport: Bool, replayed: Bool = false) {
        self.itemID = itemID
        self.created = created
        self.known = known
        self.recordedAsReport = recordedAsReport
        self.replayed = replayed
    }
}

/// A client's idempotency key for one submission: the key's SHA-256 (keys are stored hashed, like tokens)
/// and the SHA-256 of the request it was first used with, so the same key with other content is told apart
/// from a retry.
public struct IdempotencyKey: Sendable, Equatable {
    public var keySHA256: String
    public var requestSHA256: String

    public init(keySHA256: String, requestSHA256: String) {
        self.keySHA256 = keySHA256
        self.requestSHA256 = requestSHA256
    }
}

/// A volunteer's invitation to the web intake.
public struct Invitation: Sendable, Equatable {
    public var id: Int64
    public var volunteer: String
    public var tokenSHA256: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: Int64, volunteer: String, tokenSHA256: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.volunteer = volunteer
        self.tokenSHA256 = tokenSHA256
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// An item already known under some URL key, for telling a volunteer at once.
public struct KnownItem: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    public var updatedAt: Date
    /// The key the submission shares with it.
    public var key: String

    public init(id: Int64, state: ItemState, updatedAt: Date, key: String) {
        self.id = id
        self.state = state
        self.updatedAt = updatedAt
        self.key = key
    }
}

/// A moderator's decision on one item.
public enum Decision: Sendable, Equatable {
    case approve(category: String?, title: String?)
    case reject(reason: String, text: String?)

    public var target: ItemState {
        switch self {
        case .approve: .approved
        case .reject: .rejected
        }
    }

    public var action: String {
        switch self {
        case .approve: "approve"
        case .reject: "reject"
        }
    }
}

/// A decision as stored in the audit log.
public struct DecisionEntry: Sendable, Equatable, Encodable {
    public var id: Int64
    public var itemID: Int64
    public var moderator: String
    public var action: String
    public var reason: String?
    public var detail: String?
    public var fromState: String
    public var toState: String
    public var at: Date

    public init(id: Int64, itemID: Int64, moderator: String, action: String, reason: String?, detail: String?,
                fromState: String, toState: String, at: Date) {
        self.id = id
        self.itemID = itemID
        self.moderator = moderator
        self.action = action
        self.reason = reason
        self.detail = detail
        self.fromState = fromState
        self.toState = toState
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case id, moderator, action, reason, detail, at
        case itemID = "item_id"
        case fromState = "from_state"
        case toState = "to_state"
    }
}

/// What a decision expects the item to be: the state and version the moderator (or a bulk selection) saw.
/// A decision whose item has moved on is refused, never applied over someone else's.
public struct ExpectedItem: Sendable, Equatable {
    public var version: Int?
    public var state: ItemState?

    public init(version: Int? = nil, state: ItemState? = nil) {
        self.version = version
        self.state = state
    }
}

/// What a moderator may edit on an item before deciding.
public enum EditableField: String, Sendable, CaseIterable {
    case category, title, summary
}

/// What an edit left: the audit entry and the item's new version.
public struct EditReceipt: Sendable, Equatable {
    public var entry: DecisionEntry
    public var version: Int

    public init(entry: DecisionEntry, version: Int) {
        self.entry = entry
        self.version = version
    }
}

/// What `review unlink` did: the item left the cluster of `root` and is now in `state`.
public struct UnlinkOutcome: Sendable, Equatable, Encodable {
    public var itemID: Int64
    public var root: Int64
    public var state: ItemState
    public var decisionID: Int64

    public init(itemID: Int64, root: Int64, state: ItemState, decisionID: Int64) {
        self.itemID = itemID
        self.root = root
        self.state = state
        self.decisionID = decisionID
    }

    enum CodingKeys: String, CodingKey {
        case root, state
        case itemID = "id"
        case decisionID = "decision_id"
    }
}

/// One side of a duplicate pair, for `why-dup`: every URL the item is known by and its text.
public struct DedupSide: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    /// The submitted URL, the redirect chain, where the fetch ended and the page's declared canonical URL,
    /// in that order, without repeats.
    public var urls: [String]
    public var weChat: WeChatIdentity?
    /// The URL keys stored for the item.
    public var urlKeys: [String]
    /// The page's main text, or the note of note-only intel.
    public var text: String?

    public init(id: Int64, state: ItemState, urls: [String], weChat: WeChatIdentity?, urlKeys: [String], text: String?) {
        self.id = id
        self.state = state
        self.urls = urls
        self.weChat = weChat
        self.urlKeys = urlKeys
        self.text = text
    }
}

/// A duplicate and the first item of its cluster, with the stored verdict.
public struct DedupPair: Sendable, Equatable {
    public var item: DedupSide
    public var root: DedupSide
    public var kind: String?
    public var evidence: String?

    public init(item: DedupSide, root: DedupSide, kind: String?, evidence: String?) {
        self.item = item
        self.root = root
        self.kind = kind
        self.evidence = evidence
    }
}

/// One entry of the publication ledger: an item appears in exactly one month's column.
public struct Publication: Sendable, Equatable {
    public var itemID: Int64
    public var month: String
    public var publishedAt: Date
    public var slug: String?
    public var path: String?
    public var evidenceSHA256: String?
    public var evidenceText: String?
    public var capturedAt: Date?
    public var retractedAt: Date?
    public var retractReason: String?

    public init(itemID: Int64, month: String, publishedAt: Date, slug: String?, path: String?, evidenceSHA256: String?,
                evidenceText: String?, capturedAt: Date?, retractedAt: Date? = nil, retractReason: String? = nil) {
        self.itemID = itemID
        self.month = month
        self.publishedAt = publishedAt
        self.slug = slug
        self.path = path
        self.evidenceSHA256 = evidenceSHA256
        self.evidenceText = evidenceText
        self.capturedAt = capturedAt
        self.retractedAt = retractedAt
        self.retractReason = retractReason
    }
}

/// A published item with its ledger entry, as a month's column lists it.
public struct PublishedItem: Sendable, Equatable {
    public var record: ItemRecord
    public var publication: Publication

    public init(record: ItemRecord, publication: Publication) {
        self.record = record
        self.publication = publication
    }
}

/// The month's figures for the column header.
public struct MonthFigures: Sendable, Equatable {
    public var submissions: Int
    public var volunteers: Int
    public var approved: Int
    public var rejectedByReason: [String: Int]
    public var duplicatesMerged: Int

    public init(submissions: Int, volunteers: Int, approved: Int, rejectedByReason: [String: Int], duplicatesMerged: Int) {
        self.submissions = submissions
        self.volunteers = volunteers
        self.approved = approved
        self.rejectedByReason = rejectedByReason
        self.duplicatesMerged = duplicatesMerged
    }
}

/// One volunteer's contributions (`sluice volunteers`). A report of a story someone else found first counts
/// with the state of that story.
public struct VolunteerStats: Sendable, Equatable, Encodable {
    public var name: String
    public var submissions: Int
    /// Approved or published.
    public var accepted: Int
    public var rejected: Int
    /// Failed to fetch or parse.
    public var failed: Int
    /// Still in the pipeline or the review queue.
    public var pending: Int
    /// Accepted among the decided (accepted + rejected); nil before any decision.
    public var acceptanceRate: Double?
    /// Category ids of the accepted items, most frequent first (ties by id), at most three.
    public var tags: [String]

    public init(name: String, submissions: Int = 0, accepted: Int = 0, rejected: Int = 0, failed: Int = 0,
                pending: Int = 0, acceptanceRate: Double? = nil, tags: [String] = []) {
        self.name = name
        self.submissions = submissions
        self.accepted = accepted
        self.rejected = rejected
        self.failed = failed
        self.pending = pending
        self.acceptanceRate = acceptanceRate
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case name, submissions, accepted, rejected, failed, pending, tags
        case acceptanceRate = "acceptance_rate"
    }

    /// Every field always present: a rate not yet known is `null`, not a missing key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(submissions, forKey: .submissions)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(failed, forKey: .failed)
        try container.encode(pending, forKey: .pending)
        try container.encode(acceptanceRate, forKey: .acceptanceRate)
        try container.encode(tags, forKey: .tags)
    }
}

/// One submission as the volunteer tally reads it: who, and the state and category of the story it reports
/// (the cluster root's for a duplicate).
public struct VolunteerContribution: Sendable, Equatable {
    public var volunteer: String
    public var state: ItemState?
    public var category: String?

    public init(volunteer: String, state: ItemState?, category: String?) {
        self.volunteer = volunteer
        self.state = state
        self.category = category
    }
}

/// One submission of a volunteer and where its item stands, for `sluice volunteer status`.
public struct VolunteerSubmission: Sendable, Equatable {
    public var itemID: Int64
    public var url: String?
    public var note: String?
    public var title: String?
    public var submittedAt: Date
    public var state: ItemState
    public var duplicateOf: Int64?
    /// The state of the first item of the cluster, for a duplicate.
    public var rootState: ItemState?
    public var decisionReason: String?
    /// The moderator's own words on the last rejection, if any.
    public var decisionText: String?
    public var problem: Problem?
    /// The month of the column the story (the item, or its cluster's first item) is published in, if it is.
    public var publishedMonth: String?

    public init(itemID: Int64, url: String?, note: String?, title: String?, submittedAt: Date, state: ItemState,
                duplicateOf: Int64?, rootState: ItemState?, decisionReason: String?, decisionText: String?,
                problem: Problem?, publishedMonth: String? = nil) {
        self.publishedMonth = publishedMonth
        self.itemID = itemID
        self.url = url
        self.note = note
        self.title = title
        self.submittedAt = submittedAt
        self.state = state
        self.duplicateOf = duplicateOf
        self.rootState = rootState
        self.decisionReason = decisionReason
        self.decisionText = decisionText
        self.problem = problem
    }
}

/// A stored item as the classify stage reads it: the text it classifies, what it was given last and, for
/// decided items, the moderators' verdict.
public struct ClassifiableItem: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    public var version: Int
    /// The page's own title (a moderator's edit of the item title is not classifier input).
    public var title: String?
    public var mainText: String
    public var note: String?
    public var url: String?
    public var site: String?
    /// The category now on the item, and who set it.
    public var category: String?
    public var categorySource: CategorySource?
    /// The last stored classification; nil before the classify stage ran.
    public var classification: Classification?

    public init(id: Int64, state: ItemState, version: Int, title: String?, mainText: String, note: String?,
                url: String?, site: String?, category: String?, categorySource: CategorySource?,
                classification: Classification?) {
        self.id = id
        self.state = state
        self.version = version
        self.title = title
        self.mainText = mainText
        self.note = note
        self.url = url
        self.site = site
        self.category = category
        self.categorySource = categorySource
        self.classification = classification
    }
}

/// A new classification for a pending item, written by `reclassify` only if the item is still at `version`.
public struct Reclassification: Sendable {
    public var itemID: Int64
    public var version: Int
    public var classification: Classification
    /// Why, for the transition record (rules version, what changed).
    public var detail: String

    public init(itemID: Int64, version: Int, classification: Classification, detail: String) {
        self.itemID = itemID
        self.version = version
        self.classification = classification
        self.detail = detail
    }
}

/// A trained model as listed by `models()`.
public struct StoredModelInfo: Sendable, Equatable {
    public var id: Int64
    public var trainedAt: Date
    public var examples: Int
    public var bytes: Int
    /// As in `StoredModel.version`.
    public var version: String?

    public init(id: Int64, trainedAt: Date, examples: Int, bytes: Int, version: String? = nil) {
        self.id = id
        self.trainedAt = trainedAt
        self.examples = examples
        self.bytes = bytes
        self.version = version
    }
}

/// What moderators decided earlier on a set of items (one site's, one volunteer's), for the review card.
public struct DecisionTally: Sendable, Equatable {
    public var approved: Int
    /// Rejections by reason (`other` when none was given).
    public var rejectedByReason: [String: Int]

    public init(approved: Int = 0, rejectedByReason: [String: Int] = [:]) {
        self.approved = approved
        self.rejectedByReason = rejectedByReason
    }

    public var rejected: Int { rejectedByReason.values.reduce(0, +) }
    public var isEmpty: Bool { approved == 0 && rejected == 0 }
}

/// Counts per state and the most common failures per stage, for `sluice status`.
public struct StatusReport: Sendable, Equatable, Encodable {
    public struct FailureCount: Sendable, Equatable, Encodable {
        public var stage: String
        public var code: String
        public var count: Int
        public var example: String

        public init(stage: String, code: String, count: Int, example: String) {
            self.stage = stage
            self.code = code
            self.count = count
            self.example = example
        }
    }

    public var states: [String: Int]
    public var failures: [FailureCount]
    /// Problems on items that still reached review (captcha, not_html, …), by code.
    public var reviewableProblems: [String: Int]
    /// Duplicates by the state of the item they duplicate (e.g. `rejected`: resubmitted known scams).
    public var duplicatesByRootState: [String: Int]
    public var total: Int

    public init(states: [String: Int], failures: [FailureCount], reviewableProblems: [String: Int],
                duplicatesByRootState: [String: Int], total: Int) {
        self.states = states
        self.failures = failures
        self.reviewableProblems = reviewableProblems
        self.duplicatesByRootState = duplicatesByRootState
        self.total = total
    }

    enum CodingKeys: String, CodingKey {
        case states, failures, total
        case reviewableProblems = "reviewable_problems"
        case duplicatesByRootState = "duplicates_by_root_state"
    }
}

/// What the store holds to freeze evidence from when an item is approved: the page's text, or the note of
/// intel without a page, and when it was captured.
public struct EvidenceSource: Sendable, Equatable {
    public var itemID: Int64
    public var version: Int
    public var state: ItemState
    public var title: String?
    public var mainText: String?
    public var note: String?
    public var description: String?
    /// The capture's date, or the submission's when nothing was fetched.
    public var capturedAt: Date

    public init(itemID: Int64, version: Int, state: ItemState, title: String?, mainText: String?, note: String?,
                description: String?, capturedAt: Date) {
        self.itemID = itemID
        self.version = version
        self.state = state
        self.title = title
        self.mainText = mainText
        self.note = note
        self.description = description
        self.capturedAt = capturedAt
    }

    /// The text the evidence keeps: the page's extracted text, else the note, else the description.
    public var text: String {
        [mainText, note, description].compactMap { $0 }.first { !$0.isEmpty } ?? ""
    }
}
