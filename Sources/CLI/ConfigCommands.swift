import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceIntake
import SluicePipeline

/// `sluice config show` and `sluice config print`: which configuration files are in force and where each
/// came from (`--pipeline`, `$SLUICE_HOME`, `/etc/sluice`, or built into the binary).
enum ConfigCommands {
    static let help = """
        usage: sluice config show [--pipeline FILE] [--json]
               sluice config print NAME [--pipeline FILE]

        show   the pipeline file and each rule file in force, and where each came from, then the store.
               Every file is read and checked, so a broken override is reported here (exit 2).
        print  the text of one file in force (pipeline, url_rules, classify_rules, blocked_pages,
               import_headers, or its file name), to start an override from:
               sluice config print rules.json > /etc/sluice/rules.json

        Where files are looked for, the first place holding a file winning:
          1. --pipeline FILE (the rule files it names are looked for beside it first)
          2. $SLUICE_HOME (pipeline.json and the rule files by name)
          3. /etc/sluice (the same names)
          4. the defaults built into sluice (the repository's pipelines/default.json and its rule files)
        So an override may replace one rule file and keep the built-in others.
        """

    /// One file in force, for `config show --json`.
    struct FileInForce: Encodable {
        var role: String
        var name: String
        /// nil for a built-in file.
        var path: String?
        var source: String

        enum CodingKeys: String, CodingKey {
            case role, name, path, source
        }

        /// `path` is always present, `null` for a built-in file.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            try container.encode(name, forKey: .name)
            try container.encode(path, forKey: .path)
            try container.encode(source, forKey: .source)
        }
    }

    struct Report: Encodable {
        var files: [FileInForce]
        var store: StoreInForce
        var search: [String]
    }

    struct StoreInForce: Encodable {
        var location: String
        var source: String
    }

    static func config(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        switch arguments.takeSubcommand() {
        case "show": return try show(&arguments, context)
        case "print": return try printFile(&arguments, context)
        case let other?: throw UsageError("config: unknown subcommand \"\(TerminalSafe.text(other))\" (show or print)")
        case nil: throw UsageError("config: say what: sluice config show, or sluice config print NAME")
        }
    }

    /// The pipeline in force and each rule file it names, every one decoded and checked.
    static func filesInForce(_ definition: PipelineDefinition) throws -> [(role: String, file: ConfigurationFile)] {
        let rules = definition.rules
        let urlRules = try definition.file(rules.urlRules)
        _ = try URLRules.load(urlRules)
        let classifyRules = try definition.file(rules.classifyRules)
        _ = try RuleEngine.load(classifyRules)
        let blockedPages = try definition.file(rules.blockedPages)
        _ = try BlockedPageRules.load(blockedPages)
        let importHeaders = try definition.file(rules.importHeaders)
        _ = try ImportHeaders.load(importHeaders)
        let pipelineName = definition.origin == .builtIn ? "default.json" : ConfigurationSearch.pipelineName
        let pipeline = ConfigurationFile(name: pipelineName, origin: definition.origin, data: Data())
        return [("pipeline", pipeline), ("url_rules", urlRules), ("classify_rules", classifyRules),
                ("blocked_pages", blockedPages), ("import_headers", importHeaders)]
    }

    static func source(_ origin: ConfigurationFile.Origin) -> String {
        switch origin {
        case .file(_, let layer): layer
        case .builtIn: "built into sluice \(Command.version)"
        }
    }

    static func show(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let explicit = try arguments.option("--pipeline")
        let json = arguments.flag("--json")
        try arguments.finish()
        let definition = try PipelineDefinition.locate(explicit: explicit, search: context.configurationSearch)
        var pipelineEntry = try filesInForce(definition)
        if case .file(let path, _) = definition.origin {
            pipelineEntry[0].file.name = URL(fileURLWithPath: path).lastPathComponent
        }
        let files = pipelineEntry.map { role, file in
            FileInForce(role: role, name: file.name, path: file.path, source: source(file.origin))
        }
        var search = [explicit.map { "--pipeline \($0)" } ?? "--pipeline (not given)"]
        search.append(context.environment["SLUICE_HOME"].flatMap { $0.isEmpty ? nil : "$SLUICE_HOME \($0)" }
                      ?? "$SLUICE_HOME (not set)")
        for folder in context.configurationSearch.folders where folder.layer != "$SLUICE_HOME" {
            let exists = FileManager.default.fileExists(atPath: folder.path)
            search.append(exists ? folder.path : "\(folder.path) (absent)")
        }
        search.append("built-in defaults")
        let report = Report(files: files, store: StoreInForce(location: context.storeLocation.description,
                                                               source: context.storeSource),
                            search: search)
        if json {
            try context.printJSON(report)
            return 0
        }
        let shown = files.map { file in (file.role, file.path ?? "built-in \(file.name)", file.source) }
            + [("store", report.store.location, report.store.source)]
        let roleWidth = shown.map(\.0.count).max() ?? 0
        let whereWidth = shown.map(\.1.count).max() ?? 0
        for (role, place, source) in shown {
            context.console.print(TerminalSafe.text(role.padding(toLength: roleWidth, withPad: " ", startingAt: 0) + "  "
                + place.padding(toLength: whereWidth, withPad: " ", startingAt: 0) + "  " + source))
        }
        context.console.print(TerminalSafe.text("searched: " + search.joined(separator: ", ")))
        return 0
    }

    /// The roles `config print` takes besides file names.
    static let roles = ["pipeline", "url_rules", "classify_rules", "blocked_pages", "import_headers"]

    static func printFile(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let definition = try context.pipeline(&arguments)
        let names = try arguments.positionals()
        guard names.count == 1, let name = names.first else {
            throw UsageError("config print: name one file: " + roles.joined(separator: ", ") + ", or a file name")
        }
        let rules = definition.rules
        let file: ConfigurationFile
        switch name {
        case "pipeline", ConfigurationSearch.pipelineName, "default.json":
            switch definition.origin {
            case .file(let path, let layer): file = try ConfigurationFile.read(path: path, layer: layer)
            case .builtIn:
                guard let builtIn = ConfigurationSearch.builtIn("default.json") else {
                    throw ConfigurationError(file: "default.json", key: "", reason: "is not built into this sluice")
                }
                file = builtIn
            }
        case "url_rules": file = try definition.file(rules.urlRules)
        case "classify_rules": file = try definition.file(rules.classifyRules)
        case "blocked_pages": file = try definition.file(rules.blockedPages)
        case "import_headers": file = try definition.file(rules.importHeaders)
        default:
            guard !name.contains("/") else { throw UsageError("config print: name a file, not a path (\(TerminalSafe.text(name)))") }
            file = try definition.file(name)
        }
        context.console.writeRaw(file.data)
        return 0
    }
}
