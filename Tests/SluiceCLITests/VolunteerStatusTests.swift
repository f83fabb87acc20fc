import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// `sluice volunteer status --by NAME`: each submission in the volunteer's words, from the real store.
@Suite struct VolunteerStatusTests {
    let cli = ReviewCLI()

    /// 小明's five submissions end queued, published, rejected, approved and failed; 阿强 repeats the first.
    init() throws {
        cli.queue(ReviewCLI.notes.map { ("小明", $0) } + [("小明", "拼多多上卖手工皂，详情页自己拍，每周稳定出二十单"),
                                                          ("阿强", ReviewCLI.notes[0])])
        let store = try cli.store()
        let failed = try store.submit(Submission(volunteer: "小明", url: "https://www.36kr.com/p/404", note: nil, source: "cli"))
        try store.commit([StageOutcome(itemID: failed.itemID, from: .submitted, to: .failed, stage: .fetch,
                                       problem: Problem(.http4xx, stage: .fetch, message: "HTTP 404 Not Found"))],
                         owner: "test")
        cli.sluice(["review", "approve", "2", "--as", "版主A"])
        cli.sluice(["publish", "--content", cli.directory.path("content")])
        cli.sluice(["review", "reject", "3", "--as", "版主A", "--reason", "hype_scam", "--text", "夸大收益"])
        cli.sluice(["review", "approve", "4", "--as", "版主A"])
    }

    @Test func everySubmissionSaysWhereItStands() throws {
        let statuses = try #require(try cli.json(["volunteer", "status", "--by", "小明"]) as? [[String: Any]])
        #expect(statuses.map { $0["id"] as? Int } == [1, 2, 3, 4, 6])
        #expect(statuses.map { $0["status"] as? String } == ["queued", "published", "rejected", "approved", "failed"])
        #expect(statuses[2]["reason"] as? String == "hype/scam: 夸大收益")
        #expect(statuses[4]["problem"] as? String == "http_4xx: HTTP 404 Not Found")
        #expect(statuses[0]["note"] as? String == ReviewCLI.notes[0])
        for field in ["id", "url", "note", "title", "submitted_at", "status", "words", "duplicate_of", "reason", "problem"] {
            #expect(statuses.allSatisfy { $0.keys.contains(field) }, "volunteer status --json lacks \(field)")
        }
        let text = cli.sluice(["volunteer", "status", "--by", "小明"]).output.split(separator: "\n").map(String.init)
        #expect(text == [
            "#1 queued: waiting for a moderator — \(ReviewCLI.notes[0])",
            "#2 published in the column — \(ReviewCLI.notes[1])",
            "#3 rejected: hype/scam: 夸大收益 — \(ReviewCLI.notes[2])",
            "#4 approved: it will be in the column — 拼多多上卖手工皂，详情页自己拍，每周稳定出二十单",
            "#6 failed: http_4xx: HTTP 404 Not Found — https://www.36kr.com/p/404",
        ])
    }

    @Test func aRepeatIsADuplicateOfTheFirstReport() throws {
        let statuses = try #require(try cli.json(["volunteer", "status", "--by", "阿强"]) as? [[String: Any]])
        #expect(statuses.count == 1)
        #expect(statuses.first?["status"] as? String == "duplicate")
        #expect(statuses.first?["duplicate_of"] as? Int == 1)
        #expect(cli.sluice(["volunteer", "status", "--by", "阿强"]).output
                    .hasPrefix("#5 already known as #1, which is still queued; your report is recorded and credited"))
    }

    @Test func unknownVolunteersAndMissingNamesAreRefused() {
        let unknown = cli.sluice(["volunteer", "status", "--by", "无名氏"], expect: 1)
        #expect(unknown.errors.contains("no volunteer named \"无名氏\" has submitted anything"))
        #expect(cli.sluice(["volunteer", "status"], expect: 2).errors.contains("--by VOLUNTEER is required"))
        #expect(cli.sluice(["volunteer", "list"], expect: 2).errors.contains("unknown subcommand \"list\""))
        #expect(cli.sluice(["volunteer", "--help"]).output.contains("usage: sluice volunteer status --by VOLUNTEER"))
    }

    @Test func hostileNotesReachTheTerminalInert() throws {
        _ = try cli.store().submit(Submission(volunteer: "坏人", url: nil, note: "副业\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J",
                                              source: "cli"))
        let output = cli.sluice(["volunteer", "status", "--by", "坏人"]).output
        #expect(output.contains("queued: being fetched and read — 副业"))
        #expect(!output.contains("\u{1B}") && !output.contains("\u{07}"))
    }
}
