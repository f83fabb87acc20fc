import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// `sluice import` on a coordinator's form exports, through the real command line into a real store: the
/// format comes from the file, the header names from pipelines/import-headers.json, and the volunteer's
/// own 提交时间 becomes the submission's time.
@Suite("Import form exports")
struct FormImportCommandTests {
    let directory = TemporaryDirectory("form-command")
    var storePath: String { directory.path("sluice.db") }

    func write(_ name: String, _ data: Data) -> String {
        let path = directory.path(name)
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    @Test func csvAndXlsxExportsBecomeSubmissionsWithTheVolunteersTimes() throws {
        let csv = write("问卷星导出.csv", Data([0xEF, 0xBB, 0xBF]) + Data("""
            序号,提交答卷时间,来自IP,链接,备注,昵称,提交时间
            1,2026/11/3 14:05:22,1.2.3.4,https://mp.weixin.qq.com/s/abc,复盘,阿木,2026/11/3 14:05:22
            2,2026/11/3 15:00:00,1.2.3.4,,,山竹,2026/11/3 15:00:00

            """.utf8))
        let sheet = ZipWriter.archive(XLSXWriter.workbook([
            [.shared("提交时间"), .shared("网址"), .shared("说明"), .shared("微信号")],
            [.number("46330.5"), .shared("https://36kr.com/p/1"), .inline("AI 工具接单"), .shared("xiaoman")],
        ]))
        let xlsx = write("腾讯问卷.xlsx", sheet)
        let harness = CLIHarness(storePath: storePath)
        let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path
        // One row is refused, so the import exits 1.
        let output = harness.run(["import", csv, xlsx, "--by", "协调员", "--pipeline", pipeline, "--json"], expect: 1).output
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(summary["submitted"] as? Int == 2)
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1)
        #expect(rejected.first?["file"] as? String == csv && rejected.first?["line"] as? Int == 3)
        #expect(rejected.first?["reason"] as? String == "neither a URL nor a note was given")

        let store = try SQLiteStore(path: storePath)
        let records = try [1, 2].map { try #require(try store.record(id: Int64($0))) }
        #expect(records.map(\.volunteer) == ["阿木", "xiaoman"])
        #expect(Timestamp.string(records[0].submittedAt) == "2026-11-03T06:05:22.000Z", "14:05:22 Beijing time")
        #expect(Timestamp.string(records[1].submittedAt) == "2026-11-04T04:00:00.000Z", "serial 46330.5")
        #expect(records[1].note == "AI 工具接单")

        let again = try #require(try harness.json(["import", xlsx, "--pipeline", pipeline]) as? [String: Any])
        #expect(again["already_present"] as? Int == 1 && again["submitted"] as? Int == 0, "importing twice adds nothing")

        let other = write("其他表单.csv", Data("问题1,问题2\na,b\n".utf8))
        let refused = harness.run(["import", other, "--pipeline", pipeline], expect: 1).errors
        #expect(refused.hasPrefix("sluice: \(other): the header row has column(s) sluice does not know: \"问题1\", \"问题2\""),
                "one error, naming the file once: \(refused)")
    }
}
