import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluicePublish
import SluiceStore
import SluiceTestSupport

/// `sluice recheck`, `sluice volunteers`, and note-only and hostile intel in every format, against a real
/// HTTP server and store.
@Suite("Recheck, volunteers and notes")
struct PublishRecheckTests {
    @Test func recheckMarksSourcesAliveChangedOrDeletedAndTheColumnSaysSo() throws {
        let world = try PublishWorld()
        let pages = ["/same": ("闲鱼卖书复盘", "从废品站按斤收旧书，考研季按本卖给学生"),
                     "/edited": ("抖音团购探店佣金", "探店达人拿的是团购券核销佣金，比例从三到十五"),
                     "/gone": ("小红书代运营半年", "三个人给十二个客户写笔记，月均毛利两万元"),
                     "/removed": ("淘宝客返利群", "从二零一七年开始做返利群，最多时有十几个群"),
                     "/notice": ("私域社群的账本", "企业微信加好友每天有上限，要用多个号分流客户")]
        var ids: [String: Int64] = [:]
        for (path, page) in pages.sorted(by: { $0.key < $1.key }) {
            ids[path] = try world.submit(path, page: PublishWorld.article(page.0, page.1), by: "小明")
        }
        world.run()
        world.approve(ids.values.sorted())
        #expect(try world.publish().count == 5)

        world.serve("/edited", try .html(PublishWorld.article("抖音团购探店佣金", "作者删改了正文，换成了九块九的课程广告")))
        world.serve("/gone", .status(404))
        world.serve("/removed", .status(410))
        world.serve("/notice", try .html("""
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>微信公众平台</title></head>
            <body><p>该内容已被发布者删除</p></body></html>
            """))
        let findings = try #require(try world.json(["recheck", "--month", world.month, "--pipeline", world.pipeline]
                                                   + world.allowHost) as? [[String: Any]])
        var states: [Int64: String] = [:]
        for finding in findings {
            states[(finding["id"] as? NSNumber)?.int64Value ?? 0] = finding["state"] as? String
        }
        let expected: [String: String] = ["/same": "alive", "/edited": "changed", "/gone": "deleted", "/removed": "deleted",
                                          "/notice": "deleted"]
        for (path, state) in expected {
            #expect(states[ids[path] ?? 0] == state, "\(path)")
        }
        let store = try world.store()
        let firstSeen = try #require(try store.sourceStatus(itemID: ids["/gone"] ?? 0))
        #expect(firstSeen.state == .deleted)

        let column = world.export("md")
        #expect(occurrences(of: "原文已删除：source deleted on", in: column) == 3)
        #expect(occurrences(of: "原文已改动：source changed by", in: column) == 1)
        #expect(column.contains("evidence captured on"))
        let feed = world.export("json")
        #expect(occurrences(of: "\"source_state\" : \"deleted\"", in: feed) == 3)

        // A second check: what stays deleted keeps the day it was first seen; an answer that says nothing
        // about the article (403) keeps the previous state and is reported with exit status 1.
        let alive = try #require(try store.sourceStatus(itemID: ids["/same"] ?? 0))
        world.serve("/same", .status(403))
        let second = world.sluice(["recheck", "--month", world.month, "--pipeline", world.pipeline] + world.allowHost, expect: 1)
        #expect(second.output.contains("#\(ids["/same"] ?? 0) unknown: "))
        #expect(second.errors.contains("1 source(s) could not be judged"))
        #expect(try store.sourceStatus(itemID: ids["/gone"] ?? 0) == firstSeen)
        #expect(try store.sourceStatus(itemID: ids["/same"] ?? 0) == alive)
        let tomorrow = Date().addingTimeInterval(86_400)
        #expect(try store.recordSourceCheck(itemID: ids["/gone"] ?? 0, state: .deleted, detail: nil, at: tomorrow) == firstSeen)
        let moved = try store.recordSourceCheck(itemID: ids["/same"] ?? 0, state: .changed, detail: nil, at: tomorrow)
        #expect(moved.state == .changed && abs(moved.checkedAt.timeIntervalSince(tomorrow)) < 0.01)
        world.sluice(["recheck"], expect: 2)
    }

    @Test func volunteersCountContributionsAcceptanceAndTags() throws {
        let world = try PublishWorld()
        try world.submit("/pending", page: PublishWorld.article("还没审的稿子", "等待版主审核的内容"), by: "小红")
        let month = try world.seedMonth()
        world.approve([month.story, month.note], extra: ["--category", "local_services"])
        world.sluice(["review", "reject", "\(month.hype)", "--as", "版主A", "--reason", "hype_scam"])

        let stats = try #require(try world.json(["volunteers", "--month", world.month]) as? [[String: Any]])
        #expect(stats.compactMap { $0["name"] as? String } == ["小明", "阿强", "小红"])
        func row(_ name: String) -> [String: Any] { stats.first { $0["name"] as? String == name } ?? [:] }
        #expect(row("小明")["submissions"] as? Int == 2 && row("小明")["accepted"] as? Int == 2)
        #expect(row("小明")["acceptance_rate"] as? Double == 1.0)
        #expect(row("小明")["tags"] as? [String] == ["local_services"])
        #expect(row("阿强")["submissions"] as? Int == 2 && row("阿强")["accepted"] as? Int == 1
                && row("阿强")["rejected"] as? Int == 1)
        #expect(row("阿强")["acceptance_rate"] as? Double == 0.5)
        #expect(row("小红")["pending"] as? Int == 1)
        #expect(row("小红")["acceptance_rate"] is NSNull)
        let none = try #require(try world.json(["volunteers", "--month", "2020-01"]) as? [Any])
        #expect(none.isEmpty)
        let text = world.sluice(["volunteers"]).output
        #expect(text.contains("小明: 2 submitted, 2 accepted, 0 rejected, 0 pending, 0 failed; acceptance 100%; 本地生活 Local services"))
    }

    @Test func noteOnlyIntelReadsAsAVolunteersNoteInEveryFormat() throws {
        let world = try PublishWorld()
        let note = "小区团购团长：接龙卖水果，一个月多赚一千"
        let id = try world.submit(nil, by: "阿强", note: note)
        world.run()
        world.approve([id])
        #expect(try world.store().evidence(itemID: id)?.text == note)
        #expect(try world.publish() == [id])

        let markdown = world.export("md")
        #expect(markdown.contains("### 志愿者笔记 Volunteer note\n"))
        #expect(occurrences(of: note, in: markdown) == 1)
        #expect(!markdown.contains("链接已省略"))
        let html = world.export("html")
        #expect(html.contains("<article id=\"item-\(id)\" class=\"volunteer-note\">\n<h3 dir=\"auto\"><bdi>志愿者笔记 Volunteer note</bdi></h3>"))
        #expect(occurrences(of: note, in: html) == 1)
        #expect(!html.contains("<a href") && !html.contains("链接已省略"))
        let atom = world.export("atom")
        #expect(atom.contains("<id>tag:community.example,\(world.month):/item/\(id)</id>"))
        #expect(atom.contains("<title type=\"text\">志愿者笔记：小区团购团长：接龙卖水果，一个月多赚一千</title>"))
        #expect(!(atom.components(separatedBy: "<entry>").last ?? "").contains("<link"), "a note's entry links nowhere")
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(world.export("json").utf8)) as? [String: Any])
        let item = try #require((feed["items"] as? [[String: Any]])?.first)
        #expect(item["id"] as? String == "tag:community.example,\(world.month):/item/\(id)")
        #expect(item["url"] == nil && item["external_url"] == nil)
        #expect((item["content_text"] as? String)?.contains(note) == true)
        #expect((item["_sluice"] as? [String: Any])?["kind"] as? String == "note")
        let file = try #require(world.contentFile(id))
        #expect(file.contains("  kind: \"note\"\n  submitted_url: null\n  canonical_url: null\n"))
        #expect(occurrences(of: note, in: file) == 2)
    }

    @Test func hostileNotesAndTitlesStayInertInEveryFormat() throws {
        let world = try PublishWorld()
        let note = "<script>alert(1)</script> [点我](javascript:alert(1)) \u{202E}gnp.exe\u{202C} \u{1B}[31m红字 ![x](http://evil/t.png)"
        let id = try world.submit(nil, by: "<b>志愿者</b>\u{202E}", note: note)
        world.run()
        world.approve([id], extra: ["--title", "标题](javascript:alert(2))<img src=x onerror=alert(3)>\u{7}"])
        _ = try world.publish()
        for format in ["md", "html", "json", "atom"] {
            let output = world.export(format)
            #expect(!output.contains("<script"), "\(format)")
            #expect(!output.contains("<img"), "\(format)")
            #expect(!output.contains("\u{202E}") && !output.contains("\u{1B}") && !output.contains("\u{7}"), "\(format)")
            #expect(!output.contains("href=\"javascript"), "\(format)")
        }
        let markdown = world.export("md")
        // `&lt;` is a character reference, not the start of a tag; an escaped `[` opens no link.
        #expect(markdown.contains("&lt;script>alert(1)&lt;/script>") && markdown.contains("\\[点我](javascript:alert(1))"))
        #expect(!markdown.replacingOccurrences(of: "\\[", with: "").contains("[点我]"))
        #expect(world.export("html").contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(try JSONSerialization.jsonObject(with: Data(world.export("json").utf8)) is [String: Any])
        let file = try #require(world.contentFile(id))
        #expect(!file.contains("<script") && !file.contains("\u{202E}"))
    }
}
