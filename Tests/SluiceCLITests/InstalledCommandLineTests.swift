import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceTestSupport

/// What an installed sluice needs from its command line: its version and libraries, the configuration in
/// force, options before the command, one table of exit statuses.
@Suite struct InstalledCommandLineTests {
    let directory = TemporaryDirectory("installed-cli")

    func sluice(_ arguments: [String], environment: [String: String] = [:], system: String? = nil,
                terminal: Bool = false) -> (status: Int32, console: Console) {
        let console = Console.capturing(terminal: terminal)
        let status = Command.run(arguments: arguments, console: console, environment: environment,
                                 systemConfiguration: system ?? directory.path("no-etc"))
        return (status, console)
    }

    func folder(_ name: String, files: [String: String]) throws -> String {
        let url = directory.url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (file, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(file)) }
        return url.path
    }

    /// What pkg-config says of a library's version, or nil when it cannot tell.
    func pkgConfigVersion(_ package: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pkg-config", "--modversion", package]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func versionNamesEveryLibraryAtTheVersionLoaded() throws {
        let (status, console) = sluice(["--version"])
        #expect(status == 0)
        let lines = console.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "sluice \(Command.version)")
        for (library, package) in [("libxml2", "libxml-2.0"), ("libcurl", "libcurl"), ("SQLite", "sqlite3"),
                                   ("libpq", "libpq"), ("libidn2", "libidn2"), ("libpsl", "libpsl"), ("zlib", "zlib"),
                                   ("libzstd", "libzstd")] {
            let line = try #require(lines.first { $0.split(separator: " ").first.map(String.init) == library },
                                    "\(library) in \(console.output)")
            let version = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
            #expect(version.first?.isNumber == true, "\(line)")
            // The headers the build used and the library loaded are the same Debian package here.
            if let expected = pkgConfigVersion(package) {
                #expect(version == expected || version.hasPrefix(expected + ".") || expected.hasPrefix(version),
                        "\(library): \(version), pkg-config says \(expected)")
            }
        }
        #expect(sluice(["-V"]).console.output == console.output)
    }

    @Test func configShowSaysWhereEachFileCameFrom() throws {
        let rules = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("pipelines/rules.json"), encoding: .utf8)
        let home = try folder("home", files: ["rules.json": rules])
        let etc = try folder("etc", files: ["pipeline.json": #"{"name": "site"}"#])
        let (status, console) = sluice(["config", "show", "--json", "--store", directory.path("s.db")],
                                       environment: ["SLUICE_HOME": home], system: etc)
        #expect(status == 0, "\(console.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        let files = try #require(report["files"] as? [[String: Any]])
        let byRole = Dictionary(uniqueKeysWithValues: files.map { ($0["role"] as? String ?? "", $0) })
        #expect(byRole["pipeline"]?["path"] as? String == etc + "/pipeline.json")
        #expect(byRole["pipeline"]?["source"] as? String == etc)
        #expect(byRole["classify_rules"]?["path"] as? String == home + "/rules.json")
        #expect(byRole["classify_rules"]?["source"] as? String == "$SLUICE_HOME")
        #expect(byRole["url_rules"]?["path"] is NSNull)
        #expect((byRole["url_rules"]?["source"] as? String)?.hasPrefix("built into sluice") == true)
        let store = try #require(report["store"] as? [String: Any])
        #expect(store["source"] as? String == "--store")
        #expect(store["location"] as? String == directory.path("s.db"))

        let text = sluice(["config", "show"], environment: ["SLUICE_STORE": directory.path("t.db")])
        #expect(text.status == 0)
        #expect(text.console.output.contains("built-in url-rules.json"))
        #expect(text.console.output.contains("$SLUICE_STORE"))
        #expect(text.console.output.contains("$SLUICE_HOME (not set)"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("t.db")), "config show never creates a store")
    }

    @Test func aBrokenOverrideIsAnEnvironmentErrorNamingTheFileAndKey() throws {
        let home = try folder("broken", files: ["blocked-pages.json": #"{"version": "1", "rules": [], "rulez": []}"#])
        let (status, console) = sluice(["config", "show"], environment: ["SLUICE_HOME": home])
        #expect(status == 2)
        #expect(console.errors.contains(home + "/blocked-pages.json: rulez: unknown key"), "\(console.errors)")
    }

    @Test func configPrintGivesTheTextInForce() throws {
        let (status, console) = sluice(["config", "print", "url_rules"])
        #expect(status == 0)
        let expected = try String(contentsOf: SharedCorpus.packageRoot.appendingPathComponent("pipelines/url-rules.json"),
                                  encoding: .utf8)
        #expect(console.output == expected)
        #expect(sluice(["config", "print", "../etc/passwd"]).status == 2)
        #expect(sluice(["config", "print", "nothing.json"]).status == 2)
    }

    /// `sluice --store X review list` is `sluice review list --store X`; likewise the other common options.
    @Test func commonOptionsWorkBeforeTheCommand() throws {
        let store = directory.path("s.db")
        #expect(sluice(["--store", store, "submit", "--note", "小区团购团长，一个月多赚一千", "--by", "阿强"]).status == 0)
        let before = sluice(["--store", store, "--json", "review", "list", "--state", "all"])
        let after = sluice(["review", "list", "--state", "all", "--json", "--store", store])
        #expect(before.status == 0, "\(before.console.errors)")
        #expect(before.console.output == after.console.output)
        #expect(before.console.output.contains("小区团购团长"))
        let equals = sluice(["--store=\(store)", "--quiet", "--log-format", "json", "--lang", "zh", "status"])
        #expect(equals.status == 0, "\(equals.console.errors)")
        #expect(equals.console.output.contains("条目：1"), "--lang zh before the command speaks Chinese")
        // After `--` every word is an argument: the options from before the command still apply.
        let separated = sluice(["--store", store, "review", "show", "--", "1"])
        #expect(separated.status == 0, "\(separated.console.errors)")
        #expect(separated.console.output.contains("小区团购团长"))

        let missingValue = sluice(["--store"])
        #expect(missingValue.status == 2)
        #expect(missingValue.console.errors.contains("--store needs a value"))
        let unknown = sluice(["--colour", "status"])
        #expect(unknown.status == 2)
        #expect(unknown.console.errors.contains("unknown option --colour before the command"))
        let badFormat = sluice(["--log-format", "xml", "status", "--store", store])
        #expect(badFormat.status == 2)
        #expect(badFormat.console.errors.contains("--log-format is text or json"))
    }

    /// `--log-format json` makes every line on standard error one JSON object, errors included.
    @Test func jsonLogLinesAreOneObjectEach() throws {
        let (status, console) = sluice(["--log-format", "json", "status", "--store", directory.path("absent.db")])
        #expect(status == 2)
        let lines = console.errors.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
        #expect(object["level"] == "error")
        #expect(object["message"]?.contains("no sluice store here") == true)
        #expect(object["time"].flatMap(Timestamp.date) != nil)
    }

    @Test func helpHasOneExitStatusTableAndEveryCommandsHelp() {
        let overview = sluice(["--help"]).console.output
        for status in ["0 ", "1 ", "2 ", "130 "] {
            #expect(overview.contains("\n  " + status), "exit status \(status) in the overview")
        }
        #expect(overview.contains("NO_COLOR") && overview.contains("SLUICE_HOME") && overview.contains("--quiet"))
        #expect(sluice(["help", "config"]).console.output.contains("usage: sluice config show"))
        #expect(sluice(["help", "nothing"]).status == 2)
        #expect(sluice([]).status == 2)
        for name in Command.commandNames {
            let (status, console) = sluice([name, "--help"])
            #expect(status == 0 && console.output.contains("usage: sluice \(name)"), "\(name) --help")
        }
    }
}
