import Foundation
import Testing
import SluiceCLI
import SluiceCore
import SluiceTestSupport

/// `sluice extract`, `sluice eval extract` and `sluice bench parse`, run in process on real files, a real
/// HTTP server and the real corpus.
@Suite struct ParseCommandTests {
    let directory = TemporaryDirectory("parse-cli")
    static let samples = SharedCorpus.packageRoot.appendingPathComponent("samples/pages")

    func sluice(_ arguments: [String]) -> (status: Int32, console: Console) {
        let console = Console.capturing()
        let status = Command.run(arguments: arguments + ["--store", directory.path("s.db")], console: console, environment: [:])
        return (status, console)
    }

    func extractJSON(_ arguments: [String]) throws -> [String: Any] {
        let (status, console) = sluice(["extract"] + arguments + ["--json"])
        #expect(status == 0, "\(console.errors)")
        return try #require(JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
    }

    func write(_ html: String, to name: String) throws -> String {
        try Data(html.utf8).write(to: directory.url.appendingPathComponent(name))
        return directory.path(name)
    }

    @Test func everyParseCommandHasHelp() {
        for (command, usage) in [("extract", "sluice extract FILE|URL"), ("eval", "sluice eval extract DIR"),
                                 ("bench", "sluice bench parse DIR")] {
            let (status, console) = sluice([command, "--help"])
            #expect(status == 0)
            #expect(console.output.contains("usage: \(usage)"), "\(command) --help")
        }
    }

    @Test func extractPrintsEveryFieldUnderStableNames() throws {
        let file = Self.samples.appendingPathComponent("wechat-xianyu-review.html").path
        let page = try extractJSON([file, "--content-type", "text/html; charset=gbk"])
        let names: Set = ["source", "final_url", "http_status", "title", "description", "site", "author", "date", "lang",
                          "canonical_url", "charset", "charset_basis", "charset_repaired", "wechat", "truncated",
                          "warnings", "images", "links", "excerpt", "text"]
        #expect(Set(page.keys) == names)
        #expect(page["title"] as? String == "闲鱼无货源副业：三个月真实复盘，我赚了多少、踩了哪些坑")
        #expect(page["date"] as? String == "2026-11-02")
        // The file is UTF-8 although the header says GBK: the decoder notices and says so.
        #expect(page["charset"] as? String == "utf-8")
        #expect(page["charset_repaired"] as? Bool == true)
        #expect((page["text"] as? String)?.contains("净利润两千七百多") == true)
    }

    @Test func everySamplePageHasItsTitleAndASummaryThatIsNotTheTitle() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.samples.path).filter { $0.hasSuffix(".html") }
        #expect(files.count >= 15)
        for file in files {
            let page = try extractJSON([Self.samples.appendingPathComponent(file).path, "--content-type", "text/html; charset=gbk"])
            let title = try #require(page["title"] as? String, "\(file) has no title")
            let compactTitle = title.filter { !$0.isWhitespace }
            for field in ["description", "excerpt"] {
                guard let summary = page[field] as? String, !summary.isEmpty else { continue }
                #expect(!compactTitle.contains(summary.filter { !$0.isWhitespace }), "\(file): \(field) repeats the title")
            }
        }
    }

    @Test func aBodyOpeningWithItsHeadlineIsSummarisedFromTheSentencesAfterIt() throws {
        let html = """
            <html><head><title>闲鱼卖书三个月 - 某某网</title><meta property="og:title" content="闲鱼卖书三个月">
            </head><body><article><h1>闲鱼卖书三个月（上篇）</h1><p>2026年10月3日</p>
            <p>第一句讲我为什么开始卖二手书。第二句讲第一个月只卖了九本。</p>
            <p>后来换了定价方式，第三个月卖了一百二十本，利润八百元。</p>
            </article></body></html>
            """
        let page = try extractJSON([try write(html, to: "headline.html")])
        #expect(page["title"] as? String == "闲鱼卖书三个月")
        #expect((page["description"] as? String)?.hasPrefix("第一句讲我为什么开始卖二手书。") == true)
        #expect((page["excerpt"] as? String)?.hasPrefix("第一句讲我为什么开始卖二手书。") == true)
    }

    @Test func aDescriptionThatOnlyRepeatsTheTitleIsReplacedByTheLead() throws {
        let html = """
            <html><head><title>小区团购团长的账本</title><meta name="description" content="小区团购团长的账本">
            </head><body><article><p>团长小周每个月的流水是八万元，毛利大约一成。</p>
            <p>损耗主要来自水果，夏天最高到百分之五。</p></article></body></html>
            """
        let page = try extractJSON([try write(html, to: "same-description.html")])
        #expect(page["description"] as? String == "团长小周每个月的流水是八万元，毛利大约一成。")
    }

    @Test func hostileTitlesAreEscapedForTheTerminal() throws {
        let html = "<html><head><title>标题\u{1B}]52;c;ZXZpbA==\u{07}结束</title></head><body><p>正文第一段，足够长的文字。</p></body></html>"
        let (status, console) = sluice(["extract", try write(html, to: "hostile.html")])
        #expect(status == 0)
        #expect(console.output.contains("title:"))
        #expect(!console.output.contains("\u{1B}"))
        #expect(!console.output.contains("\u{07}"))
    }

    @Test func aURLIsFetchedAndDecodedWithItsHeader() throws {
        let html = "<html><head><title>淘宝客返利群还能做吗</title></head><body><article><p>从二〇一七年开始我就在做返利群，最多的时候有十几个群。</p></article></body></html>"
        let server = try TestHTTPServer(routes: ["/p/1": try .html(html, charset: "GBK")])
        let url = server.baseURL + "/p/1"
        let page = try extractJSON([url, "--allow-host", "127.0.0.1:\(server.port)"])
        #expect(page["title"] as? String == "淘宝客返利群还能做吗")
        #expect(page["charset"] as? String == "gb18030")
        #expect(page["charset_basis"] as? String == "header")
        #expect(page["final_url"] as? String == url)
        #expect(page["http_status"] as? Int == 200)

        // Without --allow-host the address gate refuses the loopback address, as in `sluice run`.
        let refused = sluice(["extract", url])
        #expect(refused.status == 1)
        #expect(refused.console.errors.contains(url))
    }

    @Test func badArgumentsAreNamed() throws {
        let badCharset = sluice(["extract", "x.html", "--charset", "klingon"])
        #expect(badCharset.status == 2)
        #expect(badCharset.console.errors.contains("klingon"))
        let missing = sluice(["extract", directory.path("absent.html")])
        #expect(missing.status == 1)
        #expect(missing.console.errors.contains("absent.html"))
        #expect(sluice(["extract"]).status == 2)
        #expect(sluice(["eval", "extract"]).status == 2)
        #expect(sluice(["eval", "classify-everything", "."]).status == 2)
        #expect(sluice(["bench", "parse", directory.path("nowhere")]).console.errors.contains("is not a directory"))
        #expect(sluice(["bench", "parse", directory.path(""), "--repetitions", "0"]).status == 2)
        #expect(sluice(["bench", "parse", "--hostile", directory.path("")]).status == 2)
    }

    @Test func benchParseMeasuresBothPathsOnACorpus() throws {
        let corpus = directory.url.appendingPathComponent("corpus/samples")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for name in ["36kr-ai-xhs", "163-xhs-pricing", "medium-notion-templates"] {
            try FileManager.default.copyItem(at: Self.samples.appendingPathComponent(name + ".html"),
                                             to: corpus.appendingPathComponent(name + ".html"))
            try Data("{}".utf8).write(to: corpus.appendingPathComponent(name + ".json"))
        }
        let (status, console) = sluice(["bench", "parse", corpus.deletingLastPathComponent().path, "--repetitions", "2", "--json"])
        #expect(status == 0, "\(console.errors)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        #expect(report["pages"] as? Int == 3)
        #expect(report["repetitions"] as? Int == 2)
        #expect(report["failures"] as? Int == 0)
        #expect((report["extraction_pages_per_second"] as? Double ?? 0) > 0)
        #expect((report["ratio"] as? Double ?? 0) > 0)
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func evalExtractMeetsTheTargetsOnTheChineseSet() throws {
        let corpus = try #require(SharedCorpus.directory)
        let subset = directory.url.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: subset, withIntermediateDirectories: true)
        for set in ["chinese-web-content-extraction", "chardet-encodings"] {
            try FileManager.default.copyItem(at: corpus.appendingPathComponent(set), to: subset.appendingPathComponent(set))
        }
        let (status, console) = sluice(["eval", "extract", subset.path, "--json"])
        #expect(status == 0, "\(console.errors)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        let overall = try #require(report["overall"] as? [String: Any])
        #expect(overall["pages"] as? Int == 30)
        #expect((overall["title_exact_rate"] as? Double ?? 0) >= 0.85)
        #expect((overall["body_f1"] as? Double ?? 0) >= 0.95)
        #expect(overall["charset_accuracy"] as? Double == 1)
        let text = sluice(["eval", "extract", subset.path]).console.output
        #expect(text.contains("chinese-web-content-extraction"))
        #expect(text.contains("overall"))
        // The two halves split the pages between them, and a split that is neither is a usage error.
        let halves = try ["tune", "held-out"].map { split in
            let output = sluice(["eval", "extract", subset.path, "--split", split, "--json"]).console.output
            return try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        }
        #expect(halves.map { $0["split"] as? String } == ["tune", "held-out"])
        #expect(halves.compactMap { ($0["overall"] as? [String: Any])?["pages"] as? Int }.reduce(0, +) == 30)
        #expect(sluice(["eval", "extract", subset.path, "--split", "half"]).status == 2)
    }
}
