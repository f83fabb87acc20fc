import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// Real commands on a real SQLite store in a temporary directory, with a Chinese locale and with `LANG=C`: the
/// errors, receipts and reports a person reads are in Chinese under the first and unchanged English under the
/// second, and `--json` is the same under both.
@Suite struct ChineseMessagesTests {
    let directory = TemporaryDirectory("messages-zh")
    var storePath: String { directory.path("sluice.db") }
    static let chinese = ["LANG": "zh_CN.UTF-8"]
    static let english = ["LANG": "C"]

    @discardableResult
    func sluice(_ arguments: [String], _ environment: [String: String], expect status: Int32 = 0,
                sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        let console = Console.capturing()
        let result = Command.run(arguments: arguments + ["--store", storePath], console: console, environment: environment)
        #expect(result == status, "sluice \(arguments.joined(separator: " ")): \(console.errors)", sourceLocation: sourceLocation)
        return console
    }

    /// 小明's link, moved on to the review queue, and his note still waiting to be fetched.
    init() throws {
        sluice(["submit", "https://www.36kr.com/p/1", "--by", "小明"], Self.english)
        sluice(["submit", "--note", "闲鱼卖二手教材，每月多赚五百", "--by", "小明"], Self.english)
        let store = try SQLiteStore(path: storePath)
        try store.commit([StageOutcome(itemID: 1, from: .submitted, to: .pendingReview, stage: .dedup)], owner: "test")
    }

    @Test func aStoreThatIsNotThereIsSaidInChinese() {
        let missing = directory.path("nowhere/none.db")
        let zh = Console.capturing()
        #expect(Command.run(arguments: ["status", "--store", missing], console: zh, environment: Self.chinese) == 2)
        #expect(zh.errors == "sluice: \(missing)：这里没有 sluice 数据库（用 sluice init 创建；请检查 --store 或 SLUICE_STORE）\n")
        let en = Console.capturing()
        #expect(Command.run(arguments: ["status", "--store", missing], console: en, environment: Self.english) == 2)
        #expect(en.errors == "sluice: \(missing): no sluice store here (sluice init creates one; check --store or SLUICE_STORE)\n")
    }

    @Test func aRefusedImportLineIsSaidInChinese() throws {
        let batch = directory.path("batch.txt")
        try "https://www.36kr.com/p/2\nftp://files.example/a\n".write(toFile: batch, atomically: true, encoding: .utf8)
        let zh = sluice(["import", batch, "--by", "小红"], Self.chinese, expect: 1)
        #expect(zh.errors.contains("只接受 http 和 https 链接，不接受 ftp:"), "\(zh.errors)")
        #expect(zh.output.contains("已导入：新增 1 条，已存在 0 条，拒绝 1 条"), "\(zh.output)")
        let en = sluice(["import", batch, "--by", "小红"], Self.english, expect: 1)
        #expect(en.errors.contains("\(batch):2: \"ftp://files.example/a\": only http and https links are accepted, not ftp:"))
        #expect(en.output.contains("imported 0 new, 1 already present, 1 rejected"))
    }

    @Test func statusIsInChineseAndItsJSONIsNot() throws {
        let zh = sluice(["status"], Self.chinese).output
        #expect(zh.hasPrefix("条目：2\n"), "\(zh)")
        #expect(zh.contains("  已提交" + String(repeating: " ", count: 10) + "1\n"), "\(zh)")
        #expect(zh.contains("  待审核" + String(repeating: " ", count: 10) + "1\n"), "\(zh)")
        let en = sluice(["status"], Self.english).output
        #expect(en.hasPrefix("items: 2\n  submitted       1\n"))
        #expect(en.contains("  pending_review  1\n"))
        #expect(sluice(["status", "--json"], Self.chinese).output == sluice(["status", "--json"], Self.english).output)
    }

    @Test func volunteerStatusIsInChinese() {
        let zh = sluice(["volunteer", "status", "--by", "小明"], Self.chinese).output
        #expect(zh == "#1 排队中：等待版主审核 — https://www.36kr.com/p/1\n#2 排队中：正在抓取和读取 — 闲鱼卖二手教材，每月多赚五百\n")
        let en = sluice(["volunteer", "status", "--by", "小明"], Self.english).output
        #expect(en == "#1 queued: waiting for a moderator — https://www.36kr.com/p/1\n"
                    + "#2 queued: being fetched and read — 闲鱼卖二手教材，每月多赚五百\n")
        let unknown = sluice(["volunteer", "status", "--by", "无名氏"], Self.chinese, expect: 1)
        #expect(unknown.errors == "sluice: volunteer status：没有名叫“无名氏”的志愿者提交过内容\n")
        #expect(sluice(["volunteer", "status", "--by", "小明", "--json"], Self.chinese).output
                    == sluice(["volunteer", "status", "--by", "小明", "--json"], Self.english).output)
    }

    /// The same link from the same volunteer again: the store knows it and says where it is. (A link known
    /// from another volunteer is indexed by a run, which needs the network; the receipt's words are checked
    /// by the catalog test below.)
    @Test func theReceiptOfAKnownLinkIsInChinese() throws {
        let zh = sluice(["submit", "https://www.36kr.com/p/1", "--by", "小明"], Self.chinese).output
        #expect(zh == "已存在，编号 #1（没有存入新内容）\n")
        let en = sluice(["submit", "https://www.36kr.com/p/1", "--by", "小明"], Self.english).output
        #expect(en == "already present as #1 (nothing new stored)\n")
        let zhCatalog = MessageCatalog.builtIn(.zh)
        #expect(zhCatalog("already known as #1 (pending review on 2026-11-03): your report is recorded as #3 and credited to you")
                    == "已有人报告过，编号 #1（待审核，2026-11-03 起）：你的报告已记为 #3，并计入你的贡献")
        #expect(zhCatalog("a.txt: already known as #1 (rejected): your report is recorded as #3 and credited to you")
                    == "a.txt：已有人报告过，编号 #1（已拒绝）：你的报告已记为 #3，并计入你的贡献")
    }

    @Test func usageErrorsAreInChineseAndEnglishByLocaleOrLang() {
        let zh = sluice(["submit", "https://www.36kr.com/p/9"], Self.chinese, expect: 2)
        #expect(zh.errors == "sluice: submit：必须给出 --by VOLUNTEER（发现者会得到署名）\n")
        let asked = sluice(["submit", "https://www.36kr.com/p/9", "--lang", "zh"], Self.english, expect: 2)
        #expect(asked.errors == zh.errors)
        let en = sluice(["submit", "https://www.36kr.com/p/9"], Self.english, expect: 2)
        #expect(en.errors == "sluice: submit: --by VOLUNTEER is required (who found it gets the credit)\n")
    }

    /// The review list, a decision and the audit log read in Chinese; the list's columns still line up, because
    /// a state is padded by its display width, and `--jsonl` is the same under both locales.
    @Test func theReviewListDecisionsAndLogAreInChinese() {
        let list = sluice(["review", "list", "--state", "all", "--after", "0", "--limit", "1"], Self.chinese).output
        #expect(list.hasPrefix("#1     待审核" + String(repeating: " ", count: 8) + " "), "\(list)")
        #expect(list.hasSuffix("下一页：--after 1\n"), "\(list)")
        let english = sluice(["review", "list", "--state", "all", "--after", "0", "--limit", "1"], Self.english).output
        #expect(english.hasPrefix("#1     pending_review "), "\(english)")
        #expect(english.hasSuffix("next page: --after 1\n"), "\(english)")
        #expect(sluice(["review", "list", "--state", "rejected"], Self.chinese).output == "没有已拒绝的条目\n")
        #expect(sluice(["review", "list", "--jsonl", "--state", "all"], Self.chinese).output
                    == sluice(["review", "list", "--jsonl", "--state", "all"], Self.english).output)
        let dryRun = sluice(["review", "approve", "--as", "王版主", "--where", "volunteer=小明"], Self.chinese).output
        #expect(dryRun == "审核队列中有 1 个条目符合 volunteer=小明；未做任何改动（加上 --yes 即可通过它们）\n", "\(dryRun)")
        #expect(sluice(["review", "approve", "1", "--as", "王版主"], Self.chinese).output == "#1：待审核 → 已通过\n")
        let log = sluice(["review", "log"], Self.chinese).output
        #expect(log.hasSuffix(" 王版主 通过 #1 待审核 → 已通过\n"), "\(log)")
        #expect(MessageCatalog.builtIn(.zh)("3 of 4 selected item(s) decided; 1 had moved on and were left as they are")
                    == "选中的 4 个条目中已决定 3 个；1 个已有变化，保持原样")
        let badLimit = sluice(["review", "list", "--limit", "0"], Self.chinese, expect: 2)
        #expect(badLimit.errors == "sluice: review list：--limit 需要一个大于 0 的条目数，而不是“0”\n")
    }
}
