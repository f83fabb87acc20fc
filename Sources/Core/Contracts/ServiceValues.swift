import Foundation

/// A file the service's inbox imported, known by the SHA-256 of its bytes: a file seen again (a crash
/// between its import and its move, or the same export dropped twice) is recognised and not imported again.
public struct ImportedFile: Sendable, Equatable {
    public var sha256: String
    /// The file's name when it was imported.
    public var name: String
    public var importedAt: Date
    /// What the import did, as the report beside the moved file says it.
    public var report: String

    public init(sha256: String, name: String, importedAt: Date, report: String) {
        self.sha256 = sha256
        self.name = name
        self.importedAt = importedAt
        self.report = report
    }
}

/// Where a scheduled job's run for one period stands.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Claimed by a service instance, under a lease.
    case running
    case succeeded
    /// Failed; retried after a while until the attempts allowed are used up.
    case failed
    /// Nothing to do this period (too few decisions to retrain): not retried.
    case skipped
}

/// One scheduled job (`recheck`, `retrain`, `export`) for one period (`2026-11-30`, `2026-W48`, `2026-11`).
public struct JobRun: Sendable, Equatable, Encodable {
    public var job: String
    public var period: String
    public var state: JobState
    public var attempts: Int
    public var owner: String?
    public var startedAt: Date
    public var finishedAt: Date?
    /// When a failed run is tried again; nil when it is not.
    public var nextAttemptAt: Date?
    public var detail: String?

    public init(job: String, period: String, state: JobState, attempts: Int, owner: String?, startedAt: Date,
                finishedAt: Date?, nextAttemptAt: Date?, detail: String?) {
        self.job = job
        self.period = period
        self.state = state
        self.attempts = attempts
        self.owner = owner
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.nextAttemptAt = nextAttemptAt
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case job, period, state, attempts, owner, detail
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case nextAttemptAt = "next_attempt_at"
    }

    /// Every field always present, `null` when not known.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job, forKey: .job)
        try container.encode(period, forKey: .period)
        try container.encode(state, forKey: .state)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(owner, forKey: .owner)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(detail, forKey: .detail)
    }
}
