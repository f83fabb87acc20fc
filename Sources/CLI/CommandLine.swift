import Foundation
import SluiceCore
import SluicePipeline
import SluiceStore

/// The `sluice` command line: a thin shell that parses arguments, calls the library and prints.
public enum Command {
    /// Runs one invocation against the process's standard streams; returns the exit status.
    public static func main(arguments: [String]) -> Int32 {
        run(arguments: arguments, console: .standard(), environment: ProcessInfo.processInfo.environment)
    }

    /// Exit statuses: 0 success, 1 the work was done but something was refused or failed (named on
    /// standard error), 2 a usage error, 130 interrupted.
    public static func run(arguments: [String], console: Console, environment: [String: String]) -> Int32 {
        var arguments = arguments
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            console.print(Help.overview)
            return arguments.isEmpty ? 2 : 0
        }
        arguments.removeFirst()
        guard let command = commands[name] else {
            console.error("unknown command \"\(TerminalSafe.text(name))\" (see sluice --help)")
            return 2
        }
        var parsed = Arguments(arguments, command: name)
        if parsed.wantsHelp {
            console.print(command.help)
            return 0
        }
        do {
            let context = try Context(arguments: &parsed, console: console, environment: environment)
            return try command.run(&parsed, context)
        } catch let error as UsageError {
            console.error(TerminalSafe.text(error.message))
            return 2
        } catch let error as StoreError where error.isEnvironmental {
            console.error(TerminalSafe.text(error.description))
            return 2
        } catch {
            console.error(TerminalSafe.text(describe(error)))
            return 1
        }
    }

    static func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    struct Entry: Sendable {
        var help: String
        var run: @Sendable (inout Arguments, Context) throws -> Int32
    }

    static let commands: [String: Entry] = [
        "init": Entry(help: Help.initialize, run: StoreCommands.initialize),
        "migrate": Entry(help: Help.migrate, run: StoreCommands.migrate),
        "submit": Entry(help: Help.submit, run: IntakeCommands.submit),
        "import": Entry(help: Help.importFiles, run: IntakeCommands.importFiles),
        "run": Entry(help: Help.run, run: PipelineCommands.run),
        "status": Entry(help: Help.status, run: PipelineCommands.status),
        "review": Entry(help: Help.review, run: ReviewCommands.review),
        "publish": Entry(help: Help.publish, run: PublishCommands.publish),
        "export": Entry(help: Help.export, run: PublishCommands.export),
        "archive": Entry(help: ArchiveCommands.help, run: ArchiveCommands.archive),
        "unpublish": Entry(help: Help.unpublish, run: PublishCommands.unpublish),
        "recheck": Entry(help: Help.recheck, run: RecheckCommand.run),
        "volunteers": Entry(help: Help.volunteers, run: VolunteersCommand.run),
        "volunteer": Entry(help: Help.volunteer, run: VolunteerCommands.volunteer),
        "serve": Entry(help: Help.serve, run: ServeCommand.run),
        "train": Entry(help: Help.train, run: ClassifyCommands.train),
        "rules": Entry(help: Help.rules, run: ClassifyCommands.rules),
        "reprocess": Entry(help: Help.reprocess + "\n" + Help.reprocessDedup, run: ReprocessCommands.reprocess),
        "unlink": Entry(help: Help.unlink, run: DedupCommands.unlink),
        "why-dup": Entry(help: Help.whyDup, run: DedupCommands.whyDup),
        "extract": Entry(help: ParseCommands.extractHelp, run: ParseCommands.extract),
        "eval": Entry(help: MeasureCommands.evalHelp, run: MeasureCommands.eval),
        "bench": Entry(help: MeasureCommands.benchHelp, run: MeasureCommands.bench),
    ]
}

/// What every command may use: the store (opened on first use), the pipeline file, the clock and the console.
final class Context {
    let console: Console
    let environment: [String: String]
    let storeLocation: StoreLocation
    let clock: any TimeSource = SystemClock()
    private var openedStore: (any Store)?

    init(arguments: inout Arguments, console: Console, environment: [String: String]) throws {
        self.console = console
        self.environment = environment
        storeLocation = StoreLocation(try arguments.option("--store") ?? environment["SLUICE_STORE"] ?? "sluice.db")
    }

    /// The store, opened once. Only commands that take in work (`init`, `submit`, `import`) pass `create`:
    /// any other command on a location with no store says so instead of making an empty one.
    func store(create: Bool = false) throws -> any Store {
        if let openedStore { return openedStore }
        let store = try storeLocation.open(create: create)
        openedStore = store
        return store
    }

    /// The pipeline file named by `--pipeline`, or the default one.
    func pipeline(_ arguments: inout Arguments) throws -> PipelineDefinition {
        try PipelineDefinition.load(path: try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline)
    }

    /// Notes and warnings of a use case, on standard error, made safe for a terminal.
    func note(_ text: String) {
        console.error(TerminalSafe.text(text))
    }

    /// Prints a value as JSON: sorted keys, UTF-8 text as is (no `\u` escapes of CJK), slashes unescaped;
    /// `snakeCaseKeys` for the measurement reports, whose Swift property names become their field names.
    func printJSON<T: Encodable>(_ value: T, snakeCaseKeys: Bool = false) throws {
        console.print(try JSONText.encode(value, snakeCaseKeys: snakeCaseKeys))
    }

    /// Prints a measurement report: as JSON with `json`, else its text form, sanitized (reports quote
    /// corpus file names and category ids).
    func printReport<T: Encodable & CustomStringConvertible>(_ report: T, json: Bool, snakeCaseKeys: Bool = false) throws {
        if json {
            try printJSON(report, snakeCaseKeys: snakeCaseKeys)
        } else {
            console.print(TerminalSafe.text(report.description))
        }
    }
}

extension StoreError {
    /// Errors of where the store is rather than of what was asked: exit status 2, like a usage error.
    var isEnvironmental: Bool {
        switch self {
        case .noStore, .notAStore, .unreachable, .newerSchema, .readOnly, .targetNotEmpty: true
        default: false
        }
    }
}

/// The one JSON encoder configuration of the command line.
enum JSONText {
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true, snakeCaseKeys: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
