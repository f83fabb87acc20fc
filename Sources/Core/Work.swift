import Foundation

/// One item as the pipeline carries it between stages: what the next stage needs, nothing more.
public struct WorkItem: Sendable, Equatable {
    public var id: Int64
    public var state: ItemState
    public var url: String?
    public var note: String?
    public var volunteer: String
    public var capture: Capture?
    public var page: Page?
    /// Keys by which this item's URL is known (submitted, final, canonical), set by the dedup stage.
    public var urlKeys: [String]
    /// When the volunteer submitted it: the earliest submission of a story is its cluster's root.
    public var submittedAt: Date

    public init(id: Int64, state: ItemState, url: String?, note: String?, volunteer: String,
                capture: Capture? = nil, page: Page? = nil, urlKeys: [String] = [],
                submittedAt: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.state = state
        self.url = url
        self.note = note
        self.volunteer = volunteer
        self.capture = capture
        self.page = page
        self.urlKeys = urlKeys
        self.submittedAt = submittedAt
    }
}

/// What a stage decided for one item: the state it moves to and what to store with it.
public struct StageOutcome: Sendable {
    public var itemID: Int64
    public var from: ItemState
    public var to: ItemState
    public var stage: Stage
    /// With its body in `storedBody` once `compressBody()` ran (the body is then empty here).
    public var capture: Capture?
    /// The capture's body compressed, by the worker that made the outcome rather than by the one thread that
    /// writes: an outcome waiting for the writer holds a fifth of the page.
    public var storedBody: StoredBody?
    public var page: Page?
    public var classification: Classification?
    public var problem: Problem?
    public var canonicalURL: String?

    public init(itemID: Int64, from: ItemState, to: ItemState, stage: Stage, capture: Capture? = nil,
                page: Page? = nil, classification: Classification? = nil, problem: Problem? = nil,
                canonicalURL: String? = nil) {
        self.itemID = itemID
        self.from = from
        self.to = to
        self.stage = stage
        self.capture = capture
        self.page = page
        self.classification = classification
        self.problem = problem
        self.canonicalURL = canonicalURL
    }

    /// Moves the capture's body into `storedBody`, compressed. On failure (zstd could not allocate) the body
    /// stays as it is and the writer compresses it, reporting the failure there.
    public mutating func compressBody() {
        guard storedBody == nil, var capture, let stored = try? StoredBody(compressing: capture.body) else { return }
        storedBody = stored
        capture.body = Data()
        self.capture = capture
    }
}

/// An item already stored that a new one may duplicate.
public struct DedupCandidate: Sendable, Equatable {
    /// The root of the cluster the matching item belongs to.
    public var itemID: Int64
    public var state: ItemState
    /// For URL matches, the key both share; for content, the stored fingerprint as JSON.
    public var key: String
    public var text: String?
    /// When the root was submitted, for `ClusterOrder`.
    public var submittedAt: Date

    public init(itemID: Int64, state: ItemState, key: String, text: String? = nil, submittedAt: Date) {
        self.itemID = itemID
        self.state = state
        self.key = key
        self.text = text
        self.submittedAt = submittedAt
    }
}

/// What the store found for a dedup lookup, all history included.
public struct DedupCandidates: Sendable {
    public var byURL: [DedupCandidate]
    public var byExactContent: [DedupCandidate]
    public var byFingerprintBand: [DedupCandidate]
    public init(byURL: [DedupCandidate], byExactContent: [DedupCandidate], byFingerprintBand: [DedupCandidate]) {
        self.byURL = byURL
        self.byExactContent = byExactContent
        self.byFingerprintBand = byFingerprintBand
    }
}

/// The keys a new item is indexed under, so later items can find it.
public struct DedupKeys: Sendable, Equatable {
    public var urlKeys: [String]
    public var exactContentHash: String?
    /// The content fingerprint, stored as JSON for later comparison.
    public var fingerprint: String?
    public var bandKeys: [Int64]
    public init(urlKeys: [String], exactContentHash: String?, fingerprint: String?, bandKeys: [Int64]) {
        self.urlKeys = urlKeys
        self.exactContentHash = exactContentHash
        self.fingerprint = fingerprint
        self.bandKeys = bandKeys
    }
}

/// One item for the dedup index: the item, the keys it is known by, and its canonical URL as shown to people
/// (nil: the first URL key).
public struct DedupRequest: Sendable {
    public var item: WorkItem
    public var keys: DedupKeys
    public var canonicalURL: String?

    public init(item: WorkItem, keys: DedupKeys, canonicalURL: String?) {
        self.item = item
        self.keys = keys
        self.canonicalURL = canonicalURL
    }
}

/// The dedup stage's verdict on one item.
public struct DedupVerdict: Sendable, Equatable, Codable {
    public var duplicateOf: Int64?
    /// `url`, `exact`, `near` or `note`.
    public var kind: String?
    /// Why: the shared key, or the fingerprint distance.
    public var evidence: String?
    public init(duplicateOf: Int64?, kind: String?, evidence: String?) {
        self.duplicateOf = duplicateOf
        self.kind = kind
        self.evidence = evidence
    }
    public static let unique = DedupVerdict(duplicateOf: nil, kind: nil, evidence: nil)
}

/// What the dedup stage did with one item: the state it took (`duplicate`, or `deduplicated` to go on to
/// classify), the verdict, and the root it replaced when it was the earlier report of a known story.
public struct DedupOutcome: Sendable, Equatable {
    public var state: ItemState
    public var verdict: DedupVerdict
    public var replacedRoot: Int64?

    public init(state: ItemState, verdict: DedupVerdict, replacedRoot: Int64? = nil) {
        self.state = state
        self.verdict = verdict
        self.replacedRoot = replacedRoot
    }
}

/// What past decisions say about an item's reporters, for ordering the review queue.
public struct ReporterSignals: Sendable, Equatable {
    /// Decisions on earlier items of the submitting volunteer.
    public var volunteerApproved: Int
    public var volunteerDecided: Int
    /// Distinct volunteers who reported this item's cluster.
    public var reporters: Int
    public init(volunteerApproved: Int, volunteerDecided: Int, reporters: Int) {
        self.volunteerApproved = volunteerApproved
        self.volunteerDecided = volunteerDecided
        self.reporters = reporters
    }
}

/// A trained classifier as stored: the serialized model with when and on how many decisions it was trained,
/// and its version (the digest every classification it makes records; nil for models stored before
/// versions were kept).
public struct StoredModel: Sendable, Equatable {
    public var body: Data
    public var trainedAt: Date
    public var examples: Int
    public var version: String?
    public init(body: Data, trainedAt: Date, examples: Int, version: String? = nil) {
        self.body = body
        self.trainedAt = trainedAt
        self.examples = examples
        self.version = version
    }
}
