import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluicePublish
import SluiceStore
import SluiceTestSupport

/// Issue 8 through the real store and command line: evidence frozen at approval, idempotent publish,
/// unpublish and republish, slug collisions, the header figures, a month with nothing in it.
@Suite("Publish lifecycle")
struct PublishLifecycleTests {
    @Test func approvalFreezesEvidenceAndPublishWritesItOnce() throws {
        let world = try PublishWorld()
        let id = try world.submit("/xianyu", page: PublishWorld.article("闲鱼卖书复盘", "从废品站按斤收书，考研季按本卖"),
                                  by: "小明")
        world.run()
        #expect(try world.store().evidence(itemID: id) == nil)
        world.approve([id])
        let evidence = try #require(try world.store().evidence(itemID: id))
        #expect(evidence.text.contains("从废品站按斤收书"))
        #expect(evidence.textSHA256 == SHA256.hex(Data(evidence.text.utf8)))
        #expect(evidence.isIntact)
        #expect(evidence.sanitizedHTML.hasPrefix("<article>\n<h1 dir=\"auto\">闲鱼卖书复盘</h1>"))
        #expect(!evidence.sanitizedHTML.contains("<nav") && !evidence.sanitizedHTML.contains("版权所有"))

        #expect(try world.publish() == [id])
        let file = try #require(world.contentFile(id))
        #expect(file.contains("evidence_sha256: \"\(evidence.textSHA256)\""))
        #expect(file.contains("## 存档证据 Evidence"))
        let path = world.content + "/\(world.month)/\(id).md"
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(try world.publish() == [])
        #expect(world.contentFile(id) == file)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == modified)
        let entries = try world.store().publications(month: world.month)
        #expect(entries.map(\.publication.itemID) == [id])
        #expect(entries.first?.publication.evidenceSHA256 == evidence.textSHA256)
        #expect(entries.first?.publication.capturedAt != nil)
    }

    @Test func unpublishRemovesTheFileKeepsTheRecordAndRepublishesInOneColumnOnly() throws {
        let world = try PublishWorld()
        let ids = try world.publishArticles([("/a", "拼多多开店三个月", "先做低价引流款再做利润款", "小明"),
                                             ("/b", "AI配音接单经验", "在闲鱼接短视频配音一条十元", "小红")])
        let (kept, retracted) = (ids[0], ids[1])

        world.sluice(["unpublish", "\(retracted)", "--as", "版主B"], expect: 2)
        world.sluice(["unpublish", "\(retracted)", "--reason", "来源侵权"], expect: 2)
        let answer = try #require(try world.json(["unpublish", "\(retracted)", "--reason", "来源侵权", "--as", "版主B",
                                                  "--content", world.content]) as? [String: Any])
        let unpublished = try #require((answer["unpublished"] as? [[String: Any]])?.first)
        #expect(unpublished["removed"] as? String == "\(world.month)/\(retracted).md")
        #expect(world.contentFile(retracted) == nil)
        #expect(world.contentFile(kept) != nil)
        #expect(try world.store().record(id: retracted)?.state == .approved)
        let audit = try world.store().decisions().filter { $0.action == "unpublish" }
        #expect(audit.map(\.itemID) == [retracted] && audit.first?.reason == "来源侵权" && audit.first?.moderator == "版主B")
        #expect(occurrences(of: "AI配音接单经验", in: world.export("md")) == 0)

        let again = world.sluice(["unpublish", "\(retracted)", "9999", "abc", "--reason", "x", "--as", "版主B",
                                  "--content", world.content], expect: 1)
        #expect(again.errors.contains("item #\(retracted) is approved, not published"))
        #expect(again.errors.contains("no item #9999 in the store"))
        #expect(again.errors.contains("\"abc\" is not an item id"))

        #expect(try world.publish() == [retracted])
        #expect(world.contentFile(retracted) != nil)
        #expect(occurrences(of: "AI配音接单经验", in: world.export("md")) == 1)

        // Republished in a later month, the item leaves the earlier month's column.
        let store = try world.store()
        let first = try store.retract(itemID: retracted, reason: "改月份", moderator: "版主B")
        let later = Publication(itemID: retracted, month: "2099-01", publishedAt: Date(), slug: first.slug, path: nil,
                                evidenceSHA256: first.evidenceSHA256, evidenceText: first.evidenceText, capturedAt: first.capturedAt)
        #expect(try store.recordPublication(later, actor: "test"))
        #expect(try store.publications(month: world.month).map(\.publication.itemID) == [kept])
        #expect(try store.publications(month: "2099-01").map(\.publication.itemID) == [retracted])
        #expect(try store.recordPublication(later, actor: "test") == false)
    }

    @Test func collidingTitlesGetDistinctSlugs() throws {
        let world = try PublishWorld()
        let ids = try world.publishArticles([("/one", "副业复盘", "淘宝客返利群从零到一千人", "小明"),
                                             ("/two", "副业复盘", "抖音团购达人探店拿佣金比例", "阿强")])
        let slugs = try ids.map { id in
            try #require(world.contentFile(id)?.split(separator: "\n").first { $0.hasPrefix("slug: ") })
        }
        #expect(slugs == ["slug: \"副业复盘\"", "slug: \"副业复盘-\(ids[1])\""])
    }

    @Test func headerFiguresCountExactlyAndAnEmptyMonthSaysSo() throws {
        let world = try PublishWorld()
        let month = try world.seedMonth()
        world.approve([month.story, month.note])
        world.sluice(["review", "reject", "\(month.hype)", "--as", "版主A", "--reason", "hype_scam"])
        _ = try world.publish()
        let column = world.export("md")
        #expect(column.contains("- 投稿 Submissions：4\n"))
        #expect(column.contains("- 志愿者 Volunteers：2\n"))
        #expect(column.contains("- 采纳 Approved：2\n"))
        #expect(column.contains("- 未采纳 Rejected：1（hype_scam 1）\n"))
        #expect(column.contains("- 合并重复 Duplicates merged：1\n"))
        #expect(column.contains("- 主要来源 Top sites：127.0.0.1 1\n"))
        #expect(column.contains("共 2 条"))

        let empty = world.export("md", month: "2020-01")
        #expect(empty.contains("本月没有发布的条目。No items were published this month.\n"))
        #expect(empty.contains("- 投稿 Submissions：0\n") && empty.contains("- 采纳 Approved：0\n"))
        let feed = try #require(try JSONSerialization.jsonObject(with: Data(world.export("json", month: "2020-01").utf8))
                                as? [String: Any])
        #expect((feed["items"] as? [Any])?.isEmpty == true)
        world.sluice(["export", "--month", "2020-13"], expect: 2)
    }
}
