import Foundation
import SluiceApp
import SluiceCore
import SluiceFetch
import SluicePipeline
import SluiceReview
import Synchronization

/// `sluice run` and `sluice status`.
enum PipelineCommands {
    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let explicit = try arguments.option("--pipeline")
        let replay = try arguments.option("--replay")
        let allowHosts = try arguments.options("--allow-host")
        let json = arguments.flag("--json")
        let stats = arguments.flag("--stats")
        let watch = arguments.flag("--watch")
        let inbox = try arguments.option("--inbox")
        let inboxVolunteer = try arguments.option("--by")
        try arguments.finish()
        if !watch && (inbox != nil || inboxVolunteer != nil) { throw UsageError("run: --inbox and --by need --watch") }
        if watch && (json || stats) {
            throw UsageError("run: --watch logs each round on standard error (--log-format json for machines); no --json or --stats")
        }
        let search = context.configurationSearch
        let load: @Sendable () throws -> PipelineDefinition = {
            var definition = try PipelineDefinition.locate(explicit: explicit, search: search)
            definition.fetch.allowHosts += allowHosts
            return try definition.pinned()
        }
        let source: PageSource = try replay.map { .replay(try ReplayArchive(path: $0)) } ?? .network
        if watch {
            return try runService(context, load: load, source: source, inbox: inbox, inboxVolunteer: inboxVolunteer)
        }
        let service = PipelineService(store: try context.store(), definition: try load(), clock: context.clock)
        let stop = StopSignal()
        let console = context.console
        let signals = SignalTrap(onFirst: { _ in
            stop.raise()
            console.error("interrupted: finishing in-flight items, then stopping (again to force)")
        })
        defer { signals.cancel() }
        // One line per stage (items done, rate), and the items settled against the run's total with the time left.
        let display = context.progress(RunProgress.shown.map(\.rawValue) + ["settled"])
        var onProgress: (@Sendable (RunProgress) -> Void)?
        if let display {
            onProgress = { progress in
                let stages: [(name: String, done: Int, total: Int?)] = RunProgress.shown.map { stage in
                    (stage.rawValue, progress.done[stage] ?? 0, nil)
                }
                display.update(stages + [("settled", progress.settled, progress.total)])
            }
        }
        let summary = try service.run(source: source, stop: stop, note: context.note, progress: onProgress)
        display?.finish()
        if json {
            try context.printJSON(summary)
        } else {
            context.say(PipelineService.describe(summary))
            if stats { context.console.print(summary.statisticsTable) }
            context.say(describeQueue(try context.store().status(), context.console.catalog))
        }
        return summary.interrupted ? 130 : 0
    }

    /// `run --watch`: the service, until SIGTERM or Ctrl-C (exit 0 and 130); SIGHUP reloads the rules.
    static func runService(_ context: Context, load: @escaping @Sendable () throws -> PipelineDefinition, source: PageSource,
                           inbox: String?, inboxVolunteer: String?) throws -> Int32 {
        let console = context.console
        let quiet = context.quiet
        let log: @Sendable (ServiceEvent) -> Void = { event in
            if quiet && (event.level == .info || event.level == .notice) { return }
            console.diagnostic(LogLevel(rawValue: event.level.rawValue) ?? .info, TerminalSafe.text(event.message),
                               event: event.event, fields: event.fields.mapValues(TerminalSafe.text), at: event.time)
        }
        let settings = ServiceRunner.Settings(source: source, inbox: inbox.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                              inboxVolunteer: inboxVolunteer)
        let runner = try ServiceRunner(store: try context.store(), clock: context.clock, settings: settings, load: load, log: log)
        let signals = SignalTrap(onFirst: { signal in
            console.diagnostic(.notice, "stopping: finishing in-flight work (again to force)", event: "service.stopping", at: Date())
            runner.stop()
        }, onReload: { runner.reload() })
        defer { signals.cancel() }
        try runner.run()
        return signals.firstSignal == SIGINT ? 130 : 0
    }

    /// `  export 2026-11   failed (attempt 2) at 2026-12-01T01:40:00.000Z: … ; tried again from …`, in the
    /// reader's language (the job's name, period and detail stay as they are).
    static func describe(_ run: JobRun, _ context: Context) -> String {
        let stateName = context.localized(run.state.rawValue)
        let state = run.state == .failed ? context.styled(stateName, .red) : stateName
        let when = run.finishedAt.map { context.localized(" (attempt \(run.attempts)) at \(Timestamp.string($0))") }
            ?? context.localized(" (attempt \(run.attempts)) since \(Timestamp.string(run.startedAt))")
        let retry = run.nextAttemptAt.map { context.localized("; tried again from \(Timestamp.string($0))") } ?? ""
        return "  " + TerminalSafe.text("\(run.job) \(run.period)".padding(toLength: 18, withPad: " ", startingAt: 0)) + " "
            + state + TerminalSafe.text(when + (run.detail.map { ": \($0)" } ?? "") + retry)
    }

    /// `store: pending_review 27, duplicate 16`, each state named in the catalog's language.
    static func describeQueue(_ status: StatusReport, _ catalog: MessageCatalog) -> String {
        let order = ItemState.allCases.map(\.rawValue)
        let counts = order.compactMap { state in status.states[state].flatMap { $0 > 0 ? "\(catalog(state)) \($0)" : nil } }
        return counts.isEmpty ? "store: empty" : "store: " + counts.joined(separator: ", ")
    }

    /// `status --json`: the store's report with the scheduled jobs' latest runs beside it.
    struct StatusOutput: Encodable {
        var report: StatusReport
        var jobs: [JobRun]

        enum CodingKeys: String, CodingKey {
            case jobs
        }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(jobs, forKey: .jobs)
        }
    }

    static func status(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        try arguments.finish()
        let store = try context.store()
        let status = try store.status()
        let jobs = try store.jobRuns(limit: 20)
        if json {
            try context.printJSON(StatusOutput(report: status, jobs: jobs))
            return 0
        }
        context.say("items: \(status.total)")
        // State names are shown as the reader's language names them, padded by the width a terminal gives them.
        let labels = ItemState.allCases.map { context.localized($0.rawValue) }
        let width = max(15, labels.map(TerminalText.displayWidth).max() ?? 0)
        for (state, label) in zip(ItemState.allCases, labels) {
            let padding = String(repeating: " ", count: width - TerminalText.displayWidth(label))
            context.console.print("  \(label)\(padding) \(status.states[state.rawValue] ?? 0)")
        }
        if !status.failures.isEmpty {
            context.say("failures by stage:")
            for failure in status.failures {
                context.say(TerminalSafe.text("  \(failure.stage)/\(failure.code): \(failure.count) (e.g. \(failure.example))"))
            }
        }
        if !status.reviewableProblems.isEmpty {
            context.say("in review without page text: " + status.reviewableProblems.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !status.duplicatesByRootState.isEmpty {
            context.say("duplicates by the state of their original: " + status.duplicatesByRootState.sorted { $0.key < $1.key }
                .map { "\(context.localized($0.key)) \($0.value)" }.joined(separator: ", "))
        }
        if !jobs.isEmpty {
            context.say("scheduled jobs (sluice run --watch):")
            for run in jobs { context.console.print(describe(run, context)) }
        }
        return 0
    }
}

/// Turns SIGINT and SIGTERM into a stop request: the first calls `onFirst` (the command stops taking work and
/// finishes what is in flight); a second one exits at once (nothing is lost: uncommitted items stay in their
/// state). With `onReload`, SIGHUP calls it.
final class SignalTrap {
    /// The first stop signal, kept where the handlers (on the signal queue) and the command can both see it.
    private final class FirstSignal: Sendable {
        let number = Atomic<Int32>(0)
    }

    private let sources: [any DispatchSourceSignal]
    private let first = FirstSignal()
    private let trapped: [Int32]

    init(onFirst: @escaping @Sendable (Int32) -> Void, onReload: (@Sendable () -> Void)? = nil) {
        var sources: [any DispatchSourceSignal] = []
        var trapped = [SIGINT, SIGTERM]
        if onReload != nil { trapped.append(SIGHUP) }
        let queue = DispatchQueue(label: "sluice.signals")
        let first = self.first
        for signalNumber in trapped {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if signalNumber == SIGHUP {
                    onReload?()
                    return
                }
                guard first.number.compareExchange(expected: 0, desired: signalNumber, ordering: .sequentiallyConsistent)
                    .exchanged else { exit(130) }
                onFirst(signalNumber)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
        self.trapped = trapped
    }

    /// The signal that asked to stop, if any.
    var firstSignal: Int32? {
        let number = first.number.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
    }

    func cancel() {
        for source in sources { source.cancel() }
        for signalNumber in trapped { signal(signalNumber, SIG_DFL) }
    }
}
