import Foundation
import Synchronization

/// Where one stage's time went in a run, summed over its workers.
///
/// `idle` is time waiting for work (the stage before it, or the store, was slower); `blocked` is time waiting
/// to hand work on (the stage after it was slower); `queueFullSeconds` is the time others spent blocked on
/// this stage's own full queue, which is how a bottleneck shows from the outside.
public struct StageStatistics: Sendable, Encodable, Equatable {
    public var workers: Int
    public var itemsIn = 0
    public var itemsOut = 0
    public var failed = 0
    public var busySeconds = 0.0
    public var idleSeconds = 0.0
    public var blockedSeconds = 0.0
    /// The stage's input queue: its bound, the most places ever taken, and producers' time blocked on it.
    public var queueBound: Int?
    public var queueHighWater: Int?
    public var queueFullSeconds: Double?

    public init(workers: Int) {
        self.workers = workers
    }

    enum CodingKeys: String, CodingKey {
        case workers, failed
        case itemsIn = "in"
        case itemsOut = "out"
        case busySeconds = "busy_seconds"
        case idleSeconds = "idle_seconds"
        case blockedSeconds = "blocked_seconds"
        case queueBound = "queue_bound"
        case queueHighWater = "queue_high_water"
        case queueFullSeconds = "queue_full_seconds"
    }
}

/// The items a run held in memory at once, against the most it may hold (the sum of the stage queues' bounds).
public struct InFlightStatistics: Sendable, Encodable, Equatable {
    public var highWater = 0
    public var bound = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case highWater = "high_water"
        case bound
    }
}

/// The stages of a run in pipeline order, as `sluice run --stats` prints them: `claim` (the source reading
/// the store), `fetch`, `parse`, `dedup`, `classify`, `write` (the one writer committing batches).
public enum StageName: String, CaseIterable, Sendable {
    case claim, fetch, parse, dedup, classify, write
}

extension RunSummary {
    /// The per-stage figures as a table, one line per stage, for a terminal.
    public var statisticsTable: String {
        let header = "stage     workers      in     out  failed   busy s   idle s  blocked s  queue  high  full s"
        var lines = [header]
        for name in StageName.allCases {
            guard let stage = stages[name.rawValue] else { continue }
            func column(_ text: String, _ width: Int) -> String {
                String(repeating: " ", count: max(0, width - text.count)) + text
            }
            let queue = column(stage.queueBound.map { String($0) } ?? "-", 6)
            let high = column(stage.queueHighWater.map { String($0) } ?? "-", 5)
            let full = column(stage.queueFullSeconds.map { String(format: "%.2f", $0) } ?? "-", 7)
            lines.append(String(format: "%@ %7d %7d %7d %7d %8.2f %8.2f %10.2f ",
                                name.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0), stage.workers, stage.itemsIn,
                                stage.itemsOut, stage.failed, stage.busySeconds, stage.idleSeconds, stage.blockedSeconds)
                         + "\(queue) \(high) \(full)")
        }
        lines.append("items in flight: at most \(inFlight.highWater) at once (bound \(inFlight.bound))")
        return lines.joined(separator: "\n")
    }
}

/// How far a run has got, while it runs: the items it has to move (those pending when it started, or more
/// when more arrive), the items that left it (in review, duplicates, failed, or back in the pool when
/// interrupted), and per stage the items that stage is done with (handed on or failed). Items skip stages
/// (a note is never fetched, a duplicate never classified), so only `settled` runs up to `total`.
public struct RunProgress: Sendable, Equatable {
    public var total: Int
    public var settled: Int
    public var done: [StageName: Int]

    public init(total: Int, settled: Int, done: [StageName: Int]) {
        self.total = total
        self.settled = settled
        self.done = done
    }

    /// The stages a person watches, in pipeline order.
    public static let shown: [StageName] = [.fetch, .parse, .dedup, .classify]
}

/// Counters a stage's workers add to as they go; read while the run goes (progress) and when it ends.
final class StageMeter: Sendable {
    let workers: Int
    private let received = Atomic<Int>(0)
    private let passed = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)
    private let busy = Atomic<Int>(0)
    private let idle = Atomic<Int>(0)
    private let blocked = Atomic<Int>(0)

    init(workers: Int) {
        self.workers = workers
    }

    func took() { received.add(1, ordering: .relaxed) }
    func handedOn() { passed.add(1, ordering: .relaxed) }
    func failed() { failures.add(1, ordering: .relaxed) }

    /// Runs `body`, counting its time as work.
    func working<T>(_ body: () throws -> T) rethrows -> T {
        try timed(busy, body)
    }

    /// Runs `body`, counting its time as waiting for work.
    func waitingForWork<T>(_ body: () throws -> T) rethrows -> T {
        try timed(idle, body)
    }

    /// Runs `body`, counting its time as waiting to hand work on.
    func handingOn<T>(_ body: () throws -> T) rethrows -> T {
        try timed(blocked, body)
    }

    private func timed<T>(_ counter: borrowing Atomic<Int>, _ body: () throws -> T) rethrows -> T {
        let started = ContinuousClock.now
        defer { counter.add(Self.nanoseconds(ContinuousClock.now - started), ordering: .relaxed) }
        return try body()
    }

    /// The figures, with the input queue's own: consumers' waits count as idle time.
    func statistics<Element>(queue: BoundedQueue<Element>?) -> StageStatistics {
        var figures = StageStatistics(workers: workers)
        figures.itemsIn = received.load(ordering: .relaxed)
        figures.itemsOut = passed.load(ordering: .relaxed)
        figures.failed = failures.load(ordering: .relaxed)
        figures.busySeconds = Self.seconds(busy.load(ordering: .relaxed))
        figures.idleSeconds = Self.seconds(idle.load(ordering: .relaxed))
        figures.blockedSeconds = Self.seconds(blocked.load(ordering: .relaxed))
        if let queue {
            let waits = queue.statistics
            figures.idleSeconds += Self.seconds(Self.nanoseconds(waits.consumerWait))
            figures.queueBound = waits.capacity
            figures.queueHighWater = waits.highWater
            figures.queueFullSeconds = Self.seconds(Self.nanoseconds(waits.producerWait))
        }
        return figures
    }

    private static func nanoseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
    }

    private static func seconds(_ nanoseconds: Int) -> Double {
        (Double(nanoseconds) / 1e7).rounded() / 100
    }
}
