import Foundation
import SluiceParse
import SluiceTestSupport
import Testing

@Suite struct CorpusQualityTests {
    @Test(.needsCorpus)
    func extractionMeetsTargetsOnSharedCorpus() throws {
        let corpus = try #require(SharedCorpus.directory)
        let report = try ExtractionEvaluation.run(corpus: corpus, decode: StandInDecoder.decode)
        print(report)
        if let path = ProcessInfo.processInfo.environment["SLUICE_EVAL_JSON"] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(report).write(to: URL(fileURLWithPath: path))
        }
        if ProcessInfo.processInfo.environment["SLUICE_EVAL_DETAIL"] != nil {
            for page in report.pages {
                print("\(page.set)/\(page.id) title=\(page.titleMatches.map(String.init) ?? "-") F1=\(page.bodyF1.map { String(format: "%.2f", $0) } ?? "-") P=\(page.bodyPrecision.map { String(format: "%.2f", $0) } ?? "-") R=\(page.bodyRecall.map { String(format: "%.2f", $0) } ?? "-") date=\(page.expectedDate ?? "-")/\(page.date ?? "-")")
                if page.titleMatches == false { print("   want: \(page.expectedTitle ?? "")\n   got:  \(page.title ?? "nil")") }
            }
        }
        #expect(report.overall.pages > 100)
        #expect(try #require(report.overall.titleExactRate) >= 0.95)
        #expect(try #require(report.overall.bodyF1) >= 0.93)
    }
}
