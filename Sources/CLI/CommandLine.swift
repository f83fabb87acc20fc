import Foundation
import SluiceCore
import SluiceFetch
import SluiceParse
import SluicePipeline
import SluiceStore

/// The `sluice` command line: a thin shell that parses arguments, calls the library and prints.
public enum Command {
    /// sluice's own version, printed by `sluice --version` with the libraries it runs on.
    public static let version = "0.14.0"

    /// Runs one invocation against the process's standard streams; returns the exit status.
    public static func main(arguments: [String]) -> Int32 {
        run(arguments: arguments, console: .standard(), environment: ProcessInfo.processInfo.environment)
    }

    /// Options that may come before the command (`sluice --store X review list`) as well as after it: they are
    /// handed to the command as if written after it. The first four take a value.
    static let globalOptions = ["--store", "--pipeline", "--lang", "--log-format"]
    static let globalFlags = ["--json", "--quiet"]

    /// Runs one invocation; the exit statuses are `Help.exitStatus`. `systemConfiguration` is the folder of
    /// system-wide configuration overrides (`/etc/sluice`; tests name another).
    public static func run(arguments: [String], console: Console, environment: [String: String],
                           systemConfiguration: String = ConfigurationSearch.systemFolder) -> Int32 {
        var arguments = arguments
        console.catalog = .builtIn(requestedLanguage(arguments, environment: environment))
        var hoisted: [String] = []
        while let first = arguments.first, first.hasPrefix("-") {
            if first == "--version" || first == "-V" {
                console.print(versionText())
                return 0
            }
            if first == "--help" || first == "-h" { break }
            if let name = globalOptions.first(where: { first == $0 || first.hasPrefix($0 + "=") }) {
                guard first != name || arguments.count > 1 else {
                    console.error("\(name) needs a value (see sluice --help)")
                    return 2
                }
                let taken = first == name ? 2 : 1
                hoisted += arguments.prefix(taken)
                arguments.removeFirst(taken)
            } else if globalFlags.contains(first) {
                hoisted.append(arguments.removeFirst())
            } else {
                console.error("unknown option \(TerminalSafe.text(first)) before the command (see sluice --help)")
                return 2
            }
        }
        guard let name = arguments.first else {
            console.print(console.catalog.help("") ?? Help.overview)
            return 2
        }
        if name == "--help" || name == "-h" {
            console.print(console.catalog.help("") ?? Help.overview)
            return 0
        }
        arguments.removeFirst()
        if name == "help" {
            return help(topic: arguments, console: console)
        }
        guard let command = commands[name] else {
            console.error("unknown command \"\(TerminalSafe.text(name))\" (see sluice --help)")
            return 2
        }
        // After a `--` every word is an argument, so the options from before the command go in front of it.
        arguments.insert(contentsOf: hoisted, at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
        var parsed = Arguments(arguments, command: name)
        if parsed.wantsHelp {
            console.print(console.catalog.help(name) ?? command.help)
            return 0
        }
        do {
            let context = try Context(arguments: &parsed, console: console, environment: environment,
                                      systemConfiguration: systemConfiguration)
            return try command.run(&parsed, context)
        } catch let error as UsageError {
            console.error(TerminalSafe.text(error.message))
            return 2
        } catch let error as StoreError where error.isEnvironmental {
            console.error(TerminalSafe.text(error.description))
            return 2
        } catch let error as ConfigurationError {
            console.error(TerminalSafe.text(error.description))
            return 2
        } catch {
            console.error(TerminalSafe.text(describe(error)))
            return 1
        }
    }

    /// `sluice help [COMMAND]`: the overview, or one command's help; `--man` and `--completion SHELL` write the
    /// manual page and the shell completions from the same texts (for scripts/install.sh).
    static func help(topic: [String], console: Console) -> Int32 {
        guard let name = topic.first else {
            console.print(console.catalog.help("") ?? Help.overview)
            return 0
        }
        if name == "--man", topic.count == 1 {
            console.writeRaw(Data(ManualPage.render().utf8))
            return 0
        }
        if name == "--completion" {
            let shells = ShellCompletion.Shell.allCases.map(\.rawValue).joined(separator: " or ")
            guard topic.count == 2, let shell = ShellCompletion.Shell(rawValue: topic[1]) else {
                console.error("help --completion: name the shell, \(shells)")
                return 2
            }
            console.writeRaw(Data(ShellCompletion.script(shell).utf8))
            return 0
        }
        guard let command = commands[name] else {
            console.error("help: unknown command \"\(TerminalSafe.text(name))\" (see sluice --help)")
            return 2
        }
        console.print(console.catalog.help(name) ?? command.help)
        return 0
    }

    /// The language asked for before the arguments are parsed, so that even a misspelt command is answered in
    /// it: a `--lang` anywhere before `--`, else the environment. A bad `--lang` is reported once parsed.
    static func requestedLanguage(_ arguments: [String], environment: [String: String]) -> MessageLanguage {
        let words = arguments.prefix { $0 != "--" }
        for (index, word) in words.enumerated() {
            if word.hasPrefix("--lang="), let chosen = MessageLanguage(tag: String(word.dropFirst(7))) { return chosen }
            if word == "--lang", index + 1 < words.count, let chosen = MessageLanguage(tag: words[index + 1]) {
                return chosen
            }
        }
        return MessageLanguage.from(environment: environment)
    }

    /// `sluice --version`: sluice's version and the version of every C library it runs on, as loaded.
    static func versionText() -> String {
        let libraries = ParserLibrary.versions + FetchLibraries.versions + CompressionLibraries.versions + StoreLibraries.versions
            + URLLibraries.versions
        let width = libraries.map(\.name.count).max() ?? 0
        return (["sluice \(version)"] + libraries.map { library in
            "  " + library.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + library.version
                + (library.detail.map { " (\($0))" } ?? "")
        }).joined(separator: "\n")
    }

    /// Every command's name, for the help tests, the man page and the shell completions.
    public static var commandNames: [String] { commands.keys.sorted() }

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
        "config": Entry(help: ConfigCommands.help, run: ConfigCommands.config),
        "backup": Entry(help: Help.backup, run: StoreCommands.backup),
        "check": Entry(help: Help.check, run: StoreCommands.check),
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

/// What every command may use: the store (opened on first use), the pipeline in force, the clock and the console.
final class Context {
    let console: Console
    let environment: [String: String]
    let storeLocation: StoreLocation
    /// What chose the store: `--store`, `$SLUICE_STORE` or the default.
    let storeSource: String
    let clock: any TimeSource = SystemClock()
    /// `--quiet`: no notes and no progress; results and errors are still printed.
    let quiet: Bool
    let language: MessageLanguage
    /// Where configuration files are looked for after `--pipeline`: `$SLUICE_HOME`, then `/etc/sluice`.
    let configurationSearch: ConfigurationSearch
    /// Colours on standard output: a terminal, and neither `NO_COLOR` nor `TERM=dumb` says otherwise.
    let colors: Bool
    private var openedStore: (any Store)?

    init(arguments: inout Arguments, console: Console, environment: [String: String],
         systemConfiguration: String = ConfigurationSearch.systemFolder) throws {
        self.console = console
        self.environment = environment
        if let named = try arguments.option("--store") {
            storeLocation = StoreLocation(named)
            storeSource = "--store"
        } else if let named = environment["SLUICE_STORE"], !named.isEmpty {
            storeLocation = StoreLocation(named)
            storeSource = "$SLUICE_STORE"
        } else {
            storeLocation = StoreLocation("sluice.db")
            storeSource = "default (./sluice.db)"
        }
        quiet = arguments.flag("--quiet")
        if let format = try arguments.option("--log-format") {
            guard let parsed = LogFormat(rawValue: format) else {
                throw UsageError("--log-format is text or json, not \"\(TerminalSafe.text(format))\"")
            }
            console.logFormat = parsed
        }
        // `Command.run` chose the language before parsing (`requestedLanguage`); here `--lang` is only checked.
        if let tag = try arguments.option("--lang"), MessageLanguage(tag: tag) == nil {
            throw UsageError("--lang is en or zh, not \"\(TerminalSafe.text(tag))\"")
        }
        language = console.catalog.language
        configurationSearch = .standard(home: environment["SLUICE_HOME"], system: systemConfiguration)
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        colors = console.outputIsTerminal && !noColor && environment["TERM"] != "dumb"
    }

    /// The store, opened once. Only commands that take in work (`init`, `submit`, `import`) pass `create`:
    /// any other command on a location with no store says so instead of making an empty one.
    func store(create: Bool = false) throws -> any Store {
        if let openedStore { return openedStore }
        let store = try storeLocation.open(create: create)
        openedStore = store
        return store
    }

    /// The pipeline in force: `--pipeline FILE`, else `pipeline.json` in `$SLUICE_HOME` or `/etc/sluice`, else
    /// the built-in default; its rule files are found the same way (beside `--pipeline` first).
    func pipeline(_ arguments: inout Arguments) throws -> PipelineDefinition {
        try PipelineDefinition.locate(explicit: try arguments.option("--pipeline"), search: configurationSearch)
    }

    /// Notes and warnings of a use case, on standard error, made safe for a terminal; none with `--quiet`.
    func note(_ text: String) {
        guard !quiet else { return }
        console.diagnostic(.notice, TerminalSafe.text(text))
    }

    /// `line` in the reader's language (the catalog `--lang` or the locale chose), for results a person reads;
    /// never for JSON, which stays in English whatever the locale.
    func localized(_ line: String) -> String {
        console.catalog(line)
    }

    /// Prints result lines for a person on standard output, in their language, each line translated on its own
    /// (a template's last value never swallows the lines after it).
    func say(_ text: String) {
        console.print(text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { console.catalog(String($0)) }.joined(separator: "\n"))
    }

    /// `text` in a colour on a terminal that allows colours, else as it is.
    func styled(_ text: String, _ color: TerminalColor) -> String {
        colors ? "\u{1B}[\(color.rawValue)m" + text + "\u{1B}[0m" : text
    }

    /// Live progress on standard error when it is a terminal and `--quiet` is not given; else none.
    func progress(_ stages: [String]) -> ProgressDisplay? {
        console.errorIsTerminal && !quiet ? ProgressDisplay(console: console, stages: stages) : nil
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

/// The few colours sluice uses (SGR codes).
enum TerminalColor: Int {
    case red = 31, green = 32, yellow = 33
}

/// The one JSON encoder configuration of the command line.
enum JSONText {
    static func encode<T: Encodable>(_ value: T, pretty: Bool = true, snakeCaseKeys: Bool = false) throws -> String {
        String(decoding: try encoder(pretty: pretty, snakeCaseKeys: snakeCaseKeys).encode(value), as: UTF8.self)
    }

    /// The configured encoder itself, for a command that encodes many values one by one (a streamed list).
    static func encoder(pretty: Bool = true, snakeCaseKeys: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        return encoder
    }
}
