/// How the model reads text. Stored with each model, so a model always reads text the way it was trained.
struct FeatureSettings: Sendable, Codable, Equatable {
    /// Character n-gram lengths, over the whole folded text (Chinese has no spaces, so n-grams stand in for
    /// words; punctuation, digits and spaces take part, as they carry signal in ads and SMS).
    var ngramSizes: [Int]
    /// Features are hashed into 2^hashBits buckets, so memory does not grow with the vocabulary.
    var hashBits: Int
    /// Only the first this many characters are read (title and note come first in the combined text).
    var maxCharacters: Int
    /// Every digit reads as 0: a phone number or an amount matters more than which one it is.
    var foldDigits: Bool

    init(_ options: ClassifyOptions) {
        ngramSizes = options.ngramSizes.sorted()
        hashBits = options.hashBits
        maxCharacters = options.modelMaxCharacters
        foldDigits = options.foldDigits
    }

    enum CodingKeys: String, CodingKey {
        case ngramSizes = "ngram_sizes"
        case hashBits = "hash_bits"
        case maxCharacters = "max_characters"
        case foldDigits = "fold_digits"
    }
}

/// One hashed feature of a text and how often it occurs.
struct FeatureCount: Sendable, Equatable {
    var bucket: UInt32
    var count: Float
}

/// Turns text into hashed features: character n-grams of the folded text (width, case and traditional
/// characters folded, whitespace runs as one space) plus whole words of Latin-script text, each hashed
/// with a seed of its own kind so `ab` the bigram and `ab` the word do not collide.
struct FeatureHasher: Sendable {
    let settings: FeatureSettings

    /// The features of a text with their counts, sorted by bucket.
    func counts(_ text: String) -> [FeatureCount] {
        var buckets: [UInt32] = []
        visit(text) { bucket, _ in buckets.append(bucket) }
        buckets.sort()
        var counts: [FeatureCount] = []
        counts.reserveCapacity(buckets.count)
        for bucket in buckets {
            if let last = counts.last, last.bucket == bucket {
                counts[counts.count - 1].count += 1
            } else {
                counts.append(FeatureCount(bucket: bucket, count: 1))
            }
        }
        return counts
    }

    /// The text's features with the largest positive `margin`, strongest first, as text, each text once and
    /// at most `limit`: single characters only while no longer feature has a margin (they weigh in the
    /// decision but explain little). Texts are made only for the features shown.
    func strongest(_ text: String, limit: Int, margin: (UInt32) -> Double?) -> [(text: String, margin: Double)] {
        var seen = Set<UInt32>()
        var candidates: [(margin: Double, bucket: UInt32, symbols: ArraySlice<UInt32>)] = []
        visit(text) { bucket, symbols in
            guard seen.insert(bucket).inserted, let margin = margin(bucket), margin > 0 else { return }
            candidates.append((margin, bucket, symbols))
        }
        let long = candidates.filter { $0.symbols.count > 1 }
        let ranked = (long.isEmpty ? candidates : long).sorted { $0.margin != $1.margin ? $0.margin > $1.margin : $0.bucket < $1.bucket }
        var shown: [(text: String, margin: Double)] = []
        for candidate in ranked {
            let text = String(String.UnicodeScalarView(candidate.symbols.compactMap(Unicode.Scalar.init)))
                .trimmingCharacters(in: .whitespaces)
            if !text.isEmpty, !shown.contains(where: { $0.text == text }) { shown.append((text, candidate.margin)) }
            if shown.count == limit { break }
        }
        return shown
    }

    /// Calls `visit` with each feature occurrence's bucket and the symbols it is made of.
    private func visit(_ text: String, _ visit: (UInt32, ArraySlice<UInt32>) -> Void) {
        let symbols = self.symbols(text)
        let shift = UInt64(64 - settings.hashBits)
        for size in settings.ngramSizes where symbols.count >= size {
            for start in 0...(symbols.count - size) {
                let gram = symbols[start..<(start + size)]
                if size > 1 || gram[start] != 0x20 { visit(UInt32(truncatingIfNeeded: Self.hash(gram, seed: UInt64(size)) >> shift), gram) }
            }
        }
        var wordStart: Int?
        for index in 0...symbols.count {
            let isLetter = index < symbols.count && Self.isLatinLetter(symbols[index])
            if isLetter, wordStart == nil { wordStart = index }
            if !isLetter, let start = wordStart {
                if index - start >= 2 {
                    let word = symbols[start..<index]
                    visit(UInt32(truncatingIfNeeded: Self.hash(word, seed: 0x57) >> shift), word)
                }
                wordStart = nil
            }
        }
    }

    /// The folded text as scalar values, cut at `maxCharacters`.
    func symbols(_ text: String) -> [UInt32] {
        var symbols: [UInt32] = []
        symbols.reserveCapacity(min(text.utf16.count, settings.maxCharacters))
        for scalar in TextFolding.foldedScalars(text) {
            guard symbols.count < settings.maxCharacters else { break }
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                if let last = symbols.last, last != 0x20 { symbols.append(0x20) }
            } else if settings.foldDigits, ("0"..."9").contains(scalar) {
                symbols.append(0x30)
            } else {
                symbols.append(scalar.value)
            }
        }
        return symbols
    }

    private static func isLatinLetter(_ value: UInt32) -> Bool {
        (0x61...0x7A).contains(value) || (0xC0...0x24F).contains(value)
    }

    /// FNV-1a over the symbols, then SplitMix64's finalizer so the top bits (the bucket) are well mixed.
    private static func hash(_ symbols: ArraySlice<UInt32>, seed: UInt64) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325 ^ (seed &* 0x9E37_79B9_7F4A_7C15)
        for symbol in symbols { value = (value ^ UInt64(symbol)) &* 0x0000_0100_0000_01B3 }
        return Folds.scramble(value)
    }
}
