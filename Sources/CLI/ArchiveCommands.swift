import Foundation
import SluiceApp

/// `sluice archive export`: every stored response as WARC/1.1 request and response records.
enum ArchiveCommands {
    static let help = """
        usage: sluice archive export --out FILE.warc[.gz] [--json]

        Writes every response the fetch stage stored (status, headers and body as received) as a WARC/1.1
        `response` record with its `request` record. A name ending in .gz is gzipped record by record, as
        WARC readers expect. `sluice run --replay FILE` reads the result back.
        """

    static func archive(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let subcommand = arguments.takeSubcommand() else { throw UsageError("archive: name a subcommand (export)") }
        guard subcommand == "export" else {
            throw UsageError("archive: unknown subcommand \"\(TerminalSafe.text(subcommand))\" (export)")
        }
        guard let out = try arguments.option("--out") else { throw UsageError("archive export: --out FILE.warc[.gz] is required") }
        let json = arguments.flag("--json")
        try arguments.finish()
        let count = try ArchiveService.export(from: try context.store(), to: out)
        if json {
            try context.printJSON(["responses": count])
        } else {
            context.say("wrote \(count) response(s) with their requests to \(TerminalSafe.text(out))")
        }
        return 0
    }
}
