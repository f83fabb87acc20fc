import Foundation
import SluiceCore
import SluiceMeasure
import SluiceDedup
import SluicePipeline
import SluiceStore

/// `sluice unlink`, `sluice why-dup`, `sluice eval dedup`, `sluice bench dedup`, and the re-keying of stored
/// dedup keys when the URL rules or fingerprint options change.
enum DedupCommands {
    /// Re-keys every stored item when the keys were made under other URL rules or fingerprint options, so
    /// items keyed before the change are found by items keyed after it. Says so on standard error.
    static func rekeyIfNeeded(_ store: Store, engines: StageEngines, console: Console) throws {
        guard let count = try store.rekey(version: engines.dedupKeysVersion, keys: { engines.dedupKeys(for: $0).keys }),
              count > 0 else { return }
        console.error("re-keyed \(count) stored items for dedup (\(TerminalSafe.text(engines.dedupKeysVersion)))")
    }

    /// The URL rules and dedup options a pipeline file names.
    static func rules(pipeline: String) throws -> (URLCanonicalizer, DedupOptions) {
        let definition = try PipelineDefinition.load(path: pipeline)
        return (try URLCanonicalizer.load(path: definition.resolve(definition.rules.urlRules)), definition.dedup)
    }

    /// What `reprocess --stage dedup` did.
    struct RekeyReport: Encodable {
        var stage = "dedup"
        var version: String
        var rekeyed: Int
    }

    /// `sluice reprocess --stage dedup`: re-keys every stored item now, whatever versions they were keyed with.
    static func reprocess(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let json = arguments.flag("--json")
        try arguments.finish()
        let engines = try StageEngines(definition: try PipelineDefinition.load(path: pipeline), model: nil)
        let count = try context.store().rekey(version: engines.dedupKeysVersion, force: true) { engines.dedupKeys(for: $0).keys }
        let report = RekeyReport(version: engines.dedupKeysVersion, rekeyed: count ?? 0)
        if json {
            try context.printJSON(report)
        } else {
            context.console.print(TerminalSafe.text("re-keyed \(report.rekeyed) stored items (\(report.version))"))
        }
        return 0
    }

    // MARK: unlink

    static func unlink(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let moderator = try arguments.option("--as") ?? ""
        let json = arguments.flag("--json")
        let positionals = try arguments.positionals()
        guard !moderator.isEmpty else { throw UsageError("unlink: --as MODERATOR is required (the split is audited)") }
        guard positionals.count == 1, let id = Int64(positionals[0]) else {
            throw UsageError("unlink: name one item id (the duplicate to take out of its cluster)")
        }
        let outcome = try context.store().unlink(itemID: id, moderator: moderator)
        if json {
            try context.printJSON(outcome)
        } else {
            let next = outcome.state == .deduplicated ? "; sluice run classifies and queues it for review" : ""
            context.console.print("#\(id) left the cluster of #\(outcome.root) and is \(outcome.state.rawValue)\(next)")
        }
        return 0
    }

    // MARK: why-dup

    /// How one side's URL became the key both share.
    struct KeyDerivation: Encodable {
        var id: Int64
        var url: String
        var steps: [String]
    }

    struct WhyDup: Encodable {
        var id: Int64
        var duplicateOf: Int64
        var kind: String?
        var evidence: String?
        var sharedKey: String?
        var derivations: [KeyDerivation]
        var content: ContentExplanation?

        enum CodingKeys: String, CodingKey {
            case id, kind, evidence, derivations, content
            case duplicateOf = "duplicate_of"
            case sharedKey = "shared_key"
        }
    }

    static func whyDup(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let positionals = try arguments.positionals()
        guard positionals.count == 1, let id = Int64(positionals[0]) else {
            throw UsageError("why-dup: name one item id")
        }
        let (canonicalizer, options) = try rules(pipeline: pipeline)
        guard let pair = try context.store().dedupPair(itemID: id) else {
            context.console.error("why-dup: item #\(id) is not a duplicate of anything")
            return 1
        }
        let explanation = explain(pair, canonicalizer: canonicalizer, options: options)
        if json {
            try context.printJSON(explanation)
        } else {
            context.console.print(describe(explanation))
        }
        return 0
    }

    static func explain(_ pair: DedupPair, canonicalizer: URLCanonicalizer, options: DedupOptions) -> WhyDup {
        var why = WhyDup(id: pair.item.id, duplicateOf: pair.root.id, kind: pair.kind, evidence: pair.evidence,
                         sharedKey: nil, derivations: [], content: nil)
        let shared = pair.item.urlKeys.filter(pair.root.urlKeys.contains)
        if pair.kind == "url", let key = shared.first {
            why.sharedKey = key
            why.derivations = [pair.item, pair.root].compactMap { derivation(of: key, from: $0, canonicalizer: canonicalizer) }
        } else if let text = pair.item.text, let original = pair.root.text {
            why.content = DuplicateJudge.explain(text, against: original, options: options)
        }
        return why
    }

    /// The first of a side's URLs (or its WeChat identity) that canonicalizes to `key`, with the steps taken.
    static func derivation(of key: String, from side: DedupSide, canonicalizer: URLCanonicalizer) -> KeyDerivation? {
        for url in side.urls {
            if let canonical = try? canonicalizer.canonicalize(url), canonical.value == key {
                return KeyDerivation(id: side.id, url: url, steps: canonical.steps)
            }
        }
        if let identity = side.weChat, let canonical = try? canonicalizer.weChatKey(identity), canonical.value == key {
            return KeyDerivation(id: side.id, url: "WeChat __biz=\(identity.biz) mid=\(identity.mid) idx=\(identity.idx)",
                                 steps: canonical.steps)
        }
        return nil
    }

    static func describe(_ why: WhyDup) -> String {
        var lines = ["#\(why.id) is a duplicate of #\(why.duplicateOf) (\(why.kind ?? "unknown"))"]
        if let key = why.sharedKey {
            lines.append("both are known by the key \(key)")
            for derivation in why.derivations {
                lines.append("  #\(derivation.id) \(derivation.url)")
                lines += derivation.steps.isEmpty ? ["    - already in canonical form"] : derivation.steps.map { "    - \($0)" }
            }
        } else if let content = why.content {
            if let distance = content.distance { lines.append("fingerprint distance: \(distance) bits") }
            if let similarity = content.similarity { lines.append(String(format: "shingle similarity: %.2f", similarity)) }
            lines.append(content.sharedPassages.isEmpty ? "no shared passage of 8 characters or more" : "shared passages:")
            lines += content.sharedPassages.map { "  「\($0)」" }
        } else if let evidence = why.evidence {
            lines.append("recorded evidence: \(evidence) (the texts are no longer stored)")
        }
        return lines.map(TerminalSafe.text).joined(separator: "\n")
    }

    // MARK: eval and bench

    /// Takes the subcommand when it is `dedup`; anything else is left for the classifier's command.
    static func eval(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let positionals = try arguments.positionals()
        guard positionals.count <= 1 else { throw UsageError("eval dedup: name at most one corpus directory") }
        let corpus = positionals.first ?? "../shared/corpus"
        guard FileManager.default.fileExists(atPath: corpus) else {
            throw UsageError("eval dedup: no corpus at \(TerminalSafe.text(corpus)) (name the directory of page JSON files)")
        }
        let (canonicalizer, options) = try rules(pipeline: pipeline)
        let report = try DedupEvaluation.run(corpus: URL(fileURLWithPath: corpus), canonicalizer: canonicalizer,
                                             options: options)
        try context.printReport(report, json: json)
        return 0
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let count = try arguments.integer("--count") ?? 1_000_000
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        try arguments.finish()
        guard count > 0 else { throw UsageError("bench dedup: --count must be at least 1") }
        let options = try PipelineDefinition.load(path: pipeline).dedup
        let report = DedupBenchmark.run(count: count, options: options, lookups: min(20_000, count))
        try context.printReport(report, json: json)
        return 0
    }
}
