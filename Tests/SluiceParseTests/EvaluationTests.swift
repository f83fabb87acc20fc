import Foundation
@testable import SluiceMeasure
@testable import SluiceParse
import Testing

/// The evaluation and benchmark on a small corpus written to a temporary directory in the shared layout.
@Suite struct EvaluationTests {
    static let article = """
        <html><head><title>副业的真相_网易订阅</title><meta name="pubdate" content="2024-03-05"></head>
        <body><article><p>第一段正文，讲的是副业。</p><p>第二段正文，讲的是风险，不要相信暴利宣传。</p></article></body></html>
        """

    func writeCorpus() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-eval-\(UUID().uuidString)")
        let set = root.appendingPathComponent("sample-set")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        func write(_ id: String, html: Data, truth: [String: Any]) throws {
            try html.write(to: set.appendingPathComponent("\(id).html"))
            try JSONSerialization.data(withJSONObject: truth).write(to: set.appendingPathComponent("\(id).json"))
        }
        try write("utf8", html: Data(Self.article.utf8), truth: [
            "title": "副业的真相", "body": "第一段正文，讲的是副业。\n\n第二段正文，讲的是风险，不要相信暴利宣传。",
            "date": "2024年3月5日", "encoding": "UTF-8",
        ])
        try write("wrong", html: Data(Self.article.utf8), truth: [
            "title": "另一个标题", "body": "完全不同的内容", "date": "2023-01-01", "encoding": "GB2312",
        ])
        try write("synthetic", html: Data(Self.article.utf8), truth: ["title": "x", "synthetic": true, "encoding": "UTF-8"])
        try write("feed", html: Data("<rss></rss>".utf8), truth: ["format": "feed", "encoding": "UTF-8"])
        return root
    }

    @Test func scoresOnlyRealHTMLPagesOnTheFieldsTheyHave() throws {
        let corpus = try writeCorpus()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let report = try ExtractionEvaluation.run(corpus: corpus, decode: CorpusDecoder.decode)
        #expect(report.overall.pages == 2)
        #expect(report.overall.titleExactRate == 0.5)
        #expect(report.overall.dateAccuracy == 0.5)
        #expect(report.overall.charsetAccuracy == 0.5)
        let right = try #require(report.pages.first { $0.id == "utf8" })
        #expect(right.bodyF1 == 1)
        let wrong = try #require(report.pages.first { $0.id == "wrong" })
        #expect(try #require(wrong.bodyF1) < 0.2)
        #expect(report.sets.map(\.name) == ["sample-set"])
        #expect(report.description.contains("sample-set"))
        let encoded = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(ExtractionReport.self, from: encoded).overall.pages == 2)
    }

    @Test func splitIsStableStratifiedAndIndependentOfOrder() {
        func page(_ set: String, _ id: Int, date: Bool) -> CorpusPage {
            var truth: [String: Any] = ["title": "t\(id)"]
            if date { truth["date"] = "2024-03-05" }
            return CorpusPage(set: set, id: "page-\(id)", bytes: Data(), truth: truth)
        }
        let pages = (0..<40).map { page($0 < 24 ? "first" : "second", $0, date: $0 % 3 == 0) }
        let assignment = CorpusSplit.assign(pages)
        for set in ["first", "second"] {
            for dated in [true, false] {
                let halves = pages.indices.filter { pages[$0].set == set && (pages[$0].truth["date"] != nil) == dated }
                    .map { assignment[$0] }
                let tune = halves.filter { $0 == .tune }.count
                #expect(abs(2 * tune - halves.count) <= 1, "\(set) dated=\(dated): \(tune) of \(halves.count)")
            }
        }
        let reversed = CorpusSplit.assign(pages.reversed())
        #expect(Array(reversed.reversed()) == assignment)
        #expect(CorpusSplit.assign(pages) == assignment)
    }

    @Test func splitHalvesTogetherAreTheWholeCorpus() throws {
        let corpus = try writeCorpus()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let all = try ExtractionEvaluation.run(corpus: corpus, split: .all, decode: CorpusDecoder.decode)
        let tune = try ExtractionEvaluation.run(corpus: corpus, split: .tune, decode: CorpusDecoder.decode)
        let heldOut = try ExtractionEvaluation.run(corpus: corpus, split: .heldOut, decode: CorpusDecoder.decode)
        #expect(tune.pages.count + heldOut.pages.count == all.pages.count)
        #expect(tune.pages.allSatisfy { $0.split == .tune } && heldOut.pages.allSatisfy { $0.split == .heldOut })
        #expect(Set(tune.pages.map(\.id)).isDisjoint(with: heldOut.pages.map(\.id)))
        #expect(heldOut.description.hasPrefix("split: held-out"))
    }

    @Test func tokensCountCJKCharactersAndLatinWords() {
        #expect(Script.tokens("中文abc, Def 12日") == ["中", "文", "abc", "def", "12", "日"])
        let overlap = TokenOverlap(expected: "中文内容", found: "中文")
        #expect(overlap.precision == 1)
        #expect(overlap.recall == 0.5)
    }

    @Test func charsetFamiliesFollowWHATWG() {
        #expect(CharsetFamily.same("GB2312", "GB18030"))
        #expect(CharsetFamily.same("ISO-8859-1", "windows-1252"))
        #expect(CharsetFamily.same("ASCII", "UTF-8"))
        #expect(!CharsetFamily.same("UTF-8", "GB18030"))
        #expect(!CharsetFamily.same("Big5", "GBK"))
    }

    @Test func benchmarkRunsEveryPageOfTheCorpus() throws {
        let corpus = try writeCorpus()
        defer { try? FileManager.default.removeItem(at: corpus) }
        let report = try ParseBenchmark.run(corpus: corpus, repetitions: 2, decode: CorpusDecoder.decode)
        #expect(report.pages == 4)
        #expect(report.repetitions == 2)
        #expect(report.failures == 0)
        #expect(report.extractionSeconds > 0 && report.parseOnlySeconds > 0)
        #expect(report.description.contains("pages/s"))
    }
}
