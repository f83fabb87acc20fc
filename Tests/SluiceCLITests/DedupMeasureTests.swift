import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

/// `sluice eval dedup` and `sluice bench dedup` through the real command line.
@Suite struct DedupMeasureTests {
    let directory = TemporaryDirectory("dedup-measure")

    func sluice(_ arguments: [String], expect status: Int32 = 0, sourceLocation: SourceLocation = #_sourceLocation) -> Console {
        CLIHarness(storePath: directory.path("sluice.db")).run(arguments, expect: status, sourceLocation: sourceLocation)
    }

    func object(_ console: Console) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func evalMeasuresURLAndContentDuplicatesSeparately() throws {
        let corpus = try #require(SharedCorpus.directory).appendingPathComponent("magic-html-zh")
        let subset = directory.url.appendingPathComponent("corpus/magic-html-zh")
        try FileManager.default.createDirectory(at: subset, withIntermediateDirectories: true)
        let pages = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".json") }.sorted()
        for name in pages.prefix(12) {
            try FileManager.default.copyItem(at: corpus.appendingPathComponent(name), to: subset.appendingPathComponent(name))
        }
        let report = try object(sluice(["eval", "dedup", directory.path("corpus"), "--json"]))
        #expect((report["pages"] as? Int ?? 0) >= 8)
        for kind in ["url", "content"] {
            let score = try #require(report[kind] as? [String: Any])
            #expect((score["duplicates"] as? Int ?? 0) > 0, "\(kind): no duplicates in the labelled set")
            #expect((score["precision"] as? Double ?? 0) >= 0.99, "\(kind) precision")
            #expect((score["recall"] as? Double ?? 0) >= 0.95, "\(kind) recall")
        }
        let text = sluice(["eval", "dedup", directory.path("corpus")]).output
        #expect(text.contains("URL duplicates    : precision"))
    }

    @Test func evalRefusesADirectoryWithoutPages() throws {
        let empty = directory.path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let refused = sluice(["eval", "dedup", empty], expect: 1)
        #expect(refused.errors.contains("cannot read corpus \(empty): no page JSON"))
        #expect(sluice(["eval", "dedup", directory.path("missing")], expect: 2).errors.contains("no corpus at"))
        #expect(sluice(["eval", "nothing"], expect: 2).errors.contains("unknown subcommand \"nothing\""))
    }

    @Test func benchFindsEveryPlantedNearDuplicateAndAgreesWithTheScan() throws {
        let report = try object(sluice(["bench", "dedup", "--count", "3000", "--json"]))
        let simhash = try #require(report["simhash"] as? [String: Any])
        #expect(simhash["count"] as? Int == 3000)
        #expect((simhash["plantedQueries"] as? Int ?? 0) > 0)
        #expect(simhash["plantedFound"] as? Int == simhash["plantedQueries"] as? Int)
        #expect(simhash["scanAgreement"] as? Int == simhash["scanLookups"] as? Int)
        #expect((report["residentPeakKB"] as? Int ?? 0) > 0)
        #expect(sluice(["bench", "dedup", "--count", "0"], expect: 2).errors.contains("--count must be at least 1"))
    }
}
