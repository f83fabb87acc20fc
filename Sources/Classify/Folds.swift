import Foundation

/// Stratified, deterministic k-fold splits of labelled examples, shared by training (held-out precision)
/// and by `sluice eval classify`, so both see the same folds.
public enum Folds {
    /// Within each category, items are ordered by a seeded hash of their text and dealt to the folds in turn,
    /// continuing across categories: every fold sees every category, and the split depends only on the
    /// examples, not on the order they come in.
    public static func assign(_ examples: [LabeledExample], folds: Int) -> [Int] {
        var assignment = Array(repeating: 0, count: examples.count)
        var next = 0
        let keys = examples.map { stableKey($0.text) }
        for category in Set(examples.map(\.category)).sorted() {
            let members = examples.indices.filter { examples[$0].category == category }.sorted { left, right in
                if keys[left] != keys[right] { return keys[left] < keys[right] }
                if examples[left].text != examples[right].text { return examples[left].text < examples[right].text }
                return !examples[left].approved && examples[right].approved
            }
            for index in members {
                assignment[index] = next % folds
                next += 1
            }
        }
        return assignment
    }

    /// A well-spread key for ordering items by their text, the same in every process and on every machine;
    /// the corpus split of the extraction measurements orders pages by it too.
    package static func stableKey(_ text: String) -> UInt64 {
        scramble(fnv1a(text))
    }

    /// FNV-1a over UTF-8: a hash that, unlike `Hasher`, is the same in every process.
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// SplitMix64's finalizer over a fixed seed: a stable, well-spread order without a random generator.
    private static func scramble(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15 &* 0x5EED
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
