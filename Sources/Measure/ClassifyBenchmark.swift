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
    public var training: TrainingBenchmark?

    public var description: String {
        var lines: [String] = []
        if let training { lines += [training.description, ""] }
        lines.append(String(format: "classify benchmark: %d distinct items, %.0f characters on average",
                            distinctItems, averageCharacters))
        for phase in [reference] + phases {
            lines.append(phase.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + String(format: "%10.0f items/s  %8.2f M chars/s  %5.2f× reference", phase.itemsPerSecond,
                         phase.charactersPerSecond / 1_000_000, phase.itemsPerSecond / max(reference.itemsPerSecond, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }
}

/// What training cost: time, rate, memory and the model's size.
public struct TrainingBenchmark: Codable, Sendable, Equatable, CustomStringConvertible {
    public var items: Int
    /// Feature occurrences hashed, over all items.
    public var features: Int
    public var seconds: Double
    public var itemsPerSecond: Double
    /// One pass of feature hashing over the same items: the floor any training has to pay.
    public var hashingSeconds: Double
    /// Resident memory before training and the process's peak after (VmRSS, VmHWM; kB).
    public var residentBeforeKB: Int
    public var peakKB: Int
    public var modelBytes: Int
    public var modelVersion: String

    public var description: String {
        String(format: "training on %d items (%.1f M feature occurrences): %.2f s, %.0f items/s, %.1f× one pass of feature hashing (%.2f s)\n",
               items, Double(features) / 1e6, seconds, itemsPerSecond, seconds / max(hashingSeconds, 1e-9), hashingSeconds)
            + "memory: \(residentBeforeKB / 1024) MB resident before training, peak \(peakKB / 1024) MB (VmHWM); "
            + "model \(modelVersion), \(modelBytes / 1024) KB"
    }
}

/// Measures classification throughput; each phase repeats over the items until its share of `seconds` is
/// spent (at least one pass), so the figures do not depend on the set's size.
public enum ClassifyBenchmark {
    public static func run(examples: [LabeledExample], engine: RuleEngine, model: ClassifierModel,
                           seconds: Double, training: TrainingBenchmark? = nil) -> ClassifyBenchmarkReport {
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
            measure("model (n-grams + linear model)", inputs, characters, budget) {
                sink &+= model.predictCategory($0.combinedText)?.category.count ?? 0
                sink &+= model.probabilityOfApproval($0.combinedText).map { $0 >= 0.5 ? 1 : 0 } ?? 0
            },
            measure("classifier (rules + model)", inputs, characters, budget) {
                sink &+= classifier.classify($0, signals: signals).matchedTerms.count
            },
        ]
        // Keeps the optimizer from dropping the measured work; the value itself means nothing.
        withExtendedLifetime(sink) {}
        return ClassifyBenchmarkReport(distinctItems: inputs.count,
                                       averageCharacters: inputs.isEmpty ? 0 : Double(characters) / Double(inputs.count),
                                       reference: reference, phases: phases, training: training)
    }

    /// Trains a model on `examples` and reports the time, the rate and the process's memory, beside one pass
    /// of feature hashing over the same items (the least any training must do).
    public static func train(_ examples: [LabeledExample], options: ClassifyOptions,
                             engine: RuleEngine) throws -> (ClassifierModel, TrainingBenchmark) {
        let clock = ContinuousClock()
        let before = MemoryStatus.read()
        let hashingStart = clock.now
        var features = 0
        for example in examples { features += ClassifierModel.featureCount(example.text, options: options) }
        let hashing = (clock.now - hashingStart).seconds
        let start = clock.now
        let model = try ClassifierModel.train(examples, options: options, rules: options.learnFromRules ? engine : nil)
        let seconds = (clock.now - start).seconds
        let after = MemoryStatus.read()
        return (model, TrainingBenchmark(
            items: examples.count, features: features, seconds: seconds,
            itemsPerSecond: Double(examples.count) / max(seconds, 1e-9), hashingSeconds: hashing,
            residentBeforeKB: before.residentKB, peakKB: after.peakKB, modelBytes: try model.serialized().count,
            modelVersion: model.id))
    }

    /// `count` training items drawn (seeded) from `examples`, each varied so the set is not `count / n`
    /// copies: a character or two dropped, a digit changed, and half the time a piece of another item with
    /// the same label appended. Labels are kept.
    public static func synthesize(_ examples: [LabeledExample], count: Int, seed: UInt64 = 17) -> [LabeledExample] {
        guard !examples.isEmpty else { return [] }
        var random = SplitMix64(seed: seed)
        let byLabel = Dictionary(grouping: examples.indices) { "\(examples[$0].category)|\(examples[$0].approved)" }
        return (0..<count).map { _ in
            var example = examples[Int(random.next() % UInt64(examples.count))]
            var characters = Array(example.text)
            for _ in 0..<Int(random.next() % 3) where characters.count > 4 {
                characters.remove(at: Int(random.next() % UInt64(characters.count)))
            }
            if let digit = characters.indices.filter({ characters[$0].isASCII && characters[$0].isNumber }).randomElement(using: &random) {
                characters[digit] = Character(String(random.next() % 10))
            }
            if random.next() % 2 == 0, let peers = byLabel["\(example.category)|\(example.approved)"],
               let peer = peers.randomElement(using: &random) {
                let other = Array(examples[peer].text)
                let start = other.isEmpty ? 0 : Int(random.next() % UInt64(other.count))
                characters += ["，"] + other[start..<min(other.count, start + 20)]
            }
            example.text = String(characters)
            return example
        }
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
