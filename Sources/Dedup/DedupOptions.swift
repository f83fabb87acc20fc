import SluiceCore

/// The dedup thresholds, read from `"dedup"` in the pipeline JSON (snake_case keys; absent keys take the
/// defaults below, which are the values the corpus evaluation was run with).
public struct DedupOptions: Codable, Sendable, Equatable {
    /// Two page texts whose SimHashes differ in at most this many bits are near-duplicates. The SimHash band
    /// layout (`maxHammingDistance + 1` blocks) follows from it, so a change re-keys the stored bands.
    public var maxHammingDistance: Int
    /// Characters per shingle in CJK text (which has no spaces between words).
    public var shingleSizeCJK: Int
    /// Words per shingle in other text.
    public var shingleSizeWords: Int
    /// Normalized characters below which a text gets no page fingerprint and is compared as a note.
    public var minTextLength: Int
    /// Estimated Jaccard similarity of two page texts' shingle sets (from their MinHash sketches) at or above
    /// which they are near-duplicates.
    public var minJaccard: Double
    /// With a Jaccard match, the share of the shorter text's shingles the longer one must hold (estimated from
    /// the similarity and the two lengths). A truncated or extended copy holds nearly all of the shorter text; two
    /// articles of one site that share a fixed list or a sidebar reach the Jaccard bar by chance but hold well
    /// under this.
    public var minContainment: Double
    /// With a Jaccard match (neither exact nor within the SimHash distance), how much more like its match an
    /// item must be than like any other cluster's root (`DuplicateJudge.bestMatch`).
    public var minMargin: Double
    /// With a Jaccard match below `jaccardWithoutTitle` between two pages that both have a title, the share of
    /// the shorter title's shingles the other must hold (0 turns the check off): a repost keeps its story's
    /// headline; two articles of one template that share its fixed blocks do not share a headline.
    public var minTitleOverlap: Double
    /// The estimated Jaccard similarity from which a match needs no agreeing title (a repost under a new headline
    /// still shares most of its text).
    public var jaccardWithoutTitle: Double
    /// LSH bands over the MinHash sketch, which holds `lshBands * lshRows` values. Two texts become candidates
    /// when every row of one band agrees: probability 1 - (1 - J^rows)^bands for Jaccard similarity J.
    /// A change re-keys the stored bands.
    public var lshBands: Int
    public var lshRows: Int
    /// Jaccard similarity of shingle sets at or above which two notes are duplicates.
    public var noteSimilarity: Double
    /// Characters (CJK) or words per shingle when comparing notes; short texts need short shingles.
    public var noteShingleSize: Int

    public static let `default` = DedupOptions()

    public init(maxHammingDistance: Int = 3, shingleSizeCJK: Int = 3, shingleSizeWords: Int = 2,
                minTextLength: Int = 80, minJaccard: Double = 0.35, minContainment: Double = 0.6, minMargin: Double = 0.15,
                minTitleOverlap: Double = 0.5, jaccardWithoutTitle: Double = 0.7, lshBands: Int = 20,
                lshRows: Int = 3, noteSimilarity: Double = 0.6, noteShingleSize: Int = 2) {
        self.maxHammingDistance = maxHammingDistance
        self.shingleSizeCJK = shingleSizeCJK
        self.shingleSizeWords = shingleSizeWords
        self.minTextLength = minTextLength
        self.minJaccard = minJaccard
        self.minContainment = minContainment
        self.minMargin = minMargin
        self.minTitleOverlap = minTitleOverlap
        self.jaccardWithoutTitle = jaccardWithoutTitle
        self.lshBands = lshBands
        self.lshRows = lshRows
        self.noteSimilarity = noteSimilarity
        self.noteShingleSize = noteShingleSize
    }

    /// The number of values in a MinHash sketch.
    public var sketchSize: Int { lshBands * lshRows }

    /// Names everything that shapes stored fingerprints and band keys. The store keeps it beside them and
    /// recomputes fingerprints and bands of items made under another value, so no stored item is silently
    /// missed after a threshold change (like `URLRules.version` for URL keys).
    public var fingerprintVersion: String {
        "v2 shingles \(shingleSizeCJK)/\(shingleSizeWords)/note \(noteShingleSize), min \(minTextLength), "
            + "simhash \(BandLayout(maxDistance: maxHammingDistance).blockCount) blocks, minhash \(lshBands)x\(lshRows), title pairs"
    }

    enum CodingKeys: String, CodingKey {
        case maxHammingDistance = "max_hamming_distance"
        case shingleSizeCJK = "shingle_size_cjk"
        case shingleSizeWords = "shingle_size_words"
        case minTextLength = "min_text_length"
        case minJaccard = "min_jaccard"
        case minContainment = "min_containment"
        case minMargin = "min_margin"
        case minTitleOverlap = "min_title_overlap"
        case jaccardWithoutTitle = "jaccard_without_title"
        case lshBands = "lsh_bands"
        case lshRows = "lsh_rows"
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
        minJaccard = try container.decode(.minJaccard, default: fallback.minJaccard)
        minContainment = try container.decode(.minContainment, default: fallback.minContainment)
        minMargin = try container.decode(.minMargin, default: fallback.minMargin)
        minTitleOverlap = try container.decode(.minTitleOverlap, default: fallback.minTitleOverlap)
        jaccardWithoutTitle = try container.decode(.jaccardWithoutTitle, default: fallback.jaccardWithoutTitle)
        lshBands = try container.decode(.lshBands, default: fallback.lshBands)
        lshRows = try container.decode(.lshRows, default: fallback.lshRows)
        noteSimilarity = try container.decode(.noteSimilarity, default: fallback.noteSimilarity)
        noteShingleSize = try container.decode(.noteShingleSize, default: fallback.noteShingleSize)
        let ranges: [(CodingKeys, Int, ClosedRange<Int>)] = [
            (.maxHammingDistance, maxHammingDistance, 0...31), (.shingleSizeCJK, shingleSizeCJK, 1...8),
            (.shingleSizeWords, shingleSizeWords, 1...8), (.noteShingleSize, noteShingleSize, 1...8),
            (.minTextLength, minTextLength, 1...1_000_000), (.lshBands, lshBands, 1...64), (.lshRows, lshRows, 1...16),
        ]
        for (key, value, range) in ranges where !range.contains(value) {
            throw invalidValue(key, in: decoder, "must be from \(range.lowerBound) to \(range.upperBound)")
        }
        for (key, value) in [(CodingKeys.minJaccard, minJaccard), (.minContainment, minContainment),
                             (.noteSimilarity, noteSimilarity), (.jaccardWithoutTitle, jaccardWithoutTitle)]
        where !(value > 0 && value <= 1) {
            throw invalidValue(key, in: decoder, "must be above 0 and at most 1")
        }
        if !(minMargin >= 0 && minMargin < 1) { throw invalidValue(CodingKeys.minMargin, in: decoder, "must be from 0 to below 1") }
        if !(minTitleOverlap >= 0 && minTitleOverlap <= 1) {
            throw invalidValue(CodingKeys.minTitleOverlap, in: decoder, "must be from 0 to 1")
        }
    }
}
