import Foundation
import Synchronization
import SluiceClassify
import SluiceCore
import SluiceFetch

/// Where fetches are answered from.
public enum PageSource: Sendable {
    /// Live transfers through libcurl.
    case network
    /// Recorded responses from a WARC file (offline demo, re-runs without refetching).
    case replay(ReplayArchive)
}

/// What one `sluice run` did.
public struct RunSummary: Sendable, Encodable, Equatable {
    /// Transitions made, by target state (`fetched`, `pending_review`, `duplicate`, `failed`, …).
    public var transitions: [String: Int] = [:]
    /// Failures by problem code.
    public var failures: [String: Int] = [:]
    /// Items that reached the review queue.
    public var queuedForReview = 0
    public var duplicates = 0
    public var interrupted = false
    public var seconds = 0.0
    /// Items still waiting in pipeline states when the run ended (0 unless interrupted).
    public var leftPending = 0
    /// Where the time went, by stage (`StageName`).
    public var stages: [String: StageStatistics] = [:]
    public var inFlight = InFlightStatistics()
    /// Times the feeder looked for work and found none (each one store read): what an idle run costs.
    public var idleWakeups = 0
    /// Reports of known links whose fetch failed: credited to the known story instead of failing.
    public var failedFetchesCredited = 0
    /// Clusters whose root gave way to an earlier report that arrived later (the old root is a duplicate now).
    public var rerooted = 0

    enum CodingKeys: String, CodingKey {
        case transitions, failures, duplicates, interrupted, seconds, stages, rerooted
        case queuedForReview = "queued_for_review"
        case leftPending = "left_pending"
        case inFlight = "in_flight"
        case idleWakeups = "idle_wakeups"
        case failedFetchesCredited = "failed_fetches_credited"
    }
}

/// A flag the signal handler raises and the workers watch.
public final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    public init() {}
    public func raise() { raised.store(true, ordering: .sequentiallyConsistent) }
    public var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }
}

/// Moves every pending item through fetch → parse → dedup → classify until none is left.
///
/// One source thread claims items from the store lazily, in batches, never more than the queues can hold;
/// each stage runs its workers on threads of their own, connected by `BoundedQueue`s, so a slow stage
/// blocks the one feeding it. The fetcher's thread only moves bytes: a transfer's completion puts the raw
/// response into a place of the parse queue reserved before the transfer started (so the completion never
/// waits), and the parse workers do everything else per page (sniffing, charset decoding, blocked-page
/// detection, extraction), as many at once as the pipeline file says.
///
/// One writer commits the stages' outcomes in batched transactions and only then hands each item to the next
/// stage, so a stage never works on an item whose previous step is not stored. A transfer's fetch and parse
/// outcomes are committed together, in one transaction. Dedup is the exception: the items waiting for it are judged
/// in one transaction of their own (lookups, keys and verdicts, each item seeing the batch's earlier ones), so two
/// items of one cluster can never both be first. An interrupted run leaves each in-flight item in the last state it
/// committed; the next run continues from there.
public final class PipelineRunner: Sendable {
    let engines: StageEngines
    let store: any PipelineStore & DedupIndex
    let source: PageSource
    let owner: String
    let stop: StopSignal
    let clock: any TimeSource
    /// Raised when work may have become claimable: an item left the run, or another process said so.
    let wake = WakeSignal()

    let fetchQueue: BoundedQueue<WorkItem>
    let parseQueue: BoundedQueue<ParseJob>
    let dedupQueue: BoundedQueue<WorkItem>
    let classifyQueue: BoundedQueue<WorkItem>
    let writerQueue: BoundedQueue<PendingCommit>
    let inFlight = Atomic<Int>(0)
    /// Items that left the run, for progress.
    let settled = Atomic<Int>(0)
    let inFlightHighWater = Atomic<Int>(0)
    let capacity: Int
    let meters: [StageName: StageMeter]
    let summary = Mutex(RunSummary())
    let fatal = Mutex<(any Error)?>(nil)
    let fetcherActivity = Mutex<FetcherActivity?>(nil)
    /// Hears how far the run has got, five times a second and once at the end.
    let progress: (@Sendable (RunProgress) -> Void)?

    /// What the parse workers take: a transfer's raw result, or an item the store holds as fetched.
    enum ParseJob: Sendable {
        case transferred(WorkItem, Result<Capture, Problem>)
        case stored(WorkItem)
    }

    /// Outcomes of one item to commit together, and the item as the next stage gets it.
    struct PendingCommit: Sendable {
        var outcomes: [StageOutcome]
        var next: WorkItem
    }

    public init(engines: StageEngines, store: any PipelineStore & DedupIndex, source: PageSource, owner: String,
                stop: StopSignal, clock: any TimeSource = SystemClock(), progress: (@Sendable (RunProgress) -> Void)? = nil) {
        self.progress = progress
        self.engines = engines
        self.store = store
        self.source = source
        self.owner = owner
        self.stop = stop
        self.clock = clock
        let stages = engines.definition.stages
        fetchQueue = BoundedQueue(capacity: stages.fetch.queueBound)
        parseQueue = BoundedQueue(capacity: stages.parse.queueBound)
        dedupQueue = BoundedQueue(capacity: stages.dedup.queueBound)
        classifyQueue = BoundedQueue(capacity: stages.classify.queueBound)
        capacity = stages.fetch.queueBound + stages.parse.queueBound + stages.dedup.queueBound + stages.classify.queueBound
        // Every item in flight (at most `capacity`) sits in one place at a time, and the writer holds one while it
        // hands it on: the writer's queue never fills, so workers never wait on it.
        writerQueue = BoundedQueue(capacity: capacity + 1)
        let fetchWorkers = if case .network = source { 1 } else { stages.fetch.workers }
        meters = [.claim: StageMeter(workers: 1), .fetch: StageMeter(workers: fetchWorkers),
                  .parse: StageMeter(workers: stages.parse.workers), .dedup: StageMeter(workers: stages.dedup.workers),
                  .classify: StageMeter(workers: stages.classify.workers), .write: StageMeter(workers: 1)]
    }

    /// How long the dedup stage waits for more items to judge in one transaction.
    static let dedupGathering = 0.5
    /// How long the writer waits for more outcomes to commit together. Committing whatever was queued (a few
    /// outcomes while the writer keeps up) rewrote the same index pages and synced at every commit: a run wrote
    /// 3.3 times the bytes it stored; gathering for a tenth of a second brings that to about 2.4.
    static let writeGathering = 0.1

    private func meter(_ name: StageName) -> StageMeter {
        meters[name] ?? StageMeter(workers: 0)
    }

    /// Runs to completion (or until `stop` is raised) and returns what happened.
    public func run() throws -> RunSummary {
        let started = Date()
        let workers = DispatchGroup()
        let stages = engines.definition.stages
        let fetcher = try startFetchWorkers(count: stages.fetch.workers, group: workers)
        spawn("parse", count: stages.parse.workers, group: workers) { [self] in
            while let job = parseQueue.pop() { parse(consume job) }
        }
        let dedupBatch = engines.definition.store.commitBatch
        spawn("dedup", count: stages.dedup.workers, group: workers) { [self] in
            // A batch is gathered for up to `dedupGathering` seconds: each dedup transaction inserts the batch's
            // keys into the key indexes at random places, so a transaction per few items wrote nearly every
            // page of those indexes again each time.
            while let item = dedupQueue.pop() {
                deduplicate([item] + dedupQueue.drain(max: dedupBatch - 1, waitingUpTo: Self.dedupGathering))
            }
        }
        spawn("classify", count: stages.classify.workers, group: workers) { [self] in
            while let item = classifyQueue.pop() { classify(item) }
        }
        let writerDone = DispatchGroup()
        spawn("writer", count: 1, group: writerDone) { [self] in writeLoop() }
        let listener = try? store.listenForWork { [wake] in wake.raise() }
        let reporter = reportProgress()
        feed()
        listener?.cancel()
        fetcher?.shutdown()
        fetcherActivity.withLock { $0 = fetcher?.activity }
        for queue in [fetchQueue, dedupQueue, classifyQueue] { queue.close() }
        parseQueue.close()
        workers.wait()
        writerQueue.close()
        writerDone.wait()
        reporter?.finish()
        try store.releaseLeases(owner: owner)
        if let error = fatal.withLock({ $0 }) { throw error }
        var result = summary.withLock { $0 }
        result.interrupted = stop.isRaised
        result.seconds = Date().timeIntervalSince(started)
        let pending = try store.pendingCounts()
        result.leftPending = ItemState.pipelineStates.reduce(0) { $0 + (pending[$1] ?? 0) }
        result.stages = statistics()
        result.inFlight.highWater = inFlightHighWater.load(ordering: .relaxed)
        result.inFlight.bound = capacity
        return result
    }

    private func statistics() -> [String: StageStatistics] {
        var stages: [String: StageStatistics] = [
            StageName.claim.rawValue: meter(.claim).statistics(queue: nil as BoundedQueue<WorkItem>?),
            StageName.fetch.rawValue: meter(.fetch).statistics(queue: fetchQueue),
            StageName.parse.rawValue: meter(.parse).statistics(queue: parseQueue),
            StageName.dedup.rawValue: meter(.dedup).statistics(queue: dedupQueue),
            StageName.classify.rawValue: meter(.classify).statistics(queue: classifyQueue),
            StageName.write.rawValue: meter(.write).statistics(queue: writerQueue),
        ]
        // The network fetch stage's work is done by the fetcher's own thread, not by the worker feeding it.
        if let activity = fetcherActivity.withLock({ $0 }) {
            stages[StageName.fetch.rawValue]?.busySeconds += (activity.busySeconds * 100).rounded() / 100
            stages[StageName.fetch.rawValue]?.workers += 1
        }
        return stages
    }

    // MARK: source

    /// Claims work until nothing is pending and nothing is in flight, keeping at most `capacity` items
    /// in memory. Finding nothing to claim, it waits for an item to leave the run (or a notification from the
    /// store) with a growing time-out, instead of asking the store again at once.
    private func feed() {
        let settings = engines.definition.store
        let claims = meter(.claim)
        var pause = 0.01
        while !stop.isRaised && fatal.withLock({ $0 == nil }) {
            var claimedAny = false
            for state in ItemState.pipelineStates.reversed() {
                let room = capacity - inFlight.load(ordering: .sequentiallyConsistent)
                guard room > 0 else { break }
                let items: [WorkItem]
                do {
                    items = try claims.working {
                        try store.claim(state: state, limit: min(room, settings.claimBatch), owner: owner,
                                        leaseSeconds: settings.leaseSeconds)
                    }
                } catch {
                    fail(error)
                    return
                }
                claimedAny = claimedAny || !items.isEmpty
                for item in items {
                    claims.took()
                    let now = inFlight.add(1, ordering: .sequentiallyConsistent).newValue
                    inFlightHighWater.max(now, ordering: .relaxed)
                    claims.handingOn { route(item) }
                    claims.handedOn()
                }
            }
            if claimedAny {
                pause = 0.01
            } else {
                // Nothing claimable and nothing of ours in flight: done, unless items still wait in pipeline
                // states under other runs' leases (another host, or a run that died): a dead run's items come
                // back when its lease runs out, and this run finishes them.
                if inFlight.load(ordering: .sequentiallyConsistent) == 0 {
                    do {
                        let pending = try store.pendingCounts()
                        if ItemState.pipelineStates.allSatisfy({ (pending[$0] ?? 0) == 0 }) { return }
                    } catch {
                        fail(error)
                        return
                    }
                }
                summary.withLock { $0.idleWakeups += 1 }
                claims.waitingForWork { wake.wait(seconds: pause) }
                pause = min(pause * 2, 1)
            }
        }
    }

    /// Sends an item to the stage its state calls for. Note-only intel skips fetch and parse.
    private func route(_ item: WorkItem) {
        let accepted: Bool
        switch item.state {
        case .submitted: accepted = item.url == nil ? dedupQueue.push(item) : fetchQueue.push(item)
        case .fetched: accepted = parseQueue.push(.stored(item))
        case .parsed: accepted = dedupQueue.push(item)
        case .deduplicated: accepted = classifyQueue.push(item)
        default: accepted = false
        }
        if !accepted { finish() }
    }

    private func finish() {
        settled.add(1, ordering: .relaxed)
        inFlight.subtract(1, ordering: .sequentiallyConsistent)
        wake.raise()
    }

    /// What `progress` hears: the stages' counters as they stand.
    private func currentProgress(total: Int) -> RunProgress {
        var done: [StageName: Int] = [:]
        for name in RunProgress.shown {
            let figures = meter(name).statistics(queue: nil as BoundedQueue<WorkItem>?)
            done[name] = figures.itemsOut + figures.failed
        }
        let claimed = meter(.claim).statistics(queue: nil as BoundedQueue<WorkItem>?).itemsIn
        return RunProgress(total: max(total, claimed), settled: settled.load(ordering: .relaxed), done: done)
    }

    /// A thread telling `progress` how far the run has got five times a second, until `finish`; nil without one.
    private func reportProgress() -> ProgressReporter? {
        guard let progress else { return nil }
        let pending = (try? store.pendingCounts()) ?? [:]
        let total = ItemState.pipelineStates.reduce(0) { $0 + (pending[$1] ?? 0) }
        return ProgressReporter { [self] in progress(currentProgress(total: total)) }
    }

    private func fail(_ error: any Error) {
        fatal.withLock { if $0 == nil { $0 = error } }
        stop.raise()
    }

    // MARK: stages

    /// Each worker gets a thread of its own, not a Dispatch queue: a worker blocks in `pop` or `push` for the
    /// whole run, and Dispatch serves every queue from one capped pool (255 threads on Linux), so with the
    /// pipeline file's maximum of 64 workers per stage the writer (and the signal handler's queue) would wait
    /// forever for a thread.
    private func spawn(_ name: String, count: Int, group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                body()
                group.leave()
            }
            thread.name = "sluice.\(name).\(index)"
            thread.start()
        }
    }

    /// Hands a stage's outcomes to the writer. Never waits: the writer's queue holds every item in flight.
    private func commit(_ outcomes: [StageOutcome], next: WorkItem) {
        writerQueue.push(PendingCommit(outcomes: outcomes, next: next))
    }

    private func startFetchWorkers(count: Int, group: DispatchGroup) throws -> Fetcher? {
        let fetch = meter(.fetch)
        switch source {
        case .replay(let archive):
            spawn("fetch", count: count, group: group) { [self] in
                while let item = fetchQueue.pop() {
                    guard !stop.isRaised else {
                        finish()
                        continue
                    }
                    fetch.took()
                    let result: Result<Capture, Problem> = fetch.working {
                        let url = item.url ?? ""
                        guard let capture = archive.capture(for: url) else {
                            return .failure(Problem(.replayMissing, stage: .fetch, message: "\(url) is not in the replay archive"))
                        }
                        return .success(capture)
                    }
                    fetch.handedOn()
                    if !fetch.handingOn({ parseQueue.push(.transferred(item, result)) }) { finish() }
                }
            }
            return nil
        case .network:
            let fetcher = try Fetcher(options: engines.definition.fetch)
            spawn("fetch", count: 1, group: group) { [self] in
                while let item = fetchQueue.pop() {
                    // The transfer starts only once its result has a place to go: with parse behind, fetching waits.
                    guard !stop.isRaised, fetch.handingOn({ parseQueue.reserve() }) else {
                        finish()
                        continue
                    }
                    fetch.took()
                    group.enter()
                    fetcher.enqueue(FetchRequest(id: item.id, url: item.url ?? "")) { [self] _, result in
                        defer { group.leave() }
                        guard !stop.isRaised else {
                            parseQueue.cancelReservation()
                            finish()
                            return
                        }
                        fetch.handedOn()
                        if !parseQueue.push(reserved: .transferred(item, result)) { finish() }
                    }
                }
            }
            return fetcher
        }
    }

    /// A transfer's result becomes the fetch outcome and, for a page, the parse outcome, both committed together;
    /// an item the store holds as fetched gets its parse outcome.
    private func parse(_ job: consuming ParseJob) {
        guard !stop.isRaised else { return finish() }
        let parse = meter(.parse)
        parse.took()
        // The job is moved into the work, not captured by it, so the raw body is let go once it is decoded
        // rather than when this function returns.
        var waiting = Optional(consume job)
        let (outcomes, next): ([StageOutcome], WorkItem) = parse.working {
            switch waiting.take() {
            case .transferred(let item, let result):
                return engines.fetchAndParseOutcomes(for: item, result)
            case .stored(let item):
                let (outcome, next) = engines.parseOutcome(for: item)
                return ([outcome], next)
            case nil:
                preconditionFailure("a parse job is taken once")
            }
        }
        for outcome in outcomes where outcome.to == .failed {
            meter(outcome.stage == .fetch ? .fetch : .parse).failed()
        }
        if outcomes.last?.to == .parsed { parse.handedOn() }
        commit(outcomes, next: next)
    }

    /// The items waiting for dedup, judged in one store transaction: each sees the batch's earlier items.
    private func deduplicate(_ items: [WorkItem]) {
        guard !stop.isRaised else { return items.forEach { _ in finish() } }
        let dedup = meter(.dedup)
        items.forEach { _ in dedup.took() }
        do {
            let (outcomes, requests) = try dedup.working {
                let keyed = items.map { item in (item, engines.dedupKeys(for: item)) }
                let fingerprints = Dictionary(keyed.map { ($0.0.id, $0.1.fingerprint) }, uniquingKeysWith: { first, _ in first })
                let requests = keyed.map { DedupRequest(item: $0.0, keys: $0.1.keys, canonicalURL: $0.1.displayURL) }
                return (try store.deduplicate(requests, owner: owner, leaseSeconds: engines.definition.store.leaseSeconds,
                                              at: clock.now()) { request, candidates in
                    engines.verdict(for: fingerprints[request.item.id] ?? nil, among: candidates)
                }, requests)
            }
            for (outcome, request) in zip(outcomes, requests) {
                dedup.handedOn()
                if outcome.replacedRoot != nil {
                    summary.withLock { $0.rerooted += 1 }
                    record(.duplicate, problem: nil)
                }
                if outcome.state == .duplicate {
                    record(.duplicate, problem: nil)
                    finish()
                } else {
                    record(.deduplicated, problem: nil)
                    var next = request.item
                    next.state = .deduplicated
                    next.urlKeys = request.keys.urlKeys
                    if !dedup.handingOn({ classifyQueue.push(next) }) { finish() }
                }
            }
        } catch {
            dedup.failed()
            fail(error)
            items.forEach { _ in finish() }
        }
    }

    private func classify(_ item: WorkItem) {
        guard !stop.isRaised else { return finish() }
        let classify = meter(.classify)
        classify.took()
        do {
            let outcome = try classify.working {
                let signals = try store.reporterSignals(itemID: item.id)
                let volunteer = VolunteerSignals(approved: signals.volunteerApproved, decided: signals.volunteerDecided,
                                                 independentReporters: signals.reporters,
                                                 duplicateOfRejected: try store.sharesContentWithRejected(itemID: item.id),
                                                 options: engines.definition.classify)
                return engines.classifyOutcome(for: item, signals: volunteer)
            }
            classify.handedOn()
            commit([outcome], next: item)
        } catch {
            classify.failed()
            fail(error)
            finish()
        }
    }

    // MARK: writer

    /// The one writer: commits outcomes in batches, then hands each item on to its next stage.
    private func writeLoop() {
        let batchSize = engines.definition.store.commitBatch
        let leaseSeconds = engines.definition.store.leaseSeconds
        let writer = meter(.write)
        while let first = writerQueue.pop() {
            var batch = [first] + writerQueue.drain(max: batchSize - 1, waitingUpTo: Self.writeGathering)
            batch.forEach { _ in writer.took() }
            batch.removeAll { pending in
                guard isFailedFetchOfLink(pending) else { return false }
                writer.working { settleFailedFetch(pending) }
                return true
            }
            let skipped: [StageOutcome]
            do {
                skipped = try writer.working {
                    try store.commit(batch.flatMap(\.outcomes), owner: owner, leaseSeconds: leaseSeconds, at: clock.now())
                }
            } catch {
                writer.failed()
                fail(error)
                batch.forEach { _ in finish() }
                continue
            }
            let skippedIDs = Set(skipped.map(\.itemID))
            for pending in batch {
                guard let last = pending.outcomes.last, !skippedIDs.contains(last.itemID) else {
                    finish()
                    continue
                }
                writer.handedOn()
                for outcome in pending.outcomes {
                    record(outcome.to, problem: outcome.to == .failed ? outcome.problem : nil)
                }
                if ItemState.pipelineStates.contains(last.to) && !stop.isRaised {
                    writer.handingOn { route(pending.next) }
                } else {
                    finish()
                }
            }
        }
    }

    private func isFailedFetchOfLink(_ pending: PendingCommit) -> Bool {
        pending.outcomes.count == 1 && pending.outcomes[0].stage == .fetch && pending.outcomes[0].to == .failed
            && pending.next.url != nil
    }

    /// A link whose fetch failed may still be a report of a story already known under its URL (a second
    /// submission of a WeChat article deleted since): then it is credited as a duplicate, not lost.
    private func settleFailedFetch(_ pending: PendingCommit) {
        defer { finish() }
        let outcome = pending.outcomes[0]
        let urlKeys = engines.dedupKeys(for: pending.next).keys.urlKeys
        do {
            guard let state = try store.settleFailedFetch(outcome, urlKeys: urlKeys, owner: owner, at: clock.now()) else { return }
            if state == .duplicate {
                record(.duplicate, problem: nil)
                summary.withLock { $0.failedFetchesCredited += 1 }
            } else {
                record(.failed, problem: outcome.problem)
            }
        } catch {
            fail(error)
        }
    }

    private func record(_ state: ItemState, problem: Problem?) {
        summary.withLock { summary in
            summary.transitions[state.rawValue, default: 0] += 1
            if state == .pendingReview { summary.queuedForReview += 1 }
            if state == .duplicate { summary.duplicates += 1 }
            if let problem { summary.failures[problem.code.rawValue, default: 0] += 1 }
        }
    }
}

/// A wake-up call between threads that does not get lost: `raise` before `wait` makes the next `wait`
/// return at once.
///
/// `@unchecked Sendable`: `raised` is read and written only while `condition`'s lock is held.
public final class WakeSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var raised = false

    public init() {}

    public func raise() {
        condition.lock()
        raised = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until raised or `seconds` pass, and lowers the signal.
    public func wait(seconds: Double) {
        condition.lock()
        if !raised { _ = condition.wait(until: Date().addingTimeInterval(seconds)) }
        raised = false
        condition.unlock()
    }
}

/// Calls `tick` on a thread of its own five times a second, and once more when finished.
final class ProgressReporter: Sendable {
    private let stopped = WakeSignal()
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)
    private let tick: @Sendable () -> Void

    init(tick: @escaping @Sendable () -> Void) {
        self.tick = tick
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                tick()
                stopped.wait(seconds: 0.2)
            }
            done.signal()
        }
        thread.name = "sluice.progress"
        thread.start()
    }

    func finish() {
        running.store(false, ordering: .releasing)
        stopped.raise()
        done.wait()
        tick()
    }
}
