import Foundation
import SluiceCore
import SluiceMeasure

/// `sluice eval charset`: the charset measurement on the real-page corpus, from the command line.
enum CharsetCommands {
    static let help = """
        usage: sluice eval charset [DIR] [--set NAME]... [--json]

        Decodes every page of the corpus in DIR (default ../shared/corpus: <set>/<id>.html with the ground
        truth in <id>.json beside it) the way the fetch stage does, and reports per set how many pages got
        the right charset, how many were repaired, how many still show mojibake (more U+FFFD than their
        damaged bytes explain, or UTF-8 read as Latin-1) and whether the title and the start of the body
        came out clean; then every page that went wrong, and the decoding speed against iconv told the
        true charset.

        Without --set: the legacy-encoded sets in full, plus the pages of other sets whose declared
        charset disagrees with their bytes. With --set: every page of the named sets.

        options
          --set NAME   measure this set in full (repeatable)
          --json       print {"sets","pages","bytes","decode_seconds","reference_seconds"}
        Exit status 1 when DIR holds no page with ground truth.
        """

    /// `sluice eval`: `charset` here, every other subcommand on to `eval dedup` and `eval classify`.
    static func eval(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let sets = try arguments.options("--set")
        let json = arguments.flag("--json")
        let positionals = try arguments.positionals()
        guard positionals.count <= 1 else { throw UsageError("eval charset: name one corpus directory at most") }
        let directory = positionals.first ?? "../shared/corpus"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            context.console.error("eval charset: \(TerminalSafe.text(directory)) is not a directory (give the corpus directory: <set>/<id>.html with <id>.json beside it)")
            return 1
        }
        let report = CharsetEvaluation.run(corpus: URL(fileURLWithPath: directory), sets: sets.isEmpty ? nil : sets)
        guard !report.pages.isEmpty else {
            context.console.error(sets.isEmpty
                ? "eval charset: \(TerminalSafe.text(directory)) holds no page with ground truth (<set>/<id>.html with <id>.json beside it)"
                : "eval charset: \(TerminalSafe.text(directory)) holds no page with ground truth (<set>/<id>.html with <id>.json beside it) in the set(s) \(TerminalSafe.text(sets.joined(separator: ", ")))")
            return 1
        }
        try context.printReport(report, json: json, snakeCaseKeys: true)
        return 0
    }
}
