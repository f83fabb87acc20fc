import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse
import SluicePublish

/// How many workers a stage runs and how many items may wait in front of it.
public struct StageSettings: Codable, Sendable, Equatable {
    public var workers: Int
    public var queueBound: Int

    public init(workers: Int, queueBound: Int) {
        self.workers = workers
        self.queueBound = queueBound
    }

    enum CodingKeys: String, CodingKey {
        case workers
        case queueBound = "queue_bound"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        workers = try container.decode(.workers, default: 1)
        queueBound = try container.decode(.queueBound, default: 32)
        guard (1...64).contains(workers) else { throw invalidValue(CodingKeys.workers, in: decoder, "must be from 1 to 64") }
        guard (1...100_000).contains(queueBound) else {
            throw invalidValue(CodingKeys.queueBound, in: decoder, "must be from 1 to 100000")
        }
    }
}

/// The four automatic stages and their settings.
public struct StageLayout: Codable, Sendable, Equatable {
    public var fetch = StageSettings(workers: 2, queueBound: 64)
    public var parse = StageSettings(workers: 2, queueBound: 32)
    public var dedup = StageSettings(workers: 1, queueBound: 32)
    public var classify = StageSettings(workers: 1, queueBound: 32)

    public init() {}

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = StageLayout()
        fetch = try container.decode(.fetch, default: fallback.fetch)
        parse = try container.decode(.parse, default: fallback.parse)
        dedup = try container.decode(.dedup, default: fallback.dedup)
        classify = try container.decode(.classify, default: fallback.classify)
    }
}

/// How the pipeline talks to the store: claim batches, commit batches, leases.
public struct StoreSettings: Codable, Sendable, Equatable {
    public var claimBatch = 32
    /// Outcomes per writer transaction, and items per dedup transaction.
    public var commitBatch = 64
    public var leaseSeconds = 300.0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case claimBatch = "claim_batch"
        case commitBatch = "commit_batch"
        case leaseSeconds = "lease_seconds"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = StoreSettings()
        claimBatch = try container.decode(.claimBatch, default: fallback.claimBatch)
        commitBatch = try container.decode(.commitBatch, default: fallback.commitBatch)
        leaseSeconds = try container.decode(.leaseSeconds, default: fallback.leaseSeconds)
        guard (1...10_000).contains(claimBatch) else { throw invalidValue(CodingKeys.claimBatch, in: decoder, "must be from 1 to 10000") }
        guard (1...10_000).contains(commitBatch) else { throw invalidValue(CodingKeys.commitBatch, in: decoder, "must be from 1 to 10000") }
        guard leaseSeconds >= 1 else { throw invalidValue(CodingKeys.leaseSeconds, in: decoder, "must be at least 1") }
    }
}

/// The data files the stages read, relative to the pipeline file's folder.
public struct RuleFiles: Codable, Sendable, Equatable {
    public var urlRules = "url-rules.json"
    public var classifyRules = "rules.json"
    public var blockedPages = "blocked-pages.json"
    /// The header names `sluice import` accepts for each field of a table (CSV, .xlsx).
    public var importHeaders = "import-headers.json"

    public init() {}

    enum CodingKeys: String, CodingKey {
        case urlRules = "url_rules"
        case classifyRules = "classify_rules"
        case blockedPages = "blocked_pages"
        case importHeaders = "import_headers"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = RuleFiles()
        urlRules = try container.decode(.urlRules, default: fallback.urlRules)
        classifyRules = try container.decode(.classifyRules, default: fallback.classifyRules)
        blockedPages = try container.decode(.blockedPages, default: fallback.blockedPages)
        importHeaders = try container.decode(.importHeaders, default: fallback.importHeaders)
    }
}

/// A pipeline file (`pipelines/*.json`): stages, workers, queue bounds, limits and rule files.
/// Every key is optional and has a sane default; an unknown key or a bad value is refused, naming the
/// file and the key.
public struct PipelineDefinition: Codable, Sendable, Equatable {
    public var name = "default"
    /// What the file is for, for the people who read it (`bench.json` says why it lifts the politeness limits).
    public var comment: String?
    public var stages = StageLayout()
    public var store = StoreSettings()
    public var fetch = FetchOptions()
    public var parse = ParseOptions()
    public var dedup = DedupOptions()
    public var classify = ClassifyOptions()
    public var rules = RuleFiles()
    /// Where the exports are served (`base_url`, `title`): the feeds' links and ids.
    public var site = SiteOptions()
    /// The long-running service: inbox scans and scheduled jobs.
    public var service = ServiceOptions()
    /// Where the rule files the definition names are looked for (`file(_:)`).
    public var search = ConfigurationSearch(folders: [])
    /// Where the pipeline file itself came from (the built-in default unless a file was read).
    public var origin = ConfigurationFile.Origin.builtIn

    public init() {}

    enum CodingKeys: String, CodingKey {
        case name, comment, stages, store, fetch, parse, dedup, classify, rules, site, service
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = PipelineDefinition()
        name = try container.decode(.name, default: fallback.name)
        comment = try container.decodeIfPresent(String.self, forKey: .comment)
        stages = try container.decode(.stages, default: fallback.stages)
        store = try container.decode(.store, default: fallback.store)
        fetch = try container.decode(.fetch, default: fallback.fetch)
        parse = try container.decode(.parse, default: fallback.parse)
        dedup = try container.decode(.dedup, default: fallback.dedup)
        classify = try container.decode(.classify, default: fallback.classify)
        rules = try container.decode(.rules, default: fallback.rules)
        site = try container.decode(.site, default: fallback.site)
        service = try container.decode(.service, default: fallback.service)
    }

    /// Reads a pipeline file; the rule files it names are found beside it, else built in.
    public static func load(path: String) throws -> PipelineDefinition {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(ConfigurationFile.read(path: path, layer: "--pipeline"),
                        search: ConfigurationSearch(folders: [.init(path: folder, layer: "beside the pipeline file")]))
    }

    /// Decodes a pipeline file; the rule files it names are looked for along `search`.
    public static func load(_ file: ConfigurationFile, search: ConfigurationSearch) throws -> PipelineDefinition {
        var definition = try StrictJSON.decode(PipelineDefinition.self, from: file)
        definition.search = search
        definition.origin = file.origin
        return definition
    }

    /// The pipeline in force: `explicit` (`--pipeline FILE`, its rule files looked for beside it first), else
    /// `pipeline.json` in the first folder of `search` holding one, else the built-in default. Rule files are
    /// then looked for along `search`.
    public static func locate(explicit: String?, search: ConfigurationSearch) throws -> PipelineDefinition {
        if let explicit {
            let folder = URL(fileURLWithPath: explicit).deletingLastPathComponent().path
            var layered = search
            layered.folders.insert(.init(path: folder, layer: "beside --pipeline"), at: 0)
            return try load(ConfigurationFile.read(path: explicit, layer: "--pipeline"), search: layered)
        }
        for folder in search.folders {
            let path = URL(fileURLWithPath: folder.path, isDirectory: true).appendingPathComponent(ConfigurationSearch.pipelineName).path
            if FileManager.default.fileExists(atPath: path) {
                return try load(ConfigurationFile.read(path: path, layer: folder.layer), search: search)
            }
        }
        guard let builtIn = ConfigurationSearch.builtIn(BuiltInFiles.pipelineName) else {
            throw ConfigurationError(file: BuiltInFiles.pipelineName, key: "", reason: "is not built into this sluice")
        }
        return try load(builtIn, search: search)
    }

    /// A rule file the definition names (`rules.url_rules`, …), as found along its search.
    public func file(_ name: String) throws -> ConfigurationFile {
        try search.file(name)
    }

    /// The names of the rule files the definition names.
    public var ruleFileNames: [String] {
        [rules.urlRules, rules.classifyRules, rules.blockedPages, rules.importHeaders]
    }

    /// The definition with every rule file read now and kept, so later reads give these bytes whatever
    /// happens on disk meanwhile (a service reloads them on SIGHUP, never half-way through an edit).
    public func pinned() throws -> PipelineDefinition {
        var pinned = self
        for name in ruleFileNames { pinned.search.pinned[name] = try search.file(name) }
        return pinned
    }
}
