import Foundation
@testable import SluiceMeasure
import SluiceParse
import SluiceTestSupport
import Testing

/// Extraction quality on the held-out half of the shared corpus, the half no rule was tuned on. The floors
/// sit a little below the figures reached when the rules were last changed (title 0.905, body F1 0.943,
/// date 0.938, charset 1.000), so a regression fails here; `sluice eval extract ../shared/corpus --split
/// held-out` prints the figures.
@Suite struct CorpusQualityTests {
    @Test(.needsCorpus)
    func extractionMeetsTheFloorsOnTheHeldOutHalf() throws {
        let corpus = try #require(SharedCorpus.directory)
        let report = try ExtractionEvaluation.run(corpus: corpus, split: .heldOut, decode: CorpusDecoder.decode)
        #expect(report.overall.pages >= 50)
        #expect(report.pages.allSatisfy { $0.split == .heldOut })
        #expect(try #require(report.overall.titleExactRate) >= 0.88)
        #expect(try #require(report.overall.bodyF1) >= 0.93)
        #expect(try #require(report.overall.dateAccuracy) >= 0.9)
        #expect(try #require(report.overall.charsetAccuracy) == 1)
    }
}
