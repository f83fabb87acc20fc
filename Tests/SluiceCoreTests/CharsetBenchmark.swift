import Foundation
import SluiceCore
@testable import SluiceMeasure
import SluiceTestSupport
import Testing

/// Prints the charset figures over every corpus page; runs only when asked, in release:
/// `SLUICE_BENCH=1 swift test -c release --filter CharsetBenchmark`.
@Suite struct CharsetBenchmark {
    static let requested = ProcessInfo.processInfo.environment["SLUICE_BENCH"] != nil && SharedCorpus.directory != nil

    @Test(.enabled(if: requested, "set SLUICE_BENCH=1 (and have ../shared/corpus) to print charset figures"))
    func printFigures() throws {
        let corpus = try #require(SharedCorpus.directory)
        let sets = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .filter { !$0.contains(".") }.sorted()
        print("== every page of every set ==")
        print(CharsetEvaluation.run(corpus: corpus, sets: sets))
        print("== legacy sets, plus pages of other sets whose declaration lies ==")
        print(CharsetEvaluation.run(corpus: corpus))
    }
}
