import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

@Suite struct CommandLineTests {
    let directory = TemporaryDirectory("cli")

    func sluice(_ arguments: [String]) -> (status: Int32, console: Console) {
        let console = Console.capturing()
        let status = Command.run(arguments: arguments + ["--store", directory.path("s.db")], console: console, environment: [:])
        return (status, console)
    }

    @Test func everyCommandHasHelp() {
        for command in ["submit", "import", "run", "status", "review", "publish", "export"] {
            let (status, console) = sluice([command, "--help"])
            #expect(status == 0)
            #expect(console.output.contains("usage: sluice \(command)"), "\(command) --help")
        }
        #expect(sluice(["--help"]).console.output.contains("usage: sluice COMMAND"))
    }

    @Test func usageErrorsExitTwoAndNameTheProblem() {
        let unknown = sluice(["frobnicate"])
        #expect(unknown.status == 2)
        #expect(unknown.console.errors.contains("unknown command \"frobnicate\""))
        let badOption = sluice(["status", "--colour"])
        #expect(badOption.status == 2)
        #expect(badOption.console.errors.contains("unknown option --colour"))
        let noVolunteer = sluice(["submit", "https://www.36kr.com/p/1"])
        #expect(noVolunteer.status == 2)
        #expect(noVolunteer.console.errors.contains("--by VOLUNTEER is required"))
    }

    @Test func refusedSubmissionsExitOneWithTheReason() {
        let (status, console) = sluice(["submit", "javascript:alert(1)", "--by", "小明",
                                        "--pipeline", SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path])
        #expect(status == 1)
        #expect(console.errors.contains("only http and https links are accepted"))
    }

    @Test func hostileTextNeverReachesTheTerminalRaw() {
        let hostile = "x\u{1B}]52;c;ZXZpbA==\u{07}"
        for arguments in [["review", "show", hostile], ["status", hostile], ["status", "--" + hostile],
                          ["eval", hostile], [hostile]] {
            let (status, console) = sluice(arguments)
            #expect(status == 2)
            #expect(!console.errors.isEmpty)
            #expect(!(console.errors + console.output).contains("\u{1B}"), "\(arguments)")
            #expect(!(console.errors + console.output).contains("\u{07}"), "\(arguments)")
        }
    }
}
