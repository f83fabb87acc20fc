import Foundation
import SluiceCore
import SluicePipeline

/// `sluice run`: moves every pending item through fetch → parse → dedup → classify into the review queue.
public struct PipelineService: Sendable {
    let store: any Store
    let definition: PipelineDefinition
    let clock: any TimeSource

    public init(store: any Store, definition: PipelineDefinition, clock: any TimeSource = SystemClock()) {
        self.store = store
        self.definition = definition
        self.clock = clock
    }

    /// Runs until nothing is pending (or `stop` is raised). Before the first item: leases of dead runs on this
    /// host are freed, the classifier is retrained when enough decisions came in, and stored dedup keys are
    /// re-keyed when the URL rules or fingerprint options changed. `note` hears about each of those.
    public func run(source: PageSource, stop: StopSignal, owner: RunOwner = .current, note: (String) -> Void,
                    progress: (@Sendable (RunProgress) -> Void)? = nil) throws -> RunSummary {
        try Self.releaseLeasesOfDeadRuns(store)
        let model = try TrainingService(store: store, definition: definition, clock: clock).modelForRun(note: note)
        let engines = try StageEngines(definition: definition, model: model)
        try Self.rekeyIfNeeded(store, engines: engines, note: note)
        let runner = PipelineRunner(engines: engines, store: store, source: source, owner: owner.description, stop: stop,
                                    clock: clock, progress: progress)
        return try runner.run()
    }

    /// A run's summary for people: what it did, its failures by code, and what it left pending.
    public static func describe(_ summary: RunSummary) -> String {
        var lines = [String(format: "run %@ in %.2f s: %d queued for review, %d duplicates, %d failed",
                            summary.interrupted ? "interrupted" : "finished", summary.seconds, summary.queuedForReview,
                            summary.duplicates, summary.failures.values.reduce(0, +))]
        if !summary.failures.isEmpty {
            lines.append("  failures: " + summary.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", "))
        }
        if summary.leftPending > 0 { lines.append("  \(summary.leftPending) items left pending; sluice run continues them") }
        return lines.joined(separator: "\n")
    }

    /// Leases held by runs on this machine whose process is gone (killed) are freed at once rather than
    /// left to expire.
    public static func releaseLeasesOfDeadRuns(_ store: any PipelineStore) throws {
        for owner in try store.leaseOwners() {
            guard let parsed = RunOwner(parsing: owner), parsed.host == RunOwner.current.host,
                  parsed.pid != getpid() else { continue }
            if kill(parsed.pid, 0) != 0 && errno == ESRCH { try store.releaseLeases(owner: owner) }
        }
    }

    /// Re-keys every stored item when the keys were made under other URL rules or fingerprint options, so
    /// items keyed before the change are found by items keyed after it.
    public static func rekeyIfNeeded(_ store: any DedupIndex, engines: StageEngines, note: (String) -> Void) throws {
        guard let count = try store.rekey(version: engines.dedupKeysVersion, force: false,
                                          keys: { engines.dedupKeys(for: $0).keys }),
              count > 0 else { return }
        note("re-keyed \(count) stored items for dedup (\(engines.dedupKeysVersion))")
    }
}

/// Identifies a run in lease records: `host:pid:random`.
public struct RunOwner: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    public var nonce: String

    public static let current = RunOwner(host: ProcessInfo.processInfo.hostName, pid: getpid(),
                                         nonce: String(UUID().uuidString.prefix(8)))

    public init(host: String, pid: Int32, nonce: String) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
    }

    public init?(parsing owner: String) {
        let parts = owner.split(separator: ":")
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]) else { return nil }
        self.init(host: parts.dropLast(2).joined(separator: ":"), pid: pid, nonce: String(parts[parts.count - 1]))
    }

    public var description: String { "\(host):\(pid):\(nonce)" }
}
