import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// `sluice review list` over more items than one page of the store (500): JSON Lines, the streamed JSON array,
/// paging with `--limit`/`--after`, and the values those options refuse.
@Suite struct ReviewListTests {
    let directory = TemporaryDirectory("review-list")
    var storePath: String { directory.path("sluice.db") }
    static let itemCount = 1_200

    /// A store of `itemCount` submitted items, written through the store directly (the pipeline is not what
    /// is tested here); ids 1…itemCount.
    init() throws {
        let store = try SQLiteStore(path: storePath)
        for index in 0..<Self.itemCount {
            try store.submit(Submission(volunteer: index.isMultiple(of: 3) ? "小明" : "小红",
                                        url: "https://pages.example/\(index)", note: "第\(index)条：闲鱼卖二手书的复盘",
                                        source: "test"))
        }
    }

    @discardableResult
    func sluice(_ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        CLIHarness(storePath: storePath).run(arguments, expect: status, sourceLocation: sourceLocation)
    }

    func objects(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    func ids(_ objects: [[String: Any]]) -> [Int64] {
        objects.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    @Test func jsonLinesAreTheElementsOfTheJSONArrayOneALine() throws {
        let array = try objects(sluice(["review", "list", "--state", "all", "--json"]).output)
        let text = sluice(["review", "list", "--state", "all", "--jsonl"]).output
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == Self.itemCount)
        let parsed = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(ids(parsed) == Array(1...Int64(Self.itemCount)))
        #expect(NSArray(array: parsed).isEqual(to: array), "each line is the same object as the array's element")
        #expect(Set(parsed[0].keys) == Set(array[0].keys))
    }

    /// The array written page by page is byte for byte what encoding the whole array at once prints
    /// (`review show` with several ids prints its records that way), across a page's end too.
    @Test func theStreamedArrayIsTheWholeArraysBytes() throws {
        let streamed = sluice(["review", "list", "--state", "all", "--json", "--limit", "503", "--after", "10"]).output
        #expect(streamed == sluice(["review", "show"] + (11...513).map(String.init) + ["--json"]).output)
        #expect(try objects(sluice(["review", "list", "--state", "approved", "--json"]).output).isEmpty)
        #expect(sluice(["review", "list", "--state", "approved", "--jsonl"]).output.isEmpty)
    }

    @Test func pagingWithLimitAndAfterListsEveryItemOnceInIDOrder() throws {
        var seen: [Int64] = []
        var pages = 0
        var after: Int64 = 0
        while true {
            let page = sluice(["review", "list", "--state", "all", "--jsonl", "--limit", "500", "--after", "\(after)"]).output
            let lines = page.split(separator: "\n")
            guard !lines.isEmpty else { break }
            let pageIDs = try lines.map { line in
                try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? NSNumber).int64Value
            }
            #expect(pageIDs.count <= 500)
            seen += pageIDs
            pages += 1
            after = try #require(pageIDs.last)
        }
        #expect(pages == 3)
        #expect(seen == Array(1...Int64(Self.itemCount)))

        let json = try objects(sluice(["review", "list", "--state", "submitted", "--json", "--limit", "700", "--after", "100"]).output)
        #expect(ids(json) == Array(101...800))
        #expect(ids(try objects(sluice(["review", "list", "--state", "all", "--json", "--after", "1150"]).output)) == Array(1151...1200))
    }

    /// Text pages too, and says where the next page starts; the last page says nothing.
    @Test func textEndsWithTheNextAfterWhileItemsAreLeft() throws {
        var seen: [Int64] = []
        var after: Int64? = 0
        var pages = 0
        while let next = after {
            let lines = sluice(["review", "list", "--state", "all", "--limit", "500", "--after", "\(next)"]).output
                .split(separator: "\n").map(String.init)
            seen += lines.compactMap { $0.hasPrefix("#") ? Int64($0.dropFirst().prefix { $0.isNumber }) : nil }
            after = lines.last.flatMap { $0.hasPrefix("next page: --after ") ? Int64($0.dropFirst("next page: --after ".count)) : nil }
            pages += 1
        }
        #expect(pages == 3)
        #expect(seen == Array(1...Int64(Self.itemCount)))
        let defaultPage = sluice(["review", "list", "--state", "all"]).output.split(separator: "\n")
        #expect(defaultPage.count == 51, "50 items unless --limit says otherwise, then the hint")
        #expect(defaultPage.last == "next page: --after 50")
        #expect(sluice(["review", "list", "--state", "all", "--after", "1200"]).output == "no items in all after #1200\n")
    }

    @Test func badValuesAndBothJSONFormsAreUsageErrors() {
        let cases: [([String], String)] = [
            (["--after", "abc"], "--after takes an item id (0 for the first), not \"abc\""),
            (["--after", "-1"], "--after takes an item id (0 for the first), not \"-1\""),
            (["--limit", "0"], "--limit takes a number of items greater than 0, not \"0\""),
            (["--limit", "-5"], "--limit takes a number of items greater than 0, not \"-5\""),
            (["--limit", "many", "--jsonl"], "--limit takes a number of items greater than 0, not \"many\""),
            (["--json", "--jsonl"], "--json and --jsonl are two forms of the same list"),
        ]
        for (options, message) in cases {
            let console = sluice(["review", "list"] + options, expect: 2)
            #expect(console.errors.contains(message), "\(options): \(console.errors)")
            #expect(console.output.isEmpty)
        }
    }
}

/// The text list of the review queue: highest priority first without `--after`, by id with it.
@Suite struct ReviewQueueListTests {
    let cli = ReviewCLI()

    init() {
        cli.queue(ReviewCLI.notes.map { ("小明", $0) })
    }

    @Test func theQueueSaysMoreWaitAndPagesByIDFromAfterZero() {
        let queue = cli.sluice(["review", "list", "--limit", "2"]).output.split(separator: "\n")
        #expect(queue.count == 3)
        #expect(queue.last?.hasPrefix("more items wait: the first 2 by priority are shown") == true)
        let first = cli.sluice(["review", "list", "--limit", "2", "--after", "0"]).output.split(separator: "\n")
        #expect(first.map { $0.prefix(3) } == ["#1 ", "#2 ", "nex"])
        #expect(first.last == "next page: --after 2")
        let rest = cli.sluice(["review", "list", "--limit", "2", "--after", "2"]).output.split(separator: "\n")
        #expect(rest.count == 1 && rest[0].hasPrefix("#3 "), "the last page has no hint")
        #expect(cli.sluice(["review", "list", "--after", "3"]).output == "no items in pending_review after #3\n")
    }
}
