import Foundation

// The store contracts, one protocol per role. Every front end (the CLI, the service, the web intake) and
// every stage depends on these only; SQLite and PostgreSQL implement them (module SluiceStore), and one
// conformance suite holds both to the same answers.
//
// Shared rules for every method: each is one transaction; a write whose item has moved on (another worker,
// another moderator) is refused or skipped as the method says, never applied over the newer state; times
// that several hosts compare (leases, review claims) are the database server's, other dates are the
// caller's (`at now:`), so use cases can be driven by a `TimeSource`.

/// Submissions coming in: the volunteer's report is durable when `submit` returns.
public protocol IntakeStore: Sendable {
    /// Stores a validated submission once per (volunteer, URL, note). `urlKeys` are the canonical keys of its
    /// URL: when one of them is already known, the new item is filed at once as a report of the known
    /// story (a duplicate of its root, credited to the volunteer) unless `refetchKnown`, in which case it
    /// goes through the pipeline like any other.
    func submit(_ submission: Submission, urlKeys: [String], refetchKnown: Bool, at now: Date) throws -> SubmitReceipt
    /// The cluster root known under any of these URL keys, if any.
    func knownItem(urlKeys: [String]) throws -> KnownItem?
    /// `submit` under a key the volunteer's client chose (a web form's hidden field, an API's
    /// `Idempotency-Key`): the key is stored with the item in the same transaction, so a retry (after a lost
    /// answer, a double tap or a crash) finds the item instead of storing another, and gets `replayed`.
    /// A key used before with another request is refused with `StoreError.idempotencyKeyReused`.
    func submit(_ submission: Submission, urlKeys: [String], refetchKnown: Bool, idempotency: IdempotencyKey,
                at now: Date) throws -> SubmitReceipt
    /// `submit` for each entry in order, all in one transaction: an import's lines, durable together when it
    /// returns (one commit and one sync for the batch instead of one per line, whose pages of `items`,
    /// `submissions` and their indexes were written again and again). Each entry sees the earlier ones, as if
    /// submitted one by one; nothing of the batch is stored when it throws.
    func submit(_ entries: [SubmissionEntry], refetchKnown: Bool) throws -> [SubmitReceipt]
}

/// One submission of a batch (`IntakeStore.submit(_:refetchKnown:)`): its URL's keys and the time it counts from.
public struct SubmissionEntry: Sendable {
    public var submission: Submission
    public var urlKeys: [String]
    public var at: Date

    public init(_ submission: Submission, urlKeys: [String], at: Date) {
        self.submission = submission
        self.urlKeys = urlKeys
        self.at = at
    }
}

/// Invitations to the web intake, one live per volunteer: only the SHA-256 of a token is kept, so a copy of
/// the store lets nobody submit as a volunteer.
public protocol InvitationStore: Sendable {
    /// Records a new invitation for `volunteer`, ending the live one they had (one link per person).
    @discardableResult
    func invite(volunteer: String, tokenSHA256: String, at now: Date) throws -> Invitation
    /// Ends the volunteer's live invitation; the number ended (0 when they had none).
    func revokeInvitations(volunteer: String, at now: Date) throws -> Int
    /// The live invitation whose token has this SHA-256, nil when none (never issued, or revoked).
    func invitation(tokenSHA256: String) throws -> Invitation?
}

/// Work for the pipeline's stages: leased claims and the stages' results.
public protocol PipelineStore: Sendable {
    /// Takes up to `limit` items in `state` that no live lease holds, leasing them to `owner` for
    /// `leaseSeconds` of the server's time. Two claimers (threads, processes, hosts) never get the same item.
    func claim(state: ItemState, limit: Int, owner: String, leaseSeconds: Double) throws -> [WorkItem]
    /// Applies stage outcomes in one transaction. An outcome whose item is no longer in `from` is skipped
    /// (returned), never applied blindly. Items moving on to another pipeline state stay leased to `owner`
    /// for `leaseSeconds` more: the run carries them in memory to the next stage.
    @discardableResult
    func commit(_ outcomes: [StageOutcome], owner: String, leaseSeconds: Double, at now: Date) throws -> [StageOutcome]
    /// Owners holding live leases, so a new run can free those of processes that died.
    func leaseOwners() throws -> [String]
    /// Returns items leased by `owner` to the pool (an interrupted or dead run).
    func releaseLeases(owner: String) throws
    /// The number of items in each state.
    func pendingCounts() throws -> [ItemState: Int]
    /// Calls `wake` (on a thread of the store's) whenever other connections may have made work claimable,
    /// so idle workers wait instead of polling; nil when the store cannot tell (then callers back off).
    func listenForWork(_ wake: @escaping @Sendable () -> Void) throws -> (any WorkListener)?
    /// How the item's reporters have fared before, for ordering the review queue.
    func reporterSignals(itemID: Int64) throws -> ReporterSignals
    /// Whether the item shares a near-duplicate band with an item moderators rejected (it then sinks in the queue).
    func sharesContentWithRejected(itemID: Int64) throws -> Bool
}

/// A subscription to `listenForWork`; `cancel` ends it and waits for its thread.
public protocol WorkListener: Sendable {
    func cancel()
}

/// The dedup stage's index of URL keys, content hashes and fingerprint bands.
public protocol DedupIndex: Sendable {
    /// For each request in order: looks up every stored item sharing a key (the batch's earlier items
    /// included), records the item's keys, its canonical URL (as shown to people) and the verdict `decide`
    /// returns. The whole batch is one transaction, serialized against every other `deduplicate` on the store,
    /// so two items of one cluster can never both be first. Candidates are cluster roots, each with the
    /// root's own fingerprint. When a verdict joins a cluster whose root was submitted after the item
    /// (`ClusterOrder`) and is not yet decided, the item becomes the root instead and the re-rooting is
    /// recorded in the audit log. One outcome per request, in order.
    func deduplicate(_ requests: [DedupRequest], owner: String, leaseSeconds: Double, at now: Date,
                     decide: (DedupRequest, DedupCandidates) -> DedupVerdict) throws -> [DedupOutcome]
    /// A fetch that failed, of a link already known under `urlKeys`, still counts: the item becomes a report
    /// (a duplicate) of the known story, credited to its volunteer. Otherwise `outcome` (to `failed`) is
    /// applied. Returns the state the item took, nil when it had moved on meanwhile.
    func settleFailedFetch(_ outcome: StageOutcome, urlKeys: [String], owner: String, at now: Date) throws -> ItemState?
    /// The version (URL rules and fingerprint options) the stored keys were made with; nil before any.
    func dedupKeysVersion() throws -> String?
    /// Recomputes the keys of every item that has been through dedup when they were made under another
    /// `version` (or always, with `force`) and records `version`; the number re-keyed, nil when current.
    @discardableResult
    func rekey(version: String, force: Bool, keys: (WorkItem) -> DedupKeys) throws -> Int?
    /// A duplicate and its cluster's first item, for explaining the verdict; nil when the item is not linked.
    func dedupPair(itemID: Int64) throws -> DedupPair?
}

extension DedupIndex {
    /// `deduplicate` for one item alone.
    public func deduplicate(_ item: WorkItem, keys: DedupKeys, canonicalURL: String?, owner: String, leaseSeconds: Double,
                            at now: Date, decide: (DedupCandidates) -> DedupVerdict) throws -> DedupOutcome {
        let request = DedupRequest(item: item, keys: keys, canonicalURL: canonicalURL)
        let outcomes = try deduplicate([request], owner: owner, leaseSeconds: leaseSeconds, at: now) { decide($1) }
        guard let outcome = outcomes.first else { throw StoreError.notFound(itemID: item.id) }
        return outcome
    }
}

/// The review queue, the moderators' decisions and the audit log.
public protocol ReviewStore: Sendable {
    /// Items in `state` (all when nil). With `after`, those with a greater id, by id: stable, so the last id of
    /// one page is the `after` of the next, and 0 starts at the first item. Without it, by id too, except
    /// `pending_review`, which comes in the review queue's order (highest priority first), not pageable.
    func records(state: ItemState?, limit: Int?, after: Int64?) throws -> [ItemRecord]
    func record(id: Int64) throws -> ItemRecord?
    func page(itemID: Int64) throws -> Page?
    /// The latest capture of an item, body included.
    func capture(itemID: Int64) throws -> Capture?
    /// Pending items by priority for one moderator, leaving out those other moderators hold live claims on.
    func reviewQueue(moderator: String, limit: Int) throws -> [ItemRecord]
    /// Claims a pending item for `moderator` for `seconds` of the server's time; refused while another
    /// moderator's claim is live or once the item has left the queue.
    func claimForReview(itemID: Int64, moderator: String, seconds: Double) throws
    func releaseClaim(itemID: Int64, moderator: String) throws
    /// What an approval freezes as evidence, read at the version the approval will expect.
    func evidenceSource(itemID: Int64) throws -> EvidenceSource
    /// Records a decision and its audit entry; an approval stores `evidence` in the same transaction.
    /// Refused when the item is not reviewable, another moderator holds a live claim, or it is no longer
    /// as `expected` (then `decidedByOther` names who decided it, or `staleVersion`).
    @discardableResult
    func decide(itemID: Int64, _ decision: Decision, moderator: String, expected: ExpectedItem,
                evidence: FrozenEvidence?, at now: Date) throws -> DecisionEntry
    /// Edits a field of a reviewable item, version-checked and audited.
    func edit(itemID: Int64, field: EditableField, value: String, moderator: String, expectedVersion: Int,
              at now: Date) throws -> EditReceipt
    /// Reverts one of this moderator's decisions or edits; audited; the item's new version.
    func undo(decisionID: Int64, moderator: String, expectedVersion: Int?, at now: Date) throws -> Int
    /// Takes a wrongly clustered item out of its cluster (audited); it is never matched to that root again.
    func unlink(itemID: Int64, moderator: String, at now: Date) throws -> UnlinkOutcome
    /// The audit log, oldest first.
    func decisions(moderator: String?, since: Date?) throws -> [DecisionEntry]
    /// The newest decision on an item, if any.
    func lastDecision(itemID: Int64) throws -> DecisionEntry?
    /// Earlier decisions on items of the same site and of the same volunteer, leaving out `itemID`.
    func decisionTallies(site: String?, volunteer: String, excluding itemID: Int64) throws
        -> (site: DecisionTally, volunteer: DecisionTally)
}

extension ReviewStore {
    /// Items in `state` (all when nil) with ids greater than `after`, by id, at most `limit` of them, handed to
    /// `body` a page of at most `pageSize` at a time: memory holds one page however long the list. Each page is
    /// its own read, so no item comes twice, and one that changes state meanwhile is listed or not by its
    /// state when its page is read. Returns the last id handed over when `limit` left items unlisted (the
    /// `after` that continues the list), else nil.
    @discardableResult
    public func forEachPage(state: ItemState?, after: Int64 = 0, limit: Int? = nil, pageSize: Int = 500,
                            _ body: ([ItemRecord]) throws -> Void) throws -> Int64? {
        var cursor = after
        var left = limit
        while left.map({ $0 > 0 }) ?? true {
            let wanted = min(pageSize, left ?? pageSize)
            let page = try records(state: state, limit: wanted, after: cursor)
            guard let last = page.last else { return nil }
            try body(page)
            guard page.count == wanted else { return nil }
            cursor = last.id
            left = left.map { $0 - page.count }
        }
        return try records(state: state, limit: 1, after: cursor).isEmpty ? nil : cursor
    }
}

/// The publication ledger, frozen evidence and the state of published sources.
public protocol PublicationStore: Sendable {
    /// Approved items without a live ledger entry (`Publishability`), oldest first.
    func approvedAwaitingPublication() throws -> [ItemRecord]
    /// Moves an approved item to `published` and writes its ledger entry in one transaction; false (and
    /// nothing written) when the item already has a live entry: publishing twice is a no-op.
    @discardableResult
    func recordPublication(_ publication: Publication, actor: String) throws -> Bool
    /// Retracts a live publication: the item goes back to `approved`, the entry is kept and marked, the
    /// audit log records who and why.
    func retract(itemID: Int64, reason: String, moderator: String, at now: Date) throws -> Publication
    /// The live publications of a month with their items, in publication order.
    func publications(month: String) throws -> [PublishedItem]
    /// The months that have live publications, newest first (the web's feeds serve the newest).
    func publishedMonths() throws -> [String]
    /// Slugs used by live publications, so a new one never collides.
    func takenSlugs() throws -> Set<String>
    func figures(month: String) throws -> MonthFigures
    /// The evidence frozen at approval, nil when none was.
    func evidence(itemID: Int64) throws -> FrozenEvidence?
    /// Keeps evidence for an item approved before evidence was frozen at approval.
    func saveEvidence(_ evidence: FrozenEvidence, itemID: Int64, at now: Date) throws
    /// Records what a recheck found; `since` of the status stays the day the state was first seen.
    @discardableResult
    func recordSourceCheck(itemID: Int64, state: SourceState, detail: String?, at now: Date) throws -> SourceStatus
    func sourceStatus(itemID: Int64) throws -> SourceStatus?
    /// Every stored capture, body included, oldest first, one at a time.
    func forEachCapture(_ body: (Int64, Capture) throws -> Void) throws
}

/// What volunteers sent and how it fared.
public protocol VolunteerStore: Sendable {
    /// Every submission of `volunteer`, oldest first; nil when no volunteer has that name.
    func submissions(volunteer: String) throws -> [VolunteerSubmission]?
    /// Every submission (in `month` by submission date, when given) with the state of the story it reports.
    func contributions(month: String?) throws -> [VolunteerContribution]
}

/// The classifier's training data and models.
public protocol ModelStore: Sendable {
    /// Items in `states`, oldest first, with the text the classifier reads.
    func classifiableItems(states: [ItemState]) throws -> [ClassifiableItem]
    /// Approve and reject decisions recorded after `date` (all when nil), not counting undone ones.
    func decisionCount(since date: Date?) throws -> Int
    /// Writes new classifications of pending items; an item no longer pending or changed since it was read
    /// is skipped. The ids written.
    func reclassify(_ updates: [Reclassification], actor: String, at now: Date) throws -> [Int64]
    func saveModel(_ model: StoredModel) throws
    /// The newest trained classifier, if any.
    func latestModel() throws -> StoredModel?
    /// Every trained model, oldest first.
    func models() throws -> [StoredModelInfo]
}

/// What the long-running service keeps: the files its inbox imported, and the runs of its scheduled jobs, so
/// that several service instances on one store run each job once per period.
public protocol ServiceStore: Sendable {
    /// The file imported with these bytes, if any.
    func importedFile(sha256: String) throws -> ImportedFile?
    /// Records a file as imported; when its hash is already recorded the first record is kept and returned.
    @discardableResult
    func recordImportedFile(_ file: ImportedFile) throws -> ImportedFile
    /// Claims the run of `job` for `period` for `owner`, leased for `leaseSeconds` of the server's time. Granted
    /// when the period has no run yet, when its run failed and `now` is past its next attempt, or when its
    /// owner's lease ran out (a dead instance), as long as fewer than `maxAttempts` were made; nil otherwise.
    func claimJobRun(job: String, period: String, owner: String, leaseSeconds: Double, maxAttempts: Int,
                     at now: Date) throws -> JobRun?
    /// Records how a claimed run ended (`succeeded`, `failed` with `retryAt`, or `skipped`); ignored when
    /// another owner has taken the run over meanwhile.
    func finishJobRun(job: String, period: String, owner: String, state: JobState, detail: String, retryAt: Date?,
                      at now: Date) throws
    /// The newest run of each job and every run that failed, newest first.
    func jobRuns(limit: Int) throws -> [JobRun]
}

/// The store as a whole: where it is, its health and its figures.
public protocol StoreAdministration: Sendable {
    /// Where the store is, safe to print (a password in a URL is masked).
    var location: String { get }
    func status() throws -> StatusReport
    func schemaVersion() throws -> Int
    /// The schema version this sluice writes: a store it opens for writing is migrated to it.
    var currentSchemaVersion: Int { get }
    /// "ok" when the store is sound, else what is wrong.
    func integrityCheck() throws -> String
    /// Rows that point at a missing row, or lack one they need, by kind (only kinds with any).
    func orphanRows() throws -> [OrphanRows]
    /// A consistent copy of the whole store in a new SQLite file at `destination` (which must not exist), made
    /// while other connections go on writing, and checked once written. Refused (`StoreError.unsupported`)
    /// where the database has its own tools for it.
    func backup(to destination: String) throws -> BackupReport
}

/// Every role at once: what a store implementation provides.
public protocol Store: IntakeStore, InvitationStore, PipelineStore, DedupIndex, ReviewStore, PublicationStore, VolunteerStore,
    ModelStore, ServiceStore, StoreAdministration {}
