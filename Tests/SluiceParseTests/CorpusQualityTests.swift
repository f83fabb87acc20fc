import Foundation
@testable import SluiceMeasure
import SluiceParse
import SluiceTestSupport
import Testing

@Suite struct CorpusQualityTests {
    @Test(.needsCorpus)
    func extractionMeetsTargetsOnSharedCorpus() throws {
        let corpus = try #require(SharedCorpus.directory)
        let report = try ExtractionEvaluation.run(corpus: corpus, decode: CorpusDecoder.decode)
        #expect(report.overall.pages > 100)
        #expect(try #require(report.overall.titleExactRate) >= 0.95)
        #expect(try #require(report.overall.bodyF1) >= 0.93)
        #expect(try #require(report.overall.charsetAccuracy) == 1)
    }
}
