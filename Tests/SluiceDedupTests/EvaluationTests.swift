import Foundation
import SluiceDedup
@testable import SluiceMeasure
import SluiceTestSupport
import Testing

@Suite struct EvaluationTests {
    /// The labelled set built from the real corpus pages reaches the targets with the shipped rules and defaults.
    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func reachesThePrecisionAndRecallTargets() throws {
        let corpus = try #require(SharedCorpus.directory)
        let report = try DedupEvaluation.run(corpus: corpus, canonicalizer: RulesFixture.canonicalizer(), options: .default,
                                             pairFigures: false)
        print(report)
        #expect(report.pages > 50)
        #expect(report.url.duplicates > 100)
        #expect(report.content.duplicates > 100)
        #expect(report.url.precision >= 0.99)
        #expect(report.url.recall >= 0.95)
        #expect(report.content.precision >= 0.99)
        #expect(report.content.recall >= 0.95)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let content = json?["content"] as? [String: Any]
        // Foundation's JSON reader may round the last digit of what its writer wrote.
        #expect(abs((content?["precision"] as? Double ?? -1) - report.content.precision) < 1e-12)
        #expect(abs((content?["recall"] as? Double ?? -1) - report.content.recall) < 1e-12)
    }

    @Test func unreadableCorpusNamesThePath() throws {
        let canonicalizer = try RulesFixture.canonicalizer()
        let missing = URL(fileURLWithPath: "/nonexistent/corpus")
        let error = #expect(throws: DedupError.self) {
            try DedupEvaluation.run(corpus: missing, canonicalizer: canonicalizer, options: .default)
        }
        #expect(error?.description.hasPrefix("cannot read corpus /nonexistent/corpus: ") == true)
    }
}
