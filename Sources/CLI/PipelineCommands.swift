import Foundation
import SluiceApp
import SluiceCore
import SluiceFetch
import SluicePipeline

/// `sluice run` and `sluice status`.
enum PipelineCommands {
    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        var definition = try context.pipeline(&arguments)
        let replay = try arguments.option("--replay")
        definition.fetch.allowHosts += try arguments.options("--allow-host")
        let json = arguments.flag("--json")
        let stats = arguments.flag("--stats")
        try arguments.finish()
        let source: PageSource = try replay.map { .replay(try ReplayArchive(path: $0)) } ?? .network
        let service = PipelineService(store: try context.store(), definition: definition, clock: context.clock)
        let stop = StopSignal()
        let console = context.console
        let signals = SignalTrap(stop: stop) { console.error("interrupted: finishing in-flight items, then stopping (again to force)") }
        defer { signals.cancel() }
        let summary = try service.run(source: source, stop: stop, note: context.note)
        if json {
            try context.printJSON(summary)
        } else {
            context.console.print(describe(summary))
            if stats { context.console.print(summary.statisticsTable) }
            context.console.print(describeQueue(try context.store().status()))
        }
        return summary.interrupted ? 130 : 0
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
