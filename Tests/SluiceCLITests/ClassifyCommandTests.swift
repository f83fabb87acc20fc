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
        let version = try #require(report["model_version"] as? String)
        #expect(first.version == version)
        #expect(report["replaced"] == nil, "the first model replaces none")

        let again = fixture.sluice(["train", "--pipeline", ClassifyFixture.defaultPipeline])
        #expect(again.output.contains("as model \(version), replacing \(version)"))
        let second = try #require(try store.latestModel())
        #expect(try store.models().map(\.version) == [version, version])
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
        // --json lists by id; the text list is the queue.
        let items = try #require(try fixture.json(fixture.sluice(["review", "list", "--json"])) as? [[String: Any]])
        let byPriority = items.sorted { ($0["priority"] as? Double ?? 0) > ($1["priority"] as? Double ?? 0) }
        #expect(byPriority.compactMap { $0["priority"] as? Double }.count == 4)
        #expect(byPriority.last?["id"] as? Int == ids["scam"])
        #expect((byPriority.last?["flags"] as? [[String: Any]])?.isEmpty == false)
        let listed = fixture.sluice(["review", "list"]).output.split(separator: "\n").compactMap { line in
            line.hasPrefix("#") ? Int(line.dropFirst().prefix { $0.isNumber }) : nil
        }
        #expect(listed.count == 4)
        #expect(listed.last == ids["scam"])
        let listedPriorities = listed.compactMap { id in items.first { $0["id"] as? Int == id }?["priority"] as? Double }
        #expect(listedPriorities == listedPriorities.sorted(by: >))
    }

    @Test func evalAndBenchReportTheirFigures() throws {
        let labeled = ClassifyFixture.packageRoot.appendingPathComponent("samples/labeled.jsonl").path
        let report = try #require(try fixture.json(fixture.sluice(["eval", "classify", "--labeled", labeled, "--folds", "3", "--json",
                                                                   "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        #expect(report["folds"] as? Int == 3)
        #expect(report["task"] as? String == "both")
        let category = try #require(report["category"] as? [String: Any])
        #expect(try #require(category["accuracy"] as? Double) > 0.6)
        #expect((category["confusion"] as? [[Int]])?.count == (category["categories"] as? [String])?.count)
        let approval = try #require(report["approval"] as? [String: Any])
        #expect(try #require(approval["accuracy"] as? Double) > #require(approval["rules_only_accuracy"] as? Double),
                "the model must beat the rules' own verdict")
        #expect(try #require(approval["brier"] as? Double) < #require(approval["base_rate_brier"] as? Double))
        let bins = try #require(approval["reliability"] as? [[String: Any]])
        #expect(bins.count == 10)
        #expect(bins.compactMap { $0["count"] as? Int }.reduce(0, +) == report["examples"] as? Int)

        fixture.sluice(["init"])
        let noStoreDecisions = fixture.sluice(["eval", "classify", "--from-store", "--pipeline", ClassifyFixture.defaultPipeline], expect: 1)
        #expect(noStoreDecisions.errors.contains("cannot cross-validate 0 examples"))

        let bench = try #require(try fixture.json(fixture.sluice(["bench", "classify", "--labeled", labeled, "--seconds", "0.2",
                                                                  "--train-items", "600", "--json",
                                                                  "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        let phases = try #require(bench["phases"] as? [[String: Any]])
        #expect(phases.contains { ($0["name"] as? String)?.hasPrefix("classifier") == true && ($0["items_per_second"] as? Double ?? 0) > 0 })
        let training = try #require(bench["training"] as? [String: Any])
        #expect(training["items"] as? Int == 600)
        #expect(try #require(training["peak_kb"] as? Int) >= (training["resident_before_kb"] as? Int ?? 0))
        #expect(try #require(training["cpu_seconds"] as? Double) > 0)
        #expect((training["model_version"] as? String)?.count == 16)
        #expect(fixture.sluice(["eval", "--json"], expect: 2).errors.contains("eval: name what to measure (charset, classify, dedup, extract, url)"))
    }

    /// The `{"text","label"}` format of the shared sets, a label map, the tune/report halves and the
    /// fold file that scripts/bench-classify.sh hands to scikit-learn.
    @Test func evalReadsTextLabelSetsAndWritesItsFolds() throws {
        let lines = (0..<24).map { index -> String in
            let spam = index % 3 == 0
            let text = spam ? "【优惠】点击领取\(index)元红包，回复退订" : "明天下午\(index)点开会，记得带材料"
            return #"{"text":"\#(text)","label":"\#(spam ? "junk" : "fine")"}"#
        }
        let file = fixture.directory.path("sms.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
        let unmapped = fixture.sluice(["eval", "classify", "--labeled", file, "--task", "approve",
                                       "--pipeline", ClassifyFixture.defaultPipeline], expect: 1)
        #expect(unmapped.errors.contains("label \"junk\" is not a verdict"))

        let folds = fixture.directory.path("folds.txt")
        let report = try #require(try fixture.json(fixture.sluice([
            "eval", "classify", "--labeled", file, "--label-map", "junk=spam,fine=ham", "--folds", "3", "--part", "report",
            "--write-folds", folds, "--json", "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        #expect(report["task"] as? String == "approve")
        #expect(report["part"] as? String == "report")
        #expect(report["examples"] as? Int == 12)
        #expect(report["category"] == nil)
        let written = try String(contentsOfFile: folds, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 24)
        #expect(written.filter { $0 == "-1" }.count == 12)
        #expect(Set(written.filter { $0 != "-1" }) == ["0", "1", "2"])
        let bad = fixture.sluice(["eval", "classify", "--labeled", file, "--part", "half", "--pipeline", ClassifyFixture.defaultPipeline],
                                 expect: 2)
        #expect(bad.errors.contains("--part is tune or report"))
        let badSet = fixture.sluice(["eval", "classify", "--labeled", file, "--set", "learner=svm", "--pipeline", ClassifyFixture.defaultPipeline],
                                    expect: 2)
        #expect(badSet.errors.contains("learner"))
    }

    /// `train --dry-run` shows what a new model would change in the queue and stores nothing; the model
    /// trained afterwards is versioned, and so is each item it classifies.
    @Test func trainDryRunShowsQueueChangesAndModelsAreVersioned() throws {
        let samples = ClassifyFixture.packageRoot.appendingPathComponent("samples/labeled.jsonl").path
        let ids = try fixture.submitAndRun(["xianyu", "wechat", "tuangou", "outsourcing", "scam"])
        let dryRun = try #require(try fixture.json(fixture.sluice(["train", "--dry-run", "--with-samples", samples, "--json",
                                                                   "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        #expect(dryRun["examined"] as? Int == 5)
        #expect(dryRun["model_before"] == nil)
        #expect((dryRun["model_after"] as? String)?.count == 16)
        #expect(dryRun["verdict_changed"] as? Int == 5, "no item had a verdict before a model existed")
        #expect((dryRun["sample"] as? [[String: Any]])?.isEmpty == false)
        #expect(try SQLiteStore(path: fixture.storePath).models().isEmpty)
        let text = fixture.sluice(["train", "--dry-run", "--with-samples", samples, "--pipeline", ClassifyFixture.defaultPipeline])
        #expect(text.output.contains("over the 5 items in the review queue"))

        let trained = try #require(try fixture.json(fixture.sluice(["train", "--with-samples", samples, "--json",
                                                                    "--pipeline", ClassifyFixture.defaultPipeline])) as? [String: Any])
        #expect(trained["model_version"] as? String == dryRun["model_after"] as? String)
        fixture.sluice(["reprocess", "--stage", "classify", "--pipeline", ClassifyFixture.defaultPipeline])
        let shown = try fixture.show(try #require(ids["xianyu"]))
        #expect(shown["model_version"] as? String == trained["model_version"] as? String)
        #expect(shown["uncertain"] is Bool)
        let basis = try #require(shown["category_basis"] as? [String: Any])
        #expect(basis["kind"] as? String == "model")
        #expect(basis["by"] as? String == trained["model_version"] as? String)
        let card = fixture.sluice(["review", "show", String(try #require(ids["xianyu"]))])
        #expect(card.output.contains("decided by   model \(trained["model_version"] as? String ?? "?"): "))
    }

    /// A warning about a scam keeps its flag, marked as warned against, and the column boxes it.
    @Test func aWarningIsShownAsAWarning() throws {
        fixture.sluice(["submit", "--note", "拼多多砍价群拉人头返现，别碰，我同事被骗了两百。", "--by", "小明"])
        fixture.sluice(["run", "--pipeline", ClassifyFixture.defaultPipeline])
        let queue = try #require(try fixture.json(fixture.sluice(["review", "list", "--json"])) as? [[String: Any]])
        let item = try #require(queue.first)
        #expect(item["category"] as? String == "risk_warning")
        let flags = try #require(item["flags"] as? [[String: Any]])
        #expect(flags.contains { $0["family"] as? String == "recruiting" && $0["warned"] as? Bool == true })
        let id = try #require(item["id"] as? Int)
        let shown = fixture.sluice(["review", "show", String(id)])
        #expect(shown.output.contains("⚠ 避坑 warned against: recruiting: 拉人头"))
        #expect(shown.output.contains("override rule risk_warning"))
        #expect(fixture.sluice(["review", "reject", "--flag", "recruiting", "--as", "版主A", "--reason", "hype_scam"]).output.contains("0"))
    }
    @Test func everyClassifyCommandHasHelp() {
        for (command, usage) in [("train", "usage: sluice train"), ("eval", "usage: sluice eval classify"),
                                 ("bench", "usage: sluice bench classify"), ("rules", "usage: sluice rules test"),
                                 ("reprocess", "usage: sluice reprocess --stage classify")] {
            #expect(fixture.sluice([command, "--help"]).output.contains(usage), "\(command) --help")
        }
    }
}
