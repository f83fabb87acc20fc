import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

/// scripts/install.sh into a temporary prefix, then the installed sluice used as an administrator would: from a
/// folder outside the checkout, with HOME and SLUICE_HOME elsewhere, on the samples it installed. It installs
/// the debug binary (`--binary`), so the suite needs no release build; SLUICE_TEST_INSTALL_BINARY names another
/// (the release one, `.build/release/sluice`). install.sh cannot build inside `swift test`, which holds the
/// build folder's lock: `bash scripts/install.sh --prefix DIR` is the release path, as the README says.
@Suite struct InstallTests {
    let directory = TemporaryDirectory("install")
    var prefix: String { directory.path("prefix") }
    static let binary = ProcessInfo.processInfo.environment["SLUICE_TEST_INSTALL_BINARY"].flatMap { $0.isEmpty ? nil : $0 }
        ?? BinaryRun.sluice
    static var binaryBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Runs install.sh into the prefix; its standard error (what it says it did).
    func install(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let script = SharedCorpus.packageRoot.appendingPathComponent("scripts/install.sh").path
        let outcome = try BinaryRun.run("/bin/bash", [script, "--prefix", prefix, "--binary", Self.binary], directory: directory.url)
        #expect(outcome.status == 0, "install.sh: \(outcome.errors)", sourceLocation: sourceLocation)
        return outcome.errors
    }

    /// Every installed file and a digest of its bytes.
    func installedFiles() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = URL(fileURLWithPath: prefix)
        let walker = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(url.path.dropFirst(root.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    /// The installed sluice, run from a folder of its own, its configuration and home elsewhere.
    func sluice(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> BinaryOutcome {
        let work = directory.url.appendingPathComponent("work", isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        return try BinaryRun.run(prefix + "/bin/sluice", arguments,
                                 environment: ["HOME": directory.path("home"), "SLUICE_HOME": directory.path("home/sluice"),
                                               "SLUICE_STORE": "", "NO_COLOR": "1"],
                                 directory: work)
    }

    func shell(_ program: String, _ script: String) throws -> BinaryOutcome {
        try BinaryRun.run(program, ["-c", script])
    }

    @Test(.enabled(if: binaryBuilt, "needs the sluice binary (swift build)"))
    func anInstalledSluiceRunsOnItsOwnFiles() throws {
        let said = try install()
        let files = try installedFiles()
        for path in ["bin/sluice", "share/sluice/pipeline.json", "share/sluice/url-rules.json", "share/sluice/rules.json",
                     "share/sluice/blocked-pages.json", "share/sluice/import-headers.json",
                     "share/sluice/samples/submissions.jsonl", "share/sluice/samples/captures.warc",
                     "share/man/man1/sluice.1", "share/bash-completion/completions/sluice",
                     "share/zsh/site-functions/_sluice", "lib/systemd/system/sluice.service",
                     "lib/systemd/system/sluice-serve.service", "lib/sysusers.d/sluice.conf"] {
            #expect(files[path] != nil, "\(path) installed: \(files.keys.sorted())")
        }
        #expect(files.keys.filter { $0.hasSuffix(".install-tmp") }.isEmpty, "no file left half placed")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            #expect(said.contains("the units pass systemd-analyze verify"), "\(said)")
        } else {
            #expect(said.contains("the units were not verified"), "\(said)")
        }
        #expect(try install() == said, "installing again says the same")
        #expect(try installedFiles() == files, "installing again installs the same files")

        let version = try sluice(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("sluice \(Command.version)\n"), "\(version.output)")

        // No /etc/sluice and an empty $SLUICE_HOME: every file in force is the built-in one, as installed.
        if !FileManager.default.fileExists(atPath: "/etc/sluice") {
            let shown = try sluice(["config", "show"])
            #expect(shown.status == 0, "\(shown.errors)")
            for role in ["pipeline", "url_rules", "classify_rules", "blocked_pages", "import_headers"] {
                let line = shown.output.split(separator: "\n").first { $0.hasPrefix(role + " ") } ?? ""
                #expect(line.hasSuffix("built into sluice \(Command.version)"), "\(role): \(shown.output)")
            }
            for name in ["pipeline.json", "url-rules.json", "rules.json", "blocked-pages.json", "import-headers.json"] {
                let printed = try sluice(["config", "print", name == "pipeline.json" ? "pipeline" : name])
                #expect(Data(printed.output.utf8) == files["share/sluice/" + name], "share/sluice/\(name) is what is built in")
            }
        }

        // The samples it installed, fetched from their recorded responses, as a first try without the network.
        let samples = prefix + "/share/sluice/samples/"
        #expect(try sluice(["init"]).status == 0)
        let sampleLines = try #require(files["share/sluice/samples/submissions.jsonl"]).split(separator: UInt8(ascii: "\n"))
        let firstSample = try #require(sampleLines.first)
        let sample = try JSONSerialization.jsonObject(with: Data(firstSample)) as? [String: Any]
        let url = try #require(sample?["url"] as? String)
        let submitted = try sluice(["submit", url, "--by", "管理员", "--note", "装好后的第一条"])
        #expect(submitted.status == 0, "\(submitted.errors)")
        let ran = try sluice(["run", "--replay", samples + "captures.warc", "--json"])
        #expect(ran.status == 0, "\(ran.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(ran.output.utf8)) as? [String: Any])
        #expect(summary["queued_for_review"] as? Int == 1, "\(ran.output)")
        let queue = try sluice(["review", "list", "--json"])
        let items = try #require(try JSONSerialization.jsonObject(with: Data(queue.output.utf8)) as? [[String: Any]])
        #expect(items.count == 1 && (items.first?["title"] as? String)?.isEmpty == false, "\(queue.output)")
        #expect(FileManager.default.fileExists(atPath: directory.path("work/sluice.db")), "the store is where the command ran")
    }

    @Test(.enabled(if: binaryBuilt, "needs the sluice binary (swift build)"))
    func theManualPageRendersWithoutWarnings() throws {
        _ = try install()
        let page = prefix + "/share/man/man1/sluice.1"
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") {
            let checked = try BinaryRun.run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", page])
            #expect(checked.status == 0 && checked.errors.isEmpty, "groff: \(checked.errors)")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/man") else {
            Issue.record("man (man-db) is not installed: scripts/setup.sh --test installs it")
            return
        }
        let rendered = try BinaryRun.run("/usr/bin/man", ["--warnings", "-l", page], environment: ["MANWIDTH": "100"])
        #expect(rendered.status == 0 && rendered.errors.isEmpty, "man: \(rendered.errors)")
        #expect(rendered.output.hasPrefix("SLUICE(1)"), "\(rendered.output.prefix(200))")
        for command in Command.commandNames {
            #expect(rendered.output.contains("sluice \(command)\n"), "a section for \(command)")
        }
        // Non-ASCII text (arrows, the form tools' Chinese names) comes through as written.
        #expect(rendered.output.contains("fetch → parse → dedup → classify"))
        #expect(rendered.output.contains("腾讯问卷, 问卷星, 金数据"))
        #expect(rendered.output.contains("--log-format text|json"), "options keep their plain hyphens")
    }

    @Test(.enabled(if: binaryBuilt, "needs the sluice binary (swift build)"))
    func theCompletionsOfferCommandsSubcommandsOptionsAndValues() throws {
        _ = try install()
        let bash = prefix + "/share/bash-completion/completions/sluice"
        /// What bash offers after the words typed, the last being the word being completed.
        func offered(_ words: [String]) throws -> [String] {
            let typed = words.map { "'\($0)'" }.joined(separator: " ")
            let outcome = try shell("/bin/bash", "source '\(bash)'; COMP_WORDS=(\(typed)); COMP_CWORD=\(words.count - 1); _sluice; printf '%s\\n' \"${COMPREPLY[@]}\"")
            #expect(outcome.status == 0 && outcome.errors.isEmpty, "\(outcome.errors)")
            return outcome.output.split(separator: "\n").map(String.init)
        }
        let registered = try shell("/bin/bash", "source '\(bash)'; complete -p sluice")
        #expect(registered.output == "complete -o default -F _sluice sluice\n", "\(registered.output) \(registered.errors)")
        #expect(Set(try offered(["sluice", ""])) == Set(Command.commandNames + ["help"]))
        #expect(try offered(["sluice", "rev"]) == ["review"])
        #expect(try offered(["sluice", "--store", "s.db", "re"]).sorted() == ["recheck", "reprocess", "review"],
                "an option's value is no command")
        #expect(try offered(["sluice", "review", ""]) == ["list", "show", "approve", "reject", "log", "unlink"])
        #expect(try offered(["sluice", "export", "--format", ""]) == ["md", "html", "json", "atom"])
        #expect(try offered(["sluice", "reprocess", "--stage", ""]) == ["classify", "dedup"])
        #expect(try offered(["sluice", "--log-format", ""]) == ["text", "json"])
        #expect(try offered(["sluice", "serve", "--tls"]) == ["--tls-cert", "--tls-key"])
        #expect(try offered(["sluice", "run", "--inbox", ""]).isEmpty, "a folder: bash's own file names")
        #expect(try offered(["sluice", "help", "unp"]) == ["unpublish"])

        let zshPath = ["/usr/bin/zsh", "/bin/zsh"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let zsh = zshPath else {
            Issue.record("zsh is not installed (scripts/setup.sh --test installs it): its completion was not tried")
            return
        }
        let zshFile = prefix + "/share/zsh/site-functions/_sluice"
        #expect(try shell(zsh, "zsh -n '\(zshFile)'").status == 0)
        /// What zsh's completion function adds, with compadd and _files standing in for the completion system.
        func zshOffered(_ words: [String]) throws -> String {
            let typed = words.map { "'\($0)'" }.joined(separator: " ")
            let outcome = try shell(zsh, "compadd() { print -r -- \"$*\" }; _files() { print -r -- FILES }; words=(\(typed)); CURRENT=\(words.count); source '\(zshFile)'")
            #expect(outcome.status == 0 && outcome.errors.isEmpty, "\(outcome.errors)")
            return outcome.output
        }
        #expect(try zshOffered(["sluice", "export", "--format", ""]) == "-- md html json atom\n")
        #expect(try zshOffered(["sluice", "config", ""]) == "-- show print\n")
        #expect(try zshOffered(["sluice", "import", ""]) == "FILES\n")
        #expect(try zshOffered(["sluice", ""]).split(separator: " ").count == Command.commandNames.count + 2)
    }

    @Test(.enabled(if: binaryBuilt, "needs the sluice binary (swift build)"))
    func theUnitsRunTheInstalledBinaryAsItsOwnHardenedUser() throws {
        _ = try install()
        /// A unit file's keys and their values, in order (a key may be given more than once).
        func keys(_ unit: String) throws -> [String: [String]] {
            let text = try String(contentsOfFile: prefix + "/lib/systemd/system/" + unit, encoding: .utf8)
            var keys: [String: [String]] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                keys[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
            }
            return keys
        }
        let sluice = prefix + "/bin/sluice"
        let watch = try keys("sluice.service")
        let serve = try keys("sluice-serve.service")
        #expect(watch["ExecStart"] == ["\(sluice) --log-format json run --watch --inbox /var/lib/sluice/inbox"])
        #expect(serve["ExecStart"]?.first?.hasPrefix("\(sluice) --log-format json serve --listen 127.0.0.1:") == true)
        for unit in [watch, serve] {
            #expect(unit["ExecStartPre"] == ["\(sluice) --quiet init"], "the store exists before the service reads it")
            #expect(unit["User"] == ["sluice"] && unit["Group"] == ["sluice"])
            #expect(unit["StateDirectory"]?.first?.split(separator: " ").first == "sluice")
            #expect(unit["Environment"] == ["SLUICE_STORE=/var/lib/sluice/sluice.db"])
            #expect(unit["WorkingDirectory"] == ["/var/lib/sluice"])
            for (key, value) in [("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                                 ("PrivateTmp", "yes"), ("PrivateDevices", "yes"), ("CapabilityBoundingSet", ""),
                                 ("SystemCallFilter", "@system-service"), ("RestrictSUIDSGID", "yes")] {
                #expect(unit[key] == [value], "\(key)=\(value)")
            }
            #expect(unit["WantedBy"] == ["multi-user.target"])
        }
        #expect(watch["StateDirectory"] == ["sluice sluice/inbox"])
        #expect(watch["ExecReload"] == ["/bin/kill -HUP $MAINPID"], "reload is SIGHUP: the rules read again")
        let users = try String(contentsOfFile: prefix + "/lib/sysusers.d/sluice.conf", encoding: .utf8)
        #expect(users.split(separator: "\n").contains { $0.hasPrefix("u sluice ") && $0.hasSuffix(" /var/lib/sluice") })
        // The store the units name, with the command they start with, and the service's own options.
        let units = [watch, serve].flatMap { ($0["ExecStart"] ?? []) + ($0["ExecStartPre"] ?? []) }
        for line in units {
            let words = line.split(separator: " ").map(String.init)
            #expect(FileManager.default.isExecutableFile(atPath: words[0]))
            let help = try BinaryRun.run(words[0], Array(words.dropFirst()) + ["--help"])
            #expect(help.status == 0, "\(line): \(help.errors)")
        }
    }
}
