import Foundation
import SluiceClassify
@testable import SluiceMeasure
import SluiceTestSupport
import Testing

/// Prints throughput figures; never a pass/fail on speed. Run in release:
/// `SLUICE_BENCH=1 swift test -c release --filter SluiceClassifyTests.BenchmarkTests`
@Suite struct BenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SLUICE_BENCH"] != nil,
                   "set SLUICE_BENCH=1 to print classify throughput"))
    func printClassifyThroughput() throws {
        let examples = try LabeledSample.load(path: Fixtures.labeledPath).map(\.example)
        let engine = try Fixtures.engine()
        let clock = ContinuousClock()
        var trained: ClassifierModel?
        let trainingTime = try clock.measure { trained = try ClassifierModel.train(examples, options: ClassifyOptions()) }
        let model = try #require(trained)
        print("training on \(examples.count) decisions: \(trainingTime), model \(try model.serialized().count) bytes of JSON")
        let labelled = ClassifyBenchmark.run(examples: examples, engine: engine, model: model, seconds: 4)
        print("labelled intel (title, note, summary):\n\(labelled)")
        #expect(labelled.phases.allSatisfy { $0.items >= examples.count })
        guard let directory = SharedCorpus.directory else {
            print(SharedCorpus.skipMessage)
            return
        }
        let pages = try corpusBodies(directory)
        let extracted = ClassifyBenchmark.run(examples: pages, engine: engine, model: model, seconds: 4)
        print("extracted text of real pages (corpus ground-truth bodies):\n\(extracted)")
        #expect(extracted.phases.allSatisfy { $0.items >= pages.count })
    }

    /// The ground-truth main text of every corpus page, as the parse stage would hand it over.
    private func corpusBodies(_ directory: URL) throws -> [LabeledExample] {
        let manifest = try String(contentsOf: directory.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        return try manifest.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: "\t")
            guard fields.count > 2 else { return nil }
            let url = directory.appendingPathComponent("\(fields[0])/\(fields[1]).json")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            guard let body = object?["body"] as? String, !body.isEmpty else { return nil }
            return LabeledExample(text: body, category: "other", approved: true)
        }
    }

    @Test func shortRunCoversEveryPhase() throws {
        let all = try LabeledSample.load(path: Fixtures.labeledPath).map(\.example)
        let examples = stride(from: 0, to: all.count, by: all.count / 20).prefix(20).map { all[$0] }
        let model = try ClassifierModel.train(examples, options: ClassifyOptions())
        let report = ClassifyBenchmark.run(examples: examples, engine: try Fixtures.engine(), model: model, seconds: 0.05)
        #expect(report.phases.count == 3)
        #expect(report.distinctItems == 20)
        #expect(([report.reference] + report.phases).allSatisfy { $0.items >= 20 && $0.itemsPerSecond > 0 })
    }
}
