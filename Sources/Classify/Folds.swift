import Foundation

/// Stratified, deterministic k-fold splits of labelled examples, shared by training (the held-out
/// calibration) and by `sluice eval classify` (which can write them out for other tools to use the same).
public enum Folds {
    /// Strata are the (category, verdict) pairs. Within each stratum, items are ordered by a seeded hash of
    /// their text and dealt to the folds in turn, continuing across strata: every fold sees every stratum,
    /// and the split depends only on the examples, not on the order they come in.
    public static func assign(_ examples: [LabeledExample], folds: Int) -> [Int] {
        assign(texts: examples.map(\.text), strata: examples.map { "\($0.approved ? 1 : 0)\u{1F}\($0.category)" }, folds: folds)
    }

    /// The same over bare texts with a stratum each.
    public static func assign(texts: [String], strata: [String], folds: Int) -> [Int] {
        var assignment = Array(repeating: 0, count: texts.count)
        guard folds > 1 else { return assignment }
        var next = 0
        let keys = texts.map(stableKey)
        let members = Dictionary(grouping: texts.indices, by: { strata[$0] })
        for stratum in members.keys.sorted() {
            let ordered = (members[stratum] ?? []).sorted { left, right in
                if keys[left] != keys[right] { return keys[left] < keys[right] }
                if texts[left] != texts[right] { return texts[left] < texts[right] }
                return left < right
            }
            for index in ordered {
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
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// SplitMix64's finalizer over a fixed seed: a stable, well-spread order without a random generator.
    static func scramble(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15 &* 0x5EED
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
