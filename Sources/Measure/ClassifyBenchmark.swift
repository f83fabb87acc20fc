import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

/// Throughput of one way of classifying the benchmark items.
public struct BenchmarkPhase: Codable, Sendable, Equatable {
    public var name: String
    public var items: Int
    public var seconds: Double
    public var itemsPerSecond: Double
    /// Characters of classified text per second.
    public var charactersPerSecond: Double
}

/// What `sluice bench classify` prints: items per second for the rules, the model and both together, beside
/// a reference measured in the same run on the same items.
public struct ClassifyBenchmarkReport: Codable, Sendable, Equatable, CustomStringConvertible {
    public var distinctItems: Int
    public var averageCharacters: Double
    /// Every literal rule term looked up one by one with `String.range(of:)` on lower-cased text: the
    /// obvious implementation, and the yardstick for the one-pass matcher.
    public var reference: BenchmarkPhase
    public var phases: [BenchmarkPhase]

    public var description: String {
        var lines = [String(format: "classify benchmark: %d distinct items, %.0f characters on average",
                            distinctItems, averageCharacters)]
        for phase in [reference] + phases {
            lines.append(phase.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + String(format: "%10.0f items/s  %8.2f M chars/s  %5.2f× reference", phase.itemsPerSecond,
                         phase.charactersPerSecond / 1_000_000, phase.itemsPerSecond / max(reference.itemsPerSecond, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }
}

/// Measures classification throughput; each phase repeats over the items until its share of `seconds` is
/// spent (at least one pass), so the figures do not depend on the set's size.
public enum ClassifyBenchmark {
    public static func run(examples: [LabeledExample], engine: RuleEngine, model: ClassifierModel,
                           seconds: Double) -> ClassifyBenchmarkReport {
        let inputs = examples.map { ClassifyInput(text: $0.text) }
        let characters = inputs.reduce(0) { $0 + $1.text.count }
        let budget = max(seconds, 0.01) / 4
        let terms = engine.rules.categories.flatMap { $0.keywords.keys.sorted() }
            + engine.rules.flags.flatMap(\.terms)
        let classifier = Classifier(engine: engine, model: model, options: ClassifyOptions())
        let signals = VolunteerSignals(acceptanceRate: 0.5)
        var sink = 0
        let reference = measure("reference: per-term String search", inputs, characters, budget) { input in
            let text = input.combinedText.lowercased()
            for term in terms where text.range(of: term) != nil { sink &+= 1 }
        }
        let phases = [
            measure("rules (one-pass matcher + regex)", inputs, characters, budget) { sink &+= engine.evaluate($0).flags.count },
            measure("model (n-grams + naive Bayes)", inputs, characters, budget) {
                sink &+= model.predictCategory($0.combinedText).category.count
            },
            measure("classifier (rules + model)", inputs, characters, budget) {
                sink &+= classifier.classify($0, signals: signals).matchedTerms.count
            },
        ]
        // Keeps the optimizer from dropping the measured work; the value itself means nothing.
        withExtendedLifetime(sink) {}
        return ClassifyBenchmarkReport(distinctItems: inputs.count,
                                       averageCharacters: inputs.isEmpty ? 0 : Double(characters) / Double(inputs.count),
                                       reference: reference, phases: phases)
    }

    private static func measure(_ name: String, _ inputs: [ClassifyInput], _ characters: Int, _ budget: Double,
                                _ work: (ClassifyInput) -> Void) -> BenchmarkPhase {
        let clock = ContinuousClock()
        let start = clock.now
        var passes = 0
        var elapsed = 0.0
        repeat {
            for input in inputs { work(input) }
            passes += 1
            let duration = clock.now - start
            elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        } while elapsed < budget && !inputs.isEmpty
        let items = passes * inputs.count
        return BenchmarkPhase(name: name, items: items, seconds: elapsed,
                              itemsPerSecond: Double(items) / max(elapsed, 1e-9),
                              charactersPerSecond: Double(passes * characters) / max(elapsed, 1e-9))
    }
}
