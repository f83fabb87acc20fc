import Foundation
import Testing
import SluiceCore
import SluicePipeline
import SluiceTestSupport

/// The defaults built into the binary, and how files on disk override them one by one.
@Suite struct BuiltInConfigurationTests {
    let directory = TemporaryDirectory("configuration")
    static let pipelines = SharedCorpus.packageRoot.appendingPathComponent("pipelines")

    func write(_ text: String, _ name: String, in folder: String) throws -> String {
        let url = directory.url.appendingPathComponent(folder, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return url.path
    }

    /// Fails when a file in pipelines/ changed without `bash scripts/embed-defaults.sh`.
    @Test func theBuiltInFilesAreByteForByteThoseOfPipelines() throws {
        for name in ConfigurationSearch.builtInNames {
            let builtIn = try #require(ConfigurationSearch.builtIn(name))
            let onDisk = try Data(contentsOf: Self.pipelines.appendingPathComponent(name))
            #expect(builtIn.data == onDisk, "\(name) differs from pipelines/\(name): run bash scripts/embed-defaults.sh")
        }
    }

    /// Every file the default pipeline names is built in, and nothing else besides it.
    @Test func theDefaultPipelineAndEveryFileItNamesAreBuiltIn() throws {
        let definition = try PipelineDefinition.locate(explicit: nil, search: ConfigurationSearch(folders: []))
        #expect(definition.origin == .builtIn)
        let named = [definition.rules.urlRules, definition.rules.classifyRules, definition.rules.blockedPages,
                     definition.rules.importHeaders]
        #expect(Set(ConfigurationSearch.builtInNames) == Set(named + ["default.json"]))
        for name in named { #expect(try definition.file(name).origin == .builtIn) }
        let onDisk = try PipelineDefinition.load(path: Self.pipelines.appendingPathComponent("default.json").path)
        #expect(definition.stages == onDisk.stages && definition.fetch == onDisk.fetch && definition.rules == onDisk.rules)
        _ = try StageEngines(definition: definition, model: nil)
    }

    /// `$SLUICE_HOME` before `/etc/sluice` before the built-in files, file by file.
    @Test func eachFileComesFromTheFirstPlaceHoldingIt() throws {
        let rules = try String(contentsOf: Self.pipelines.appendingPathComponent("rules.json"), encoding: .utf8)
        let home = try write(rules, "rules.json", in: "home")
        let system = try write(#"{"name": "system", "fetch": {"concurrency": 7}}"#, "pipeline.json", in: "etc")
        _ = try write(rules, "rules.json", in: "etc")
        let search = ConfigurationSearch.standard(home: home, system: system)
        let definition = try PipelineDefinition.locate(explicit: nil, search: search)
        #expect(definition.name == "system")
        #expect(definition.fetch.concurrency == 7)
        #expect(definition.origin == .file(path: system + "/pipeline.json", layer: system))
        #expect(try definition.file("rules.json").origin == .file(path: home + "/rules.json", layer: "$SLUICE_HOME"))
        #expect(try definition.file("url-rules.json").origin == .builtIn)
        _ = try StageEngines(definition: definition, model: nil)
    }

    /// `--pipeline FILE` wins over every folder, and its rule files are looked for beside it first.
    @Test func anExplicitPipelineFindsItsRuleFilesBesideItThenAlongTheSearch() throws {
        let folder = try write(#"{"name": "mine"}"#, "mine.json", in: "mine")
        _ = try write(#"{"version": "mine-1", "tracking_parameters": ["spm"]}"#, "url-rules.json", in: "mine")
        let home = try write(#"{"name": "home"}"#, "pipeline.json", in: "home")
        let definition = try PipelineDefinition.locate(explicit: folder + "/mine.json",
                                                       search: .standard(home: home, system: nil))
        #expect(definition.name == "mine")
        #expect(definition.origin == .file(path: folder + "/mine.json", layer: "--pipeline"))
        let engines = try StageEngines(definition: definition, model: nil)
        #expect(engines.canonicalizer.rulesVersion == "mine-1")
        #expect(try definition.file("blocked-pages.json").origin == .builtIn)
    }

    @Test func aMissingFileIsAnErrorNamingWhereItWasLookedFor() throws {
        let folder = try write(#"{"rules": {"classify_rules": "strict.json"}}"#, "p.json", in: "p")
        let definition = try PipelineDefinition.load(path: folder + "/p.json")
        do {
            _ = try StageEngines(definition: definition, model: nil)
            Issue.record("a rule file that is nowhere must not load")
        } catch let error as ConfigurationError {
            #expect(error.file == "strict.json")
            #expect(error.reason.contains(folder) && error.reason.contains("built-in"), "\(error)")
        }
        #expect(throws: ConfigurationError.self) {
            try PipelineDefinition.locate(explicit: directory.path("absent.json"), search: ConfigurationSearch(folders: []))
        }
    }

    /// A broken override is reported by its path, never silently replaced by the built-in file.
    @Test func aBrokenOverrideIsReportedByItsPath() throws {
        let home = try write(#"{"version": "x", "tracking_paramters": []}"#, "url-rules.json", in: "home")
        let definition = try PipelineDefinition.locate(explicit: nil, search: .standard(home: home, system: nil))
        #expect(throws: ConfigurationError(file: home + "/url-rules.json", key: "tracking_paramters", reason: "unknown key")) {
            try StageEngines(definition: definition, model: nil)
        }
    }
}
