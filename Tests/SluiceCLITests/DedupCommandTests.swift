import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// Dedup through the real command line: clusters built across separate runs on the real store, the fate of
/// duplicates of rejected and published items, splitting a cluster, explaining a verdict, and re-keying the
/// store when the URL rules change.
@Suite struct DedupCommandTests {
    static let story = PublishWorld.article("闲鱼卖二手教材的复盘", "闲鱼上收旧教材再转卖，一本能赚五块钱")
    static let hype = PublishWorld.article("躺赚项目日入过万", "交入门费发展下线拉人头返佣金")
    static var today: String { String(Timestamp.string(Date()).prefix(10)) }

    func show(_ world: PublishWorld, _ id: Int64) throws -> [String: Any] {
        try #require(try world.json(["review", "show", "\(id)"]) as? [String: Any])
    }

    func status(_ world: PublishWorld) throws -> [String: Any] {
        try #require(try world.json(["status"]) as? [String: Any])
    }

    @Test func clustersGrowAcrossRunsAndWhyDupExplainsEachMatch() throws {
        let world = try PublishWorld()
        let first = try world.submit("/books", page: Self.story, by: "小明", note: "成本很低")
        world.run()
        let byLink = try world.submit("/books?utm_source=wechat&spm=a2c4g.1", page: Self.story, by: "阿强", note: "我也做过")
        world.run()
        let byText = try world.submit("/mirror/books", page: Self.story, by: "小红")
        world.run()
        let edited = PublishWorld.article("闲鱼卖二手教材的复盘", "闲鱼上收旧教材再转卖，一本能赚五块钱",
                                          extra: "<p>转载补充：快递费怎么算，包邮到底划不划算，我的答案是看单价。</p>")
        let nearly = try world.submit("/repost/books", page: edited, by: "老王")
        world.run()

        let linked = try show(world, byLink)
        #expect(linked["state"] as? String == "duplicate")
        #expect((linked["duplicate_of"] as? NSNumber)?.int64Value == first)
        #expect(linked["duplicate_kind"] as? String == "url")
        let copied = try show(world, byText)
        #expect((copied["duplicate_of"] as? NSNumber)?.int64Value == first)
        #expect(copied["duplicate_kind"] as? String == "exact")
        let reports = try #require(try show(world, first)["reports"] as? [[String: Any]])
        #expect(reports.compactMap { $0["volunteer"] as? String } == ["小明", "阿强", "小红", "老王"])
        let repost = try show(world, nearly)
        #expect((repost["duplicate_of"] as? NSNumber)?.int64Value == first)
        #expect(repost["duplicate_kind"] as? String == "near")
        let whyNear = world.sluice(["why-dup", "\(nearly)"]).output
        #expect(whyNear.contains("#\(nearly) is a duplicate of #\(first) (near)"))
        #expect(whyNear.contains("shingle similarity: 0."))
        #expect(whyNear.contains("「闲鱼上收旧教材再转卖"))
        #expect(reports.compactMap { $0["note"] as? String } == ["成本很低", "我也做过"])

        let why = world.sluice(["why-dup", "\(byLink)"]).output
        #expect(why.contains("#\(byLink) is a duplicate of #\(first) (url)"))
        #expect(why.contains("tracking parameters removed: utm_source, spm"))
        #expect(why.contains("#\(first) \(world.url("/books"))\n    - http folded into https\n"))
        let content = try #require(try world.json(["why-dup", "\(byText)"]) as? [String: Any])
        let explanation = try #require(content["content"] as? [String: Any])
        #expect(explanation["distance"] as? Int == 0)
        let passages = try #require(explanation["shared_passages"] as? [String])
        #expect(passages.contains { $0.contains("闲鱼上收旧教材再转卖") })

        let refused = world.sluice(["why-dup", "\(first)"], expect: 1)
        #expect(refused.errors.contains("item #\(first) is not a duplicate"))
    }

    @Test func aDuplicateOfARejectedItemInheritsTheReasonAndTheNoticeIsDated() throws {
        let world = try PublishWorld()
        let scam = try world.submit("/hype", page: Self.hype, by: "阿强")
        world.run()
        world.sluice(["review", "reject", "\(scam)", "--as", "版主A", "--reason", "hype_scam"])

        world.serve("/hype?from=timeline", try .html(Self.hype))
        let answer = try #require(try world.json(["submit", world.url("/hype?from=timeline"), "--by", "路人甲",
                                                  "--pipeline", world.pipeline]) as? [String: Any])
        #expect((answer["known_as"] as? NSNumber)?.int64Value == scam)
        #expect(answer["known_state"] as? String == "rejected")
        #expect(answer["known_since"] as? String == Self.today)
        let again = try #require((answer["id"] as? NSNumber)?.int64Value)
        world.serve("/hype?utm_medium=share", try .html(Self.hype))
        let batch = world.directory.path("batch.txt")
        try "\(world.url("/hype?utm_medium=share"))  又看到这个\n".write(toFile: batch, atomically: true, encoding: .utf8)
        let imported = world.sluice(["import", batch, "--by", "小红", "--pipeline", world.pipeline]).output
        #expect(imported.contains("already known as #\(scam) (rejected on \(Self.today))"))
        world.run()

        let duplicate = try show(world, again)
        #expect(duplicate["state"] as? String == "duplicate")
        #expect(duplicate["duplicate_kind"] as? String == "url")
        #expect(duplicate["decision_reason"] as? String == "hype_scam")
        let byRoot = try #require(try status(world)["duplicates_by_root_state"] as? [String: Int])
        #expect(byRoot["rejected"] == 2)
    }

    @Test func aDuplicateOfAPublishedItemIsCountedCreditedAndNeverPublishedAgain() throws {
        let world = try PublishWorld()
        let story = try #require(try world.publishArticles([(path: "/team", title: "社区团购团长的账本",
                                                              sentence: "小区群做到月流水八万", by: "小明")]).first)
        let page = PublishWorld.article("社区团购团长的账本", "小区群做到月流水八万")
        let late = try world.submit("/team?utm_source=moments", page: page, by: "阿强", note: "我们小区也这样")
        world.run()
        #expect(try world.publish().isEmpty)

        #expect(try show(world, late)["state"] as? String == "duplicate")
        let report = try status(world)
        #expect((report["states"] as? [String: Int])?["published"] == 1)
        #expect((report["duplicates_by_root_state"] as? [String: Int])?["published"] == 1)
        let reports = try #require(try show(world, story)["reports"] as? [[String: Any]])
        #expect(reports.compactMap { $0["volunteer"] as? String } == ["小明", "阿强"])
        #expect(world.export("md").contains("also reported by：阿强"))
    }

    @Test func unlinkSplitsAWrongClusterForGood() throws {
        let world = try PublishWorld()
        let first = try world.submit("/books", page: Self.story, by: "小明")
        let second = try world.submit("/books?utm_source=wechat", page: Self.story, by: "阿强")
        world.run()
        let store = try world.store()
        let sharedKeys = try #require(try store.dedupPair(itemID: second)).item.urlKeys

        world.sluice(["unlink", "\(second)"], expect: 2)
        let refused = world.sluice(["unlink", "\(first)", "--as", "版主A"], expect: 1)
        #expect(refused.errors.contains("item #\(first) (pending_review) is not linked to a cluster"))
        let outcome = try #require(try world.json(["review", "unlink", "\(second)", "--as", "版主A"]) as? [String: Any])
        #expect((outcome["root"] as? NSNumber)?.int64Value == first)
        #expect(outcome["state"] as? String == "deduplicated")

        let split = try show(world, second)
        #expect(split["duplicate_of"] is NSNull)
        #expect(split["state"] as? String == "deduplicated")
        let reports = try #require(try show(world, first)["reports"] as? [[String: Any]])
        #expect(reports.compactMap { $0["volunteer"] as? String } == ["小明"])
        let log = world.sluice(["review", "log"]).output
        #expect(log.contains("unlink"))
        world.run()
        #expect(try show(world, second)["state"] as? String == "pending_review")

        // Looked up again under the very keys it shares with #first, it no longer finds that cluster.
        var found: [Int64] = []
        let item = WorkItem(id: second, state: .pendingReview, url: world.url("/books?utm_source=wechat"), note: nil,
                            volunteer: "阿强")
        let keys = DedupKeys(urlKeys: sharedKeys, exactContentHash: nil, fingerprint: nil, bandKeys: [])
        let verdict = try store.deduplicate(item, keys: keys, canonicalURL: nil, owner: "test") { candidates in
            found = candidates.byURL.map(\.itemID)
            return candidates.byURL.first.map { DedupVerdict(duplicateOf: $0.itemID, kind: "url", evidence: $0.key) } ?? .unique
        }
        #expect(!sharedKeys.isEmpty)
        #expect(!found.contains(first))
        #expect(verdict.verdict == .unique)
    }

    @Test func itemsKeyedUnderOldRulesAreFoundAfterARuleChange() throws {
        let world = try PublishWorld()
        let rulesDirectory = world.directory.path("pipelines")
        try FileManager.default.copyItem(atPath: SharedCorpus.packageRoot.appendingPathComponent("pipelines").path,
                                         toPath: rulesDirectory)
        let pipeline = rulesDirectory + "/default.json"
        let rulesFile = rulesDirectory + "/url-rules.json"
        func submitAndRun(_ path: String, sentence: String, by volunteer: String) throws -> (id: Int64, errors: String) {
            world.serve(path, try .html(PublishWorld.article("副业经验 \(sentence.prefix(4))", sentence)))
            let answer = try #require(try world.json(["submit", world.url(path), "--by", volunteer, "--pipeline", pipeline])
                as? [String: Any])
            let run = world.sluice(["run", "--pipeline", pipeline] + world.allowHost)
            return (try #require((answer["id"] as? NSNumber)?.int64Value), run.errors)
        }

        let old = try submitAndRun("/guide?xsrc=feed", sentence: "用AI工具给小商家做海报，每单收费八十元", by: "小明")
        #expect(!old.errors.contains("re-keyed"), "a fresh store has nothing to re-key")
        var rules = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: rulesFile)))
            as? [String: Any])
        rules["version"] = "test-rules-2"
        rules["tracking_parameters"] = (rules["tracking_parameters"] as? [String] ?? []) + ["xsrc"]
        try JSONSerialization.data(withJSONObject: rules).write(to: URL(fileURLWithPath: rulesFile))

        let new = try submitAndRun("/guide?xsrc=home", sentence: "周末摆摊卖手工饰品，材料成本三成", by: "阿强")
        #expect(new.errors.contains("re-keyed 1 stored items"))
        let shown = try show(world, new.id)
        #expect((shown["duplicate_of"] as? NSNumber)?.int64Value == old.id)
        #expect(shown["duplicate_kind"] as? String == "url")

        let unchanged = try submitAndRun("/other", sentence: "小区团购团长，一个月多赚一千块", by: "小红")
        #expect(!unchanged.errors.contains("re-keyed"))
        let store = try world.store()
        let current = try #require(try store.dedupKeysVersion())
        #expect(current.hasPrefix("url rules test-rules-2; fingerprints "))
        let nothing = DedupKeys(urlKeys: [], exactContentHash: nil, fingerprint: nil, bandKeys: [])
        #expect(try store.rekey(version: current) { _ in nothing } == nil)
        #expect(try store.rekey(version: current, force: true) { _ in nothing } == 3)
        #expect(try store.dedupPair(itemID: new.id)?.item.urlKeys == [])
        let reprocessed = try #require(try world.json(["reprocess", "--stage", "dedup", "--pipeline", pipeline])
            as? [String: Any])
        #expect(reprocessed["rekeyed"] as? Int == 3)
        #expect(reprocessed["version"] as? String == current)
        #expect(try store.dedupPair(itemID: new.id)?.item.urlKeys == [world.url("/guide").replacingOccurrences(of: "http:", with: "https:")])
    }
}
