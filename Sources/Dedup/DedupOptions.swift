import SluiceCore

/// The dedup thresholds, read from `"dedup"` in the pipeline JSON (snake_case keys; absent keys take the
/// defaults below, which are the values the corpus evaluation was run with).
public struct DedupOptions: Codable, Sendable, Equatable {
    /// Two page texts whose SimHashes differ in at most this many bits are near-duplicates. The band layout
    /// (`maxHammingDistance + 1` blocks) follows from it, so a change re-keys the stored bands.
    public var maxHammingDistance: Int
    /// Characters per shingle in CJK text (which has no spaces between words).
    public var shingleSizeCJK: Int
    /// Words per shingle in other text.
    public var shingleSizeWords: Int
    /// Normalized characters below which a text gets no page fingerprint and is compared as a note.
    public var minTextLength: Int
    /// Jaccard similarity of shingle sets at or above which two notes are duplicates.
    public var noteSimilarity: Double
    /// Characters (CJK) or words per shingle when comparing notes; short texts need short shingles.
    public var noteShingleSize: Int

    public static let `default` = DedupOptions()

    public init(maxHammingDistance: Int = 3, shingleSizeCJK: Int = 3, shingleSizeWords: Int = 2,
                minTextLength: Int = 80, noteSimilarity: Double = 0.6, noteShingleSize: Int = 2) {
        self.maxHammingDistance = maxHammingDistance
        self.shingleSizeCJK = shingleSizeCJK
        self.shingleSizeWords = shingleSizeWords
        self.minTextLength = minTextLength
        self.noteSimilarity = noteSimilarity
        self.noteShingleSize = noteShingleSize
    }

    enum CodingKeys: String, CodingKey {
        case maxHammingDistance = "max_hamming_distance"
        case shingleSizeCJK = "shingle_size_cjk"
        case shingleSizeWords = "shingle_size_words"
        case minTextLength = "min_text_length"
        case noteSimilarity = "note_similarity"
        case noteShingleSize = "note_shingle_size"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = DedupOptions.default
        maxHammingDistance = try container.decode(.maxHammingDistance, default: fallback.maxHammingDistance)
        shingleSizeCJK = try container.decode(.shingleSizeCJK, default: fallback.shingleSizeCJK)
        shingleSizeWords = try container.decode(.shingleSizeWords, default: fallback.shingleSizeWords)
        minTextLength = try container.decode(.minTextLength, default: fallback.minTextLength)
        noteSimilarity = try container.decode(.noteSimilarity, default: fallback.noteSimilarity)
        noteShingleSize = try container.decode(.noteShingleSize, default: fallback.noteShingleSize)
        guard (0...31).contains(maxHammingDistance) else {
            throw invalidValue(CodingKeys.maxHammingDistance, in: decoder, "must be from 0 to 31")
        }
        for (key, value) in [(CodingKeys.shingleSizeCJK, shingleSizeCJK), (.shingleSizeWords, shingleSizeWords),
                             (.noteShingleSize, noteShingleSize)] where !(1...8).contains(value) {
            throw invalidValue(key, in: decoder, "must be from 1 to 8")
        }
        guard minTextLength >= 1 else { throw invalidValue(CodingKeys.minTextLength, in: decoder, "must be at least 1") }
        guard noteSimilarity > 0 && noteSimilarity <= 1 else {
            throw invalidValue(CodingKeys.noteSimilarity, in: decoder, "must be above 0 and at most 1")
        }
    }
}
