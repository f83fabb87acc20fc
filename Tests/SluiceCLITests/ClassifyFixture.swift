import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

/// A store of note-only intel (no network needed: notes go straight to dedup and classify) driven through
/// the real command line, with pipeline and rules files written beside it when a test changes them.
struct ClassifyFixture {
    let directory = TemporaryDirectory("classify-cli")
    var storePath: String { directory.path("sluice.db") }
    static let packageRoot = SharedCorpus.packageRoot
    static let defaultPipeline = packageRoot.appendingPathComponent("pipelines/default.json").path
    static let defaultRules = packageRoot.appendingPathComponent("pipelines/rules.json").path

    static let notes = [
        "xianyu": "闲鱼卖二手教材的三个月复盘：先在学校里收书，按品相定价，每周上新两次，包邮成交快",
        "wechat": "公众号写作复盘：坚持日更三个月，自媒体接到第一条广告，小红书同步分发笔记",
        "tuangou": "社区团购团长：小区里接龙卖水果，一个月多赚一千，社区邻居都是回头客",
        "outsourcing": "在猪八戒网接外包设计单，做logo和包装设计，自由职业第一年的收入和客户来源",
        "scam": "躺赚项目日入过万零风险，只要交入门费就能发展下线，刷单返佣，稳赚不赔",
    ]

    @discardableResult
    func sluice(_ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        CLIHarness(storePath: storePath).run(arguments, expect: status, sourceLocation: sourceLocation)
    }

    func json(_ console: Console) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(console.output.utf8))
    }

    /// Submits the named notes (each from its own volunteer) and runs the pipeline; returns item id by name.
    func submitAndRun(_ names: [String], pipeline: String = defaultPipeline) throws -> [String: Int] {
        var ids: [String: Int] = [:]
        for name in names {
            let note = try #require(Self.notes[name])
            let submitted = try #require(try json(sluice(["submit", "--note", note, "--by", "志愿者\(name)", "--json",
                                                          "--pipeline", pipeline])) as? [String: Any])
            ids[name] = try #require(submitted["id"] as? Int)
        }
        sluice(["run", "--pipeline", pipeline, "--json"])
        return ids
    }

    func show(_ id: Int) throws -> [String: Any] {
        try #require(try json(sluice(["review", "show", String(id), "--json"])) as? [String: Any])
    }

    func approve(_ id: Int, category: String? = nil) {
        sluice(["review", "approve", String(id), "--as", "版主A"] + (category.map { ["--category", $0] } ?? []))
    }

    func reject(_ id: Int) {
        sluice(["review", "reject", String(id), "--as", "版主A", "--reason", "hype_scam"])
    }

    /// Writes the production rules changed by `change`; returns the file's path.
    func rules(named name: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        var rules = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.defaultRules)))
                                 as? [String: Any])
        change(&rules)
        let path = directory.path("\(name)-rules.json")
        try JSONSerialization.data(withJSONObject: rules).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes a rules file (the production one changed by `change`) and a pipeline using it; returns the
    /// pipeline's path.
    func pipeline(named name: String, classify: [String: Any] = [:],
                  rules change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let rulesPath = try rules(named: name, change)
        var pipeline = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.defaultPipeline)))
                                    as? [String: Any])
        let pipelines = Self.packageRoot.appendingPathComponent("pipelines").path
        pipeline["rules"] = ["url_rules": "\(pipelines)/url-rules.json", "classify_rules": rulesPath,
                             "blocked_pages": "\(pipelines)/blocked-pages.json"]
        pipeline["classify"] = classify
        let path = directory.path("\(name)-pipeline.json")
        try JSONSerialization.data(withJSONObject: pipeline).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The candidate rules of the rules and reprocess tests: a new version in which 接龙 makes an item a
    /// course, 水果 raises a fraud flag, and a shadow rule watches for 小区.
    static func candidateRules(_ rules: inout [String: Any]) {
        rules["version"] = "test-candidate"
        var categories = rules["categories"] as? [[String: Any]] ?? []
        if let index = categories.firstIndex(where: { $0["id"] as? String == "courses" }) {
            var keywords = categories[index]["keywords"] as? [String: Any] ?? [:]
            keywords["接龙"] = 40
            categories[index]["keywords"] = keywords
        }
        rules["categories"] = categories
        rules["flags"] = (rules["flags"] as? [[String: Any]] ?? []) + [
            ["id": "fruit_test", "family": "fraud", "terms": ["水果"]],
            ["id": "shadow_test", "family": "hype", "terms": ["小区"], "shadow": true],
        ]
    }
}
