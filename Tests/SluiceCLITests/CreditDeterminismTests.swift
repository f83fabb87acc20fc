import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// Credit is the community's currency: who is listed first for a story must not depend on how many workers
/// a stage ran, which of them finished first, or the order a file listed the submissions in. The samples are
/// imported and replayed into fresh stores with different worker counts (and once from a form export listing
/// them newest first, each with its own submission time), and every run must give the same cluster roots and
/// the same reports, in the same order, under each root. Submissions are compared by who sent what, since
/// item ids follow the import order.
@Suite struct CreditDeterminismTests {
    let directory = TemporaryDirectory("credit")
    static let samples = SharedCorpus.packageRoot.appendingPathComponent("samples")
    static let pipelines = SharedCorpus.packageRoot.appendingPathComponent("pipelines")

    /// Workers per stage (fetch, parse, dedup, classify) of each run: one to four everywhere, then mixed.
    static let workerCounts = [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4, 4, 4], [4, 1, 3, 2]]

    /// One run's clusters: each root submission and the reports it carries, and the root of each duplicate,
    /// every submission named `volunteer URL-or-note`.
    struct Credit: Equatable, CustomStringConvertible {
        var roots: [String: [String]]
        var members: [String: String]

        var description: String {
            roots.keys.sorted().map { "\($0): \(roots[$0] ?? [])" }.joined(separator: "\n")
        }
    }

    static func label(volunteer: String, url: String?, note: String?) -> String {
        "\(volunteer) \(url ?? note ?? "")"
    }

    func pipeline(workers: [Int], named name: String) throws -> String {
        let stages = zip(["fetch", "parse", "dedup", "classify"], workers).map { stage, count in
            "\"\(stage)\": { \"workers\": \(count), \"queue_bound\": 8 }"
        }.joined(separator: ", ")
        let rules = ["url_rules": "url-rules.json", "classify_rules": "rules.json", "blocked_pages": "blocked-pages.json",
                     "import_headers": "import-headers.json"]
            .map { "\"\($0.key)\": \"\(Self.pipelines.appendingPathComponent($0.value).path)\"" }.sorted().joined(separator: ", ")
        let text = """
            { "name": "\(name)", "stages": { \(stages) },
              "store": { "claim_batch": 4, "commit_batch": 4, "lease_seconds": 300 },
              "fetch": { "concurrency": 8, "per_host_concurrency": 2, "max_redirects": 5, "max_body_bytes": 5242880,
                         "respect_robots": true },
              "dedup": { "max_hamming_distance": 3 }, "rules": { \(rules) } }
            """
        let path = directory.path("\(name).json")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The samples as a form export (`链接,备注,提交人,提交时间`), newest first: each line's submission time
    /// is a minute after the previous line's in samples/submissions.jsonl.
    func newestFirstExport() throws -> String {
        let lines = try String(contentsOf: Self.samples.appendingPathComponent("submissions.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        var rows: [String] = []
        for (index, line) in lines.enumerated() {
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            let minute = index < 10 ? "0\(index)" : "\(index)"
            let cells = [fields["url"] ?? "", fields["note"] ?? "", fields["volunteer"] ?? "", "2026-11-01 10:\(minute):00"]
            rows.append(cells.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ","))
        }
        let path = directory.path("newest-first.csv")
        try (["链接,备注,提交人,提交时间"] + rows.reversed()).joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func credit(workers: [Int], run: Int, submissions: String) throws -> Credit {
        let name = "run\(run)"
        let storePath = directory.path("\(name).db")
        let harness = CLIHarness(storePath: storePath)
        let pipeline = try pipeline(workers: workers, named: name)
        harness.run(["import", submissions, "--pipeline", pipeline])
        harness.run(["run", "--replay", Self.samples.appendingPathComponent("captures.warc").path, "--pipeline", pipeline])
        let records = try SQLiteStore(path: storePath).records(state: nil, limit: nil, after: nil)
        let labels = Dictionary(uniqueKeysWithValues: records.map { ($0.id, Self.label(volunteer: $0.volunteer, url: $0.url, note: $0.note)) })
        var credit = Credit(roots: [:], members: [:])
        for record in records {
            let label = labels[record.id] ?? ""
            if let root = record.duplicateOf {
                credit.members[label] = labels[root] ?? "#\(root)"
            } else {
                credit.roots[label] = record.reports.map { Self.label(volunteer: $0.volunteer, url: $0.url, note: $0.note) }
            }
        }
        return credit
    }

    @Test func sameRootsAndCreditOrderWhateverTheWorkerCounts() throws {
        let jsonl = Self.samples.appendingPathComponent("submissions.jsonl").path
        var runs = try Self.workerCounts.enumerated().map { try credit(workers: $0.element, run: $0.offset, submissions: jsonl) }
        runs.append(try credit(workers: [2, 2, 1, 1], run: runs.count, submissions: newestFirstExport()))
        let first = try #require(runs.first)
        #expect(first.members.count >= 3, "the samples must hold duplicates for the test to mean anything")
        #expect(first.roots.values.contains { $0.count >= 3 }, "a story reported three times or more")
        for (index, run) in runs.enumerated().dropFirst() {
            let how = index < Self.workerCounts.count ? "workers \(Self.workerCounts[index])" : "imported newest first"
            #expect(run.members == first.members, "run \(index) (\(how)) linked other submissions than run 0")
            #expect(run == first, "run \(index) (\(how)):\n\(run)\nrun 0:\n\(first)")
        }
    }
}
