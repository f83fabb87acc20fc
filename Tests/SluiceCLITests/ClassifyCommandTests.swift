import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// Issue 6 through the real command line and the real SQLite store: training from moderators' decisions,
/// automatic retraining, the rules dry run, reprocessing the queue, and the queue's order.
@Suite struct ClassifyCommandTests {
    let fixture = ClassifyFixture()

    @Test func trainingFromTheStoreIsDeterministicAndCountsCorrections() throws {
        let ids = try fixture.submitAndRun(["xianyu", "wechat", "tuangou", "scam"])
        fixture.approve(try #require(ids["xianyu"]))
        fixture.approve(try #require(ids["wechat"]), category: "content")
        fixture.approve(try #require(ids["tuangou"]))
        fixture.reject(try #require(ids["scam"]))

        let report = try #require(try fixture.json(fixture.sluice(["train", "--json", "--pipeline", ClassifyFixture.defaultPipeline]))
                                  as? [String: Any])
        #expect(report["examples"] as? Int == 4)
        #expect(report["from_store"] as? Int == 4)
        #expect(report["from_samples"] as? Int == 0)
        #expect(report["approved"] as? Int == 3)
        #expect(report["rejected"] as? Int == 1)
        #expect(report["moderator_categories"] as? Int == 1)
        let store = try SQLiteStore(path: fixture.storePath)
        let first = try #require(try store.latestModel())
        #expect(first.examples == 4)
        #expect(first.body.count == report["model_bytes"] as? Int)

        fixture.sluice(["train", "--pipeline", ClassifyFixture.defaultPipeline])
        let second = try #require(try store.latestModel())
        #expect(try store.models().count == 2)
        #expect(second.body == first.body, "the same decisions must give byte-identical models")
    }

    @Test func anEmptyOrOneCategoryStoreIsRefusedWithAMessage() throws {
        let missing = fixture.sluice(["train", "--pipeline", ClassifyFixture.defaultPipeline], expect: 2)
        #expect(missing.errors.contains("no sluice store here"))
        fixture.sluice(["init"])
        let empty = fixture.sluice(["train", "--pipeline", ClassifyFixture.defaultPipeline], expect: 1)
        #expect(empty.errors.contains("no moderator decisions yet"))
        #expect(empty.errors.contains("--with-samples FILE"))

        let ids = try fixture.submitAndRun(["xianyu", "wechat"])
        fixture.approve(try #require(ids["xianyu"]), category: "ecommerce")
        fixture.approve(try #require(ids["wechat"]), category: "ecommerce")
        let oneClass = fixture.sluice(["train", "--pipeline", ClassifyFixture.defaultPipeline], expect: 1)
        #expect(oneClass.errors.contains("all 2 decisions have the category ecommerce"))
        #expect(try SQLiteStore(path: fixture.storePath).models().isEmpty)

        let samples = ClassifyFixture.packageRoot.appendingPathComponent("samples/labeled.jsonl").path
        let withSamples = try #require(try fixture.json(fixture.sluice(["train", "--with-samples", samples, "--json",
                                                                        "--pipeline", ClassifyFixture.defaultPipeline]))
                                       as? [String: Any])
        #expect(withSamples["from_store"] as? Int == 2)
        #expect((withSamples["from_samples"] as? Int ?? 0) >= 200)
    }

    @Test func runRetrainsAfterEnoughNewDecisions() throws {
        let pipeline = try fixture.pipeline(named: "retrain", classify: ["retrain_after_decisions": 2])
        let ids = try fixture.submitAndRun(["xianyu", "scam", "wechat"], pipeline: pipeline)
        let store = try SQLiteStore(path: fixture.storePath)
        #expect(try store.models().isEmpty)
        #expect(try fixture.show(try #require(ids["wechat"]))["p_approve"] is NSNull)

        fixture.approve(try #require(ids["xianyu"]))
        let quiet = fixture.sluice(["run", "--pipeline", pipeline])
        #expect(!quiet.errors.contains("retrained"), "one decision is below retrain_after_decisions")
        #expect(try store.models().isEmpty)

        fixture.reject(try #require(ids["scam"]))
        let later = try fixture.submitAndRun(["outsourcing"], pipeline: pipeline)
        #expect(try store.models().map(\.examples) == [2])
        #expect(try fixture.show(try #require(later["outsourcing"]))["p_approve"] is Double)

        let again = fixture.sluice(["run", "--pipeline", pipeline])
        #expect(!again.errors.contains("retrained"))
        #expect(try store.models().count == 1, "no new decisions since the last training")
    }

    @Test func anUnreadableStoredModelIsAWarningNotASilentNil() throws {
        let ids = try fixture.submitAndRun(["xianyu"])
        try SQLiteStore(path: fixture.storePath).saveModel(StoredModel(body: Data("{\"format\":99}".utf8), trainedAt: Date(), examples: 7))
        let run = fixture.sluice(["run", "--pipeline", ClassifyFixture.defaultPipeline])
        #expect(run.errors.contains("the stored classifier model cannot be read"))
        #expect(run.errors.contains("classifying with the rules alone"))
        #expect(try fixture.show(try #require(ids["xianyu"]))["category_source"] as? String == "rule")
    }

    @Test func rulesTestCountsHitsAndListsChangesWithoutWriting() throws {
        let ids = try fixture.submitAndRun(["xianyu", "tuangou", "scam"])
        let tuangou = try #require(ids["tuangou"])
        let before = try fixture.show(tuangou)
        let xianyu = try #require(ids["xianyu"])
        let version = try #require(try fixture.show(xianyu)["version"] as? Int)
        _ = try SQLiteStore(path: fixture.storePath).edit(itemID: Int64(xianyu), field: .category, value: "content",
                                                    moderator: "版主A", expectedVersion: version)
        let rulesFile = try fixture.rules(named: "candidate", ClassifyFixture.candidateRules)

        let unchanged = try #require(try fixture.json(fixture.sluice(["rules", "test", "--json", "--pipeline", ClassifyFixture.defaultPipeline]))
                                     as? [String: Any])
        let unchangedRun = try #require(unchanged["dry_run"] as? [String: Any])
        #expect(unchangedRun["items_examined"] as? Int == 3)
        #expect((unchangedRun["changes"] as? [Any])?.isEmpty == true, "a moderator's category is not a change")

        let output = try #require(try fixture.json(fixture.sluice(["rules", "test", "--rules", rulesFile, "--json",
                                                                   "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        let dryRun = try #require(output["dry_run"] as? [String: Any])
        #expect(dryRun["version_after"] as? String == "test-candidate")
        #expect(dryRun["items_examined"] as? Int == 3)
        let hits = try #require(dryRun["hits"] as? [[String: Any]])
        let fruit = try #require(hits.first { $0["rule"] as? String == "fruit_test" })
        #expect(fruit["items_before"] as? Int == 0)
        #expect(fruit["items_after"] as? Int == 1)
        #expect(hits.first { $0["rule"] as? String == "shadow_test" }?["shadow"] as? Bool == true)
        let changes = try #require(dryRun["changes"] as? [[String: Any]])
        #expect(changes.map { $0["id"] as? String } == [String(tuangou)])
        #expect(changes.first?["category_after"] as? String == "courses")
        let added = changes.first?["flags_added"] as? [[String: Any]] ?? []
        #expect(added.map { $0["rule"] as? String } == ["fruit_test"], "a shadow rule is never applied")
        let shadow = try #require(dryRun["shadow_changes"] as? [[String: Any]])
        #expect(shadow.contains { ($0["flags_added"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "shadow_test" } })
        #expect(output["pending_changed"] as? [String] == [String(tuangou)])

        let text = fixture.sluice(["rules", "test", "--rules", rulesFile, "--pipeline", ClassifyFixture.defaultPipeline])
        #expect(text.output.contains("1 items would change"))
        #expect(text.output.contains("fruit_test"))
        #expect(try fixture.show(tuangou)["version"] as? Int == before["version"] as? Int, "a dry run writes nothing")
    }

    @Test func reprocessAppliesNewRulesToTheQueueAndKeepsModeratorCategories() throws {
        let ids = try fixture.submitAndRun(["xianyu", "tuangou", "outsourcing"])
        let tuangou = try #require(ids["tuangou"])
        let outsourcing = try #require(ids["outsourcing"])
        let before = try fixture.show(tuangou)
        #expect(before["category"] as? String != "courses")
        let store = try SQLiteStore(path: fixture.storePath)
        let version = try #require(try fixture.show(outsourcing)["version"] as? Int)
        _ = try store.edit(itemID: Int64(outsourcing), field: .category, value: "local_services", moderator: "版主A",
                           expectedVersion: version)
        let candidate = try fixture.pipeline(named: "candidate", rules: {
            ClassifyFixture.candidateRules(&$0)
            var categories = $0["categories"] as? [[String: Any]] ?? []
            if let index = categories.firstIndex(where: { $0["id"] as? String == "courses" }) {
                var keywords = categories[index]["keywords"] as? [String: Any] ?? [:]
                keywords["外包"] = 40
                categories[index]["keywords"] = keywords
            }
            $0["categories"] = categories
        })

        let report = try #require(try fixture.json(fixture.sluice(["reprocess", "--stage", "classify", "--json", "--pipeline", candidate]))
                                  as? [String: Any])
        #expect(report["examined"] as? Int == 3)
        #expect(report["written"] as? Int == 3)
        #expect(report["rule_version"] as? String == "test-candidate")
        #expect(report["category_changed"] as? [Int] == [tuangou])
        #expect(report["flags_changed"] as? [Int] == [tuangou])

        let after = try fixture.show(tuangou)
        #expect(after["category"] as? String == "courses")
        #expect(after["category_source"] as? String == "rule")
        #expect(after["rule_version"] as? String == "test-candidate")
        #expect((after["flags"] as? [[String: Any]] ?? []).map { $0["rule"] as? String } == ["fruit_test"])
        #expect(try #require(after["priority"] as? Double) < (before["priority"] as? Double ?? 0), "a fraud flag sinks the item")
        #expect(after["version"] as? Int == (before["version"] as? Int ?? 0) + 1)
        let kept = try fixture.show(outsourcing)
        #expect(kept["category"] as? String == "local_services")
        #expect(kept["category_source"] as? String == "moderator")

        let unknown = fixture.sluice(["reprocess", "--stage", "fetch"], expect: 2)
        #expect(unknown.errors.contains("stage \"fetch\" cannot be reprocessed"))
    }

    @Test func theQueueIsOrderedByPriorityWithLikelyScamsLast() throws {
        let ids = try fixture.submitAndRun(["scam", "xianyu", "wechat", "outsourcing"])
        let queue = try #require(try fixture.json(fixture.sluice(["review", "list", "--json"])) as? [[String: Any]])
        let priorities = queue.compactMap { $0["priority"] as? Double }
        #expect(priorities.count == 4)
        #expect(priorities == priorities.sorted(by: >))
        #expect(queue.last?["id"] as? Int == ids["scam"])
        #expect((queue.last?["flags"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func evalAndBenchReportTheirFigures() throws {
        let labeled = ClassifyFixture.packageRoot.appendingPathComponent("samples/labeled.jsonl").path
        let report = try #require(try fixture.json(fixture.sluice(["eval", "classify", "--labeled", labeled, "--folds", "3", "--json",
                                                                   "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        #expect(report["folds"] as? Int == 3)
        let accuracy = try #require(report["accuracy"] as? Double)
        let rulesOnly = try #require(report["rules_only_accuracy"] as? Double)
        #expect(accuracy > rulesOnly, "the classifier must beat the rules alone")
        #expect((report["confusion"] as? [[Int]])?.count == (report["categories"] as? [String])?.count)

        fixture.sluice(["init"])
        let noStoreDecisions = fixture.sluice(["eval", "classify", "--from-store", "--pipeline", ClassifyFixture.defaultPipeline], expect: 1)
        #expect(noStoreDecisions.errors.contains("cannot cross-validate 0 examples"))

        let bench = try #require(try fixture.json(fixture.sluice(["bench", "classify", "--labeled", labeled, "--seconds", "0.2", "--json",
                                                                  "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        let phases = try #require(bench["phases"] as? [[String: Any]])
        #expect(phases.contains { ($0["name"] as? String)?.hasPrefix("classifier") == true && ($0["items_per_second"] as? Double ?? 0) > 0 })
        #expect(fixture.sluice(["eval", "--json"], expect: 2).errors.contains("eval: name what to measure (charset, classify, dedup, extract, url)"))
    }

    @Test func everyClassifyCommandHasHelp() {
        for (command, usage) in [("train", "usage: sluice train"), ("eval", "usage: sluice eval classify"),
                                 ("bench", "usage: sluice bench classify"), ("rules", "usage: sluice rules test"),
                                 ("reprocess", "usage: sluice reprocess --stage classify")] {
            #expect(fixture.sluice([command, "--help"]).output.contains(usage), "\(command) --help")
        }
    }
}
