import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluicePipeline
import SluiceStore

/// `sluice run` and `sluice status`.
enum PipelineCommands {
    static let defaultPipeline = "pipelines/default.json"

    static func canonicalizer(pipeline: String) throws -> URLCanonicalizer {
        let definition = try PipelineDefinition.load(path: pipeline)
        return try URLCanonicalizer.load(path: definition.resolve(definition.rules.urlRules))
    }

    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let pipeline = try arguments.option("--pipeline") ?? defaultPipeline
        let replay = try arguments.option("--replay")
        let allowHosts = try arguments.options("--allow-host")
        let json = arguments.flag("--json")
        let stats = arguments.flag("--stats")
        try arguments.finish()
        var definition = try PipelineDefinition.load(path: pipeline)
        definition.fetch.allowHosts += allowHosts
        let store = try context.store()
        try releaseLeasesOfDeadRuns(store)
        let model = try ClassifyCommands.modelForRun(store: store, options: definition.classify, console: context.console)
        let engines = try StageEngines(definition: definition, model: model)
        try DedupCommands.rekeyIfNeeded(store, engines: engines, console: context.console)
        let source: PageSource = try replay.map { .replay(try ReplayArchive(path: $0)) } ?? .network
        let stop = StopSignal()
        let console = context.console
        let signals = SignalTrap(stop: stop) { console.error("interrupted: finishing in-flight items, then stopping (again to force)") }
        defer { signals.cancel() }
        let runner = PipelineRunner(engines: engines, store: store, source: source, owner: RunOwner.current, stop: stop)
        let summary = try runner.run()
        if json {
            try context.printJSON(summary)
        } else {
            context.console.print(describe(summary))
            if stats { context.console.print(summary.statisticsTable) }
            let status = try store.status()
            context.console.print(describeQueue(status))
        }
        return summary.interrupted ? 130 : 0
    }

    /// Leases held by runs on this machine whose process is gone (killed) are freed at once rather than
    /// left to expire.
    static func releaseLeasesOfDeadRuns(_ store: Store) throws {
        for owner in try store.leaseOwners() {
            guard let parsed = RunOwner.parse(owner), parsed.host == RunOwner.host, parsed.pid != getpid() else { continue }
            if kill(parsed.pid, 0) != 0 && errno == ESRCH { try store.releaseLeases(owner: owner) }
        }
    }

    static func describe(_ summary: RunSummary) -> String {
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

    static func describeQueue(_ status: StatusReport) -> String {
        let order = ItemState.allCases.map(\.rawValue)
        let counts = order.compactMap { state in status.states[state].flatMap { $0 > 0 ? "\(state) \($0)" : nil } }
        return "store: " + (counts.isEmpty ? "empty" : counts.joined(separator: ", "))
    }

    static func status(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        try arguments.finish()
        let status = try context.store().status()
        if json {
            try context.printJSON(status)
            return 0
        }
        context.console.print("items: \(status.total)")
        for state in ItemState.allCases {
            context.console.print("  \(state.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(status.states[state.rawValue] ?? 0)")
        }
        if !status.failures.isEmpty {
            context.console.print("failures by stage:")
            for failure in status.failures {
                context.console.print(TerminalSafe.text("  \(failure.stage)/\(failure.code): \(failure.count) (e.g. \(failure.example))"))
            }
        }
        if !status.reviewableProblems.isEmpty {
            context.console.print("in review without page text: " + status.reviewableProblems.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !status.duplicatesByRootState.isEmpty {
            context.console.print("duplicates by the state of their original: " + status.duplicatesByRootState.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        return 0
    }
}

/// Identifies a run in lease records: `host:pid:random`.
enum RunOwner {
    static let host = ProcessInfo.processInfo.hostName
    static let current = "\(host):\(getpid()):\(UUID().uuidString.prefix(8))"

    static func parse(_ owner: String) -> (host: String, pid: Int32)? {
        let parts = owner.split(separator: ":")
        guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]) else { return nil }
        return (parts.dropLast(2).joined(separator: ":"), pid)
    }
}

/// Turns SIGINT and SIGTERM into a stop request: the first asks the run to stop taking work and finish
/// what is in flight; a second one exits at once (nothing is lost: uncommitted items stay in their state).
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(stop: StopSignal, onFirst: @escaping @Sendable () -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: DispatchQueue(label: "sluice.signals"))
            source.setEventHandler {
                if stop.isRaised { exit(130) }
                stop.raise()
                onFirst()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
