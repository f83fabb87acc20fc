import Foundation
import Testing
import SluiceCLI

/// Runs the real command line in process against one store file and checks its exit status.
struct CLIHarness {
    let storePath: String

    @discardableResult
    func run(_ arguments: [String], input: String = "", expect status: Int32 = 0,
             sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        let console = Console.capturing(input: Data(input.utf8))
        let result = Command.run(arguments: arguments + ["--store", storePath], console: console, environment: [:])
        #expect(result == status, "sluice \(arguments.joined(separator: " ")): \(console.errors)",
                sourceLocation: sourceLocation)
        return console
    }

    /// Runs with `--json` and parses what it printed.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(run(arguments + ["--json"], sourceLocation: sourceLocation).output.utf8))
    }
}
