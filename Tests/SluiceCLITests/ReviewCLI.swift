import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// A store in a temporary directory driven through the real command line in process: volunteers' notes are
/// submitted and run through the pipeline (note-only intel needs no network), then reviewed.
struct ReviewCLI {
    let directory = TemporaryDirectory("review-cli")
    var storePath: String { directory.path("sluice.db") }
    let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    /// Notes that reach the queue in this order (equal priority, then by id; the hype one last).
    static let notes = [
        "社区团购团长：小区里接龙卖水果，一个月多赚一千",
        "闲鱼卖二手教材，先从学校群里收书，再按品相定价，每月多赚五百",
        "躺赚项目日入过万，交入门费发展下线拉人头返佣金",
    ]

    /// Runs `sluice` with `input` on standard input and checks its exit status.
    @discardableResult
    func sluice(_ arguments: [String], input: String = "", expect status: Int32 = 0,
                sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        CLIHarness(storePath: storePath).run(arguments, input: input, expect: status, sourceLocation: sourceLocation)
    }

    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        try CLIHarness(storePath: storePath).json(arguments, sourceLocation: sourceLocation)
    }

    /// Submits each note by its volunteer and runs the pipeline until they are queued for review.
    func queue(_ reports: [(volunteer: String, note: String)]) {
        for report in reports {
            sluice(["submit", "--note", report.note, "--by", report.volunteer, "--pipeline", pipeline])
        }
        sluice(["run", "--pipeline", pipeline])
    }

    func store() throws -> SQLiteStore { try SQLiteStore(path: storePath) }

    /// The item's state in the store, read back through `review show --json`.
    func item(_ id: Int64, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try json(["review", "show", "\(id)"], sourceLocation: sourceLocation) as? [String: Any],
                     sourceLocation: sourceLocation)
    }

    /// The audit log as `moderator action #item` lines.
    func log(_ options: [String] = []) throws -> [String] {
        let entries = try #require(try json(["review", "log"] + options) as? [[String: Any]])
        return entries.map { "\($0["moderator"] ?? "") \($0["action"] ?? "") #\($0["item_id"] ?? "")" }
    }
}
