import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// The whole path through the real command line, in process: submit links to a real HTTP server on
/// loopback, run the pipeline (libcurl, libxml2, SQLite), review, publish, export.
@Suite struct EndToEndTests {
    let directory = TemporaryDirectory("e2e")
    var storePath: String { directory.path("sluice.db") }
    let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    @discardableResult
    func sluice(_ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        CLIHarness(storePath: storePath).run(arguments, expect: status, sourceLocation: sourceLocation)
    }

    func json(_ console: Console) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(console.output.utf8))
    }

    static func article(title: String, body: String) -> String {
        let paragraphs = body.split(separator: "|").map { "<p>\($0)</p>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body><nav><a href="/">首页</a> <a href="/about">关于</a></nav>
            <article><h1>\(title)</h1>\(paragraphs)</article><footer>版权所有</footer></body></html>
            """
    }

    @Test func submitRunReviewPublishExport() throws {
        let xianyu = Self.article(title: "闲鱼卖二手教材的三个月复盘", body: String(repeating: "我在闲鱼上卖二手教材，先从学校群里收书，再按品相定价。每周上新两次，回复要快，包邮能提高成交。|", count: 6))
        let aiTool = Self.article(title: "用AI工具给小商家做海报的接单经验", body: String(repeating: "我用AI绘图工具给本地小店做海报，每单收费八十元，客户来自朋友介绍和本地社群。|", count: 6))
        let hype = Self.article(title: "躺赚项目：日入过万，零风险", body: String(repeating: "这个项目暴利，躺赚，日入过万，只要交入门费就能发展下线，拉人头返佣金。|", count: 6))
        let server = try TestHTTPServer(routes: [
            "/xianyu": try .html(xianyu),
            "/xianyu?utm_source=wechat&utm_medium=share": try .html(xianyu),
            "/ai": try .html(aiTool, charset: "GB18030", label: "gbk"),
            "/hype": try .html(hype),
            "/dead": .status(404),
            "/guide.pdf": .bytes(Data("%PDF-1.4\n%fake but binary\n".utf8), contentType: "application/pdf"),
        ])
        defer { server.stop() }
        let base = server.baseURL
        sluice(["submit", "\(base)/xianyu", "--by", "小明", "--note", "闲鱼副业，成本低", "--pipeline", pipeline])
        sluice(["submit", "\(base)/xianyu?utm_source=wechat&utm_medium=share", "--by", "阿强", "--pipeline", pipeline])
        sluice(["submit", "\(base)/ai", "--by", "小红", "--pipeline", pipeline])
        sluice(["submit", "\(base)/hype", "--by", "路人甲", "--pipeline", pipeline])
        sluice(["submit", "\(base)/dead", "--by", "小明", "--pipeline", pipeline])
        sluice(["submit", "\(base)/guide.pdf", "--by", "小红", "--pipeline", pipeline])
        sluice(["submit", "--note", "社区团购团长：小区里接龙卖水果，一个月多赚一千", "--by", "阿强", "--pipeline", pipeline])
        let again = sluice(["submit", "\(base)/ai", "--by", "小红", "--json", "--pipeline", pipeline])
        #expect((try json(again) as? [String: Any])?["status"] as? String == "already_present")

        let run = sluice(["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(server.port)", "--json"])
        let summary = try #require(try json(run) as? [String: Any])
        #expect(summary["queued_for_review"] as? Int == 5)
        #expect(summary["duplicates"] as? Int == 1)
        #expect((summary["failures"] as? [String: Int])?["http_4xx"] == 1)
        let stages = try #require(summary["stages"] as? [String: [String: Any]])
        #expect(Set(stages.keys) == ["claim", "fetch", "parse", "dedup", "classify", "write"])
        #expect(stages["fetch"]?["in"] as? Int == 6)
        #expect(stages["fetch"]?["failed"] as? Int == 1, "the 404 fails as the fetch stage's outcome")
        #expect(stages["parse"]?["out"] as? Int == 5)
        #expect(stages["dedup"]?["in"] as? Int == 6, "five pages and the note")
        for (name, stage) in stages {
            for field in ["workers", "in", "out", "failed", "busy_seconds", "idle_seconds", "blocked_seconds"] {
                #expect(stage[field] is NSNumber, "run --json: stages.\(name) lacks \(field)")
            }
        }
        let inFlight = try #require(summary["in_flight"] as? [String: Int])
        #expect(inFlight["high_water"].map { $0 >= 1 && $0 <= inFlight["bound"] ?? 0 } == true)

        let queue = try #require(try json(sluice(["review", "list", "--json"])) as? [[String: Any]])
        #expect(queue.count == 5)
        for field in ["id", "url", "canonical_url", "title", "description", "category", "flags", "state", "error",
                      "duplicate_of", "volunteer", "note", "submitted_at"] {
            #expect(queue.allSatisfy { $0.keys.contains(field) }, "review list --json lacks \(field)")
        }
        func item(titled prefix: String) -> [String: Any]? {
            queue.first { ($0["title"] as? String)?.hasPrefix(prefix) == true }
        }
        let xianyuItem = try #require(item(titled: "闲鱼卖二手教材"))
        let aiItem = try #require(item(titled: "用AI工具"))
        let hypeItem = try #require(item(titled: "躺赚项目"))
        #expect((hypeItem["flags"] as? [[String: Any]])?.isEmpty == false)
        let reports = try #require(xianyuItem["reports"] as? [[String: Any]])
        #expect(reports.compactMap { $0["volunteer"] as? String } == ["小明", "阿强"])
        let pdf = try #require(queue.first { ($0["url"] as? String)?.hasSuffix(".pdf") == true })
        #expect((pdf["error"] as? String)?.hasPrefix("not_html") == true)

        let xianyuID = try #require(xianyuItem["id"] as? Int)
        let aiID = try #require(aiItem["id"] as? Int)
        let hypeID = try #require(hypeItem["id"] as? Int)
        sluice(["review", "approve", "\(xianyuID)", "\(aiID)", "--as", "版主A"])
        sluice(["review", "reject", "\(hypeID)", "--as", "版主A", "--reason", "hype_scam"])
        sluice(["review", "approve", "\(hypeID)", "--as", "版主B", "--version", "1"], expect: 1)

        let content = directory.path("content")
        let published = try #require(try json(sluice(["publish", "--content", content, "--json"])) as? [String: Any])
        #expect((published["published"] as? [Int])?.sorted() == [xianyuID, aiID].sorted())
        let republished = try #require(try json(sluice(["publish", "--content", content, "--json"])) as? [String: Any])
        #expect((republished["published"] as? [Int]) == [])

        let month = Timestamp.month(Date())
        let column = sluice(["export", "--month", month, "--format", "md"]).output
        #expect(column.components(separatedBy: "闲鱼卖二手教材的三个月复盘").count == 2)
        #expect(column.components(separatedBy: "用AI工具给小商家做海报的接单经验").count == 2)
        #expect(!column.contains("躺赚项目"))
        #expect(column.contains("阿强"))
        let again2 = sluice(["export", "--month", month, "--format", "md"]).output
        #expect(column == again2)
    }

    /// `run --stats` prints one row per stage with its counts and times, and the in-flight bound, beside the summary.
    @Test func runStatsPrintsWhereTheTimeWent() throws {
        let samples = SharedCorpus.packageRoot.appendingPathComponent("samples")
        sluice(["import", samples.appendingPathComponent("submissions.jsonl").path])
        let run = sluice(["run", "--pipeline", pipeline, "--replay", samples.appendingPathComponent("captures.warc").path, "--stats"])
        let lines = run.output.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("stage ") })
        #expect(lines[header].contains("busy s") && lines[header].contains("idle s") && lines[header].contains("blocked s"))
        let rows = lines[(header + 1)...].prefix(6).map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map { $0.first ?? "" } == ["claim", "fetch", "parse", "dedup", "classify", "write"])
        let fetched = try #require(rows.first { $0.first == "fetch" })
        #expect(Int(fetched[2]).map { $0 > 0 } == true, "fetch row: \(fetched)")
        #expect(lines.contains { $0.hasPrefix("items in flight: at most ") })
    }
}
