import Foundation
import Synchronization
import SluiceCore
import SluiceDedup
import SluiceIntake
import SluicePipeline

/// `sluice run --watch`: the pipeline kept running all month. It never ends on its own: new submissions (from
/// `sluice submit`, the web intake, other hosts) are processed as they arrive, files dropped into the inbox are
/// imported, and the scheduled jobs run when their time comes.
///
/// Three threads: the pipeline's rounds (each a `PipelineService` run until nothing is pending, started again
/// when the store says work arrived, or at the latest every `inbox_poll_seconds`), the inbox, and the jobs, so
/// a long recheck never holds up intake. `stop()` (SIGTERM) lets the round finish its in-flight items and
/// the inbox and the jobs finish what they are doing, then `run()` returns. `reload()` (SIGHUP) reads the
/// pipeline file and its rule files again; the current round ends early and the next one uses them. Between
/// reloads the rule files are kept in memory (`PipelineDefinition.pinned()`), so an edit in progress on disk is
/// never half-read.
public final class ServiceRunner: Sendable {
    /// What the service is started with.
    public struct Settings: Sendable {
        public var source: PageSource
        /// The inbox folder, or nil for none.
        public var inbox: URL?
        /// The volunteer for inbox lines that name none (every `.txt` line).
        public var inboxVolunteer: String?
        public var owner: RunOwner
        /// What relative export directories are relative to.
        public var workingDirectory: URL

        public init(source: PageSource, inbox: URL?, inboxVolunteer: String?, owner: RunOwner = .current,
                    workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
            self.source = source
            self.inbox = inbox
            self.inboxVolunteer = inboxVolunteer
            self.owner = owner
            self.workingDirectory = workingDirectory
        }
    }

    private struct State {
        var definition: PipelineDefinition
        var reloadRequested = false
        /// The running round's stop signal, raised to end the round early.
        var round: StopSignal?
    }

    let store: any Store
    let clock: any TimeSource
    let settings: Settings
    /// Reads the pipeline in force (with its rule files pinned): at the start and on every reload.
    let load: @Sendable () throws -> PipelineDefinition
    let log: @Sendable (ServiceEvent) -> Void
    private let state: Mutex<State>
    private let stopping = StopSignal()
    /// Raised when work may be waiting: the store said so, the inbox imported something, or a stop or reload.
    private let work = WakeSignal()
    private let housekeeping = WakeSignal()

    public init(store: any Store, clock: any TimeSource, settings: Settings,
                load: @escaping @Sendable () throws -> PipelineDefinition, log: @escaping @Sendable (ServiceEvent) -> Void) throws {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.load = load
        self.log = log
        state = Mutex(State(definition: try load()))
    }

    /// Finish the in-flight work and return from `run()`.
    public func stop() {
        stopping.raise()
        state.withLock { $0.round?.raise() }
        work.raise()
        housekeeping.raise()
    }

    /// Read the pipeline file and its rule files again before the next round (the current one ends early).
    public func reload() {
        state.withLock { state in
            state.reloadRequested = true
            state.round?.raise()
        }
        work.raise()
    }

    public var isStopping: Bool { stopping.isRaised }

    var definition: PipelineDefinition { state.withLock { $0.definition } }

    /// Runs until `stop()`. Throws only when it cannot start (the store cannot be written).
    public func run() throws {
        // A write the service would make anyway (its own leases, none yet): a read-only store stops it here,
        // with one sentence, instead of failing every round.
        try store.releaseLeases(owner: settings.owner.description)
        let started = definition
        log(ServiceEvent(.notice, "service.started", "watching \(store.location) with \(Self.describe(started.origin))"
                         + (settings.inbox.map { "; inbox \($0.path)" } ?? ""),
                         fields: ["store": store.location, "owner": settings.owner.description], at: clock.now()))
        let listener = try? store.listenForWork { [work] in work.raise() }
        let helpers = DispatchGroup()
        if let inbox = settings.inbox {
            let watcher = try InboxWatcher(folder: inbox, store: store, clock: clock, defaultVolunteer: settings.inboxVolunteer)
            spawn("inbox", group: helpers) { [self] in watchInbox(watcher) }
        }
        spawn("jobs", group: helpers) { [self] in runJobs() }
        rounds()
        listener?.cancel()
        housekeeping.raise()
        helpers.wait()
        log(ServiceEvent(.notice, "service.stopped", "stopped: in-flight work finished", at: clock.now()))
    }

    static func describe(_ origin: ConfigurationFile.Origin) -> String {
        switch origin {
        case .file(let path, _): path
        case .builtIn: "the built-in pipeline"
        }
    }

    private func spawn(_ name: String, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = "sluice.service.\(name)"
        thread.start()
    }

    // MARK: rounds

    private func rounds() {
        var backoff = 0.0
        while !stopping.isRaised {
            reloadIfAsked()
            let poll = definition.service.inboxPollSeconds
            let pending: Int
            do {
                let counts = try store.pendingCounts()
                pending = ItemState.pipelineStates.reduce(0) { $0 + (counts[$1] ?? 0) }
            } catch {
                backoff = failed(error, backoff: backoff, poll: poll)
                continue
            }
            guard pending > 0 else {
                work.wait(seconds: poll)
                continue
            }
            let round = StopSignal()
            let definition = state.withLock { state in
                state.round = round
                return state.definition
            }
            if stopping.isRaised || state.withLock({ $0.reloadRequested }) { round.raise() }
            do {
                let summary = try PipelineService(store: store, definition: definition, clock: clock)
                    .run(source: settings.source, stop: round, owner: settings.owner, note: { [self] note in
                        log(ServiceEvent(.notice, "round.note", note, at: clock.now()))
                    })
                backoff = 0
                state.withLock { $0.round = nil }
                if summary.transitions.isEmpty {
                    // Everything pending is held by other runs' leases: wait for them rather than spin.
                    work.wait(seconds: poll)
                } else {
                    log(ServiceEvent(.info, "round.finished", PipelineService.describe(summary),
                                     fields: ["queued_for_review": String(summary.queuedForReview),
                                              "duplicates": String(summary.duplicates),
                                              "failed": String(summary.failures.values.reduce(0, +))], at: clock.now()))
                }
            } catch {
                state.withLock { $0.round = nil }
                backoff = failed(error, backoff: backoff, poll: poll)
            }
        }
    }

    /// Logs a round that could not run and waits, longer each time in a row (up to a minute), so a store
    /// that is down is not hammered; the backoff to use next.
    private func failed(_ error: any Error, backoff: Double, poll: Double) -> Double {
        let next = min(max(backoff * 2, poll), 60)
        log(ServiceEvent(.error, "round.failed", "\(error); trying again in \(Int(next)) s", at: clock.now()))
        work.wait(seconds: next)
        return next
    }

    private func reloadIfAsked() {
        guard state.withLock({ state in
            defer { state.reloadRequested = false }
            return state.reloadRequested
        }) else { return }
        do {
            let reloaded = try load()
            state.withLock { $0.definition = reloaded }
            log(ServiceEvent(.notice, "rules.reloaded", "reloaded \(Self.describe(reloaded.origin)) and its rule files",
                             at: clock.now()))
        } catch {
            log(ServiceEvent(.error, "rules.reload_failed", "\(error); the rules in force are kept", at: clock.now()))
        }
    }

    // MARK: inbox and jobs

    private func watchInbox(_ watcher: InboxWatcher) {
        while !stopping.isRaised {
            let definition = self.definition
            do {
                let intake = try Self.intake(store: store, definition: definition, clock: clock)
                let outcomes = watcher.scan(intake: intake, log: log)
                if outcomes.contains(where: { $0.submitted > 0 }) { work.raise() }
            } catch {
                log(ServiceEvent(.error, "inbox.failed", "the inbox cannot be read with these rules: \(error)", at: clock.now()))
            }
            housekeeping.wait(seconds: definition.service.inboxPollSeconds)
        }
    }

    /// The intake use case with the pipeline's URL rules and import headers, as `sluice import` builds it.
    public static func intake(store: any Store, definition: PipelineDefinition, clock: any TimeSource) throws -> IntakeService {
        IntakeService(store: store, canonicalizer: try URLCanonicalizer.load(definition.file(definition.rules.urlRules)),
                      clock: clock, importHeaders: try ImportHeaders.load(definition.file(definition.rules.importHeaders)))
    }

    private func runJobs() {
        while !stopping.isRaised {
            let definition = self.definition
            JobScheduler(store: store, definition: definition, clock: clock, owner: settings.owner.description,
                         workingDirectory: settings.workingDirectory).runDue(log: log)
            housekeeping.wait(seconds: definition.service.inboxPollSeconds)
        }
    }
}
