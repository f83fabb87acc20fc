/// `sluice eval WHAT` and `sluice bench WHAT`: one word per stage, each handled where that stage's
/// commands live.
enum MeasureCommands {
    static let evaluations: [String: Command.Entry] = [
        "charset": Command.Entry(help: CharsetCommands.help, run: CharsetCommands.eval),
        "extract": Command.Entry(help: ParseCommands.evalHelp, run: ParseCommands.eval),
        "dedup": Command.Entry(help: Help.evalDedup, run: DedupCommands.eval),
        "classify": Command.Entry(help: Help.evaluate, run: ClassifyCommands.evaluate),
        "url": Command.Entry(help: URLCommands.evalHelp, run: URLCommands.eval),
    ]

    static let benchmarks: [String: Command.Entry] = [
        "fetch": Command.Entry(help: FetchCommands.help, run: FetchCommands.bench),
        "parse": Command.Entry(help: ParseCommands.benchHelp, run: ParseCommands.bench),
        "dedup": Command.Entry(help: Help.benchDedup, run: DedupCommands.bench),
        "classify": Command.Entry(help: Help.bench, run: ClassifyCommands.bench),
    ]

    static let evalHelp = combinedHelp(evaluations)
    static let benchHelp = combinedHelp(benchmarks)

    static func eval(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        try dispatch(&arguments, context, command: "eval", table: evaluations)
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        try dispatch(&arguments, context, command: "bench", table: benchmarks)
    }

    private static func dispatch(_ arguments: inout Arguments, _ context: Context, command: String,
                                 table: [String: Command.Entry]) throws -> Int32 {
        let choices = table.keys.sorted().joined(separator: ", ")
        guard let word = arguments.takeSubcommand() else { throw UsageError("\(command): name what to measure (\(choices))") }
        guard let entry = table[word] else {
            throw UsageError("\(command): unknown subcommand \"\(TerminalSafe.text(word))\" (one of \(choices))")
        }
        return try entry.run(&arguments, context)
    }

    private static func combinedHelp(_ table: [String: Command.Entry]) -> String {
        table.keys.sorted().compactMap { table[$0]?.help }.joined(separator: "\n")
    }
}
