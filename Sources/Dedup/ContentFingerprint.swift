/// What the store keeps of a text to find its duplicates: an exact hash of the normalized text, a MinHash
/// sketch of its shingle set (near-duplicates: estimated Jaccard similarity, found through LSH bands), a 64-bit
/// SimHash (near-identical copies, found through permuted blocks), for short notes the shingle set, and for
/// pages the shingles of their headline.
public struct ContentFingerprint: Sendable, Equatable, Codable {
    /// Hex of a 128-bit hash of the normalized text.
    public var exactHash: String
    public var simhash: UInt64
    /// One minimum per hash function over the shingle hashes; equal positions estimate Jaccard similarity.
    public var minhash: [UInt32]
    /// Normalized length in characters.
    public var length: Int
    /// Sorted distinct shingle hashes of a short note, compared by Jaccard similarity; empty for page text.
    public var noteShingles: [UInt32]
    /// The smallest `titleShingleLimit` distinct hashes of the page title's shingles (character pairs in CJK
    /// text, words otherwise), sorted; nil when the page has no title, for notes, and for fingerprints stored
    /// before titles were kept (optional, so those still decode).
    public var titleShingles: [UInt32]?

    static let titleShingleLimit = 32

    public init(exactHash: String, simhash: UInt64, minhash: [UInt32] = [], length: Int, noteShingles: [UInt32] = [],
                titleShingles: [UInt32]? = nil) {
        self.exactHash = exactHash
        self.simhash = simhash
        self.minhash = minhash
        self.length = length
        self.noteShingles = noteShingles
        self.titleShingles = titleShingles
    }

    /// The fingerprint of a page text and its title, or nil when its normalized text is shorter than
    /// `minTextLength` (too short for SimHash and MinHash to mean much: compare it with `note(text:options:)`).
    public static func of(text: String, title: String? = nil, options: DedupOptions) -> ContentFingerprint? {
        let normalized = TextNormalizer.normalize(text)
        // Counting characters walks the whole text: once.
        let length = normalized.count
        guard length >= options.minTextLength else { return nil }
        let shingles = Shingles.hashes(of: normalized, cjkSize: options.shingleSizeCJK,
                                       wordSize: options.shingleSizeWords)
        return ContentFingerprint(exactHash: exactHash(of: normalized), simhash: simhash(of: shingles),
                                  minhash: MinHash.sketch(of: shingles, size: options.sketchSize), length: length,
                                  titleShingles: title.map(titleShingles(of:)).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Pairs of characters in CJK titles (a single character says little about what a headline is about), words
    /// in others.
    static func titleShingles(of title: String) -> [UInt32] {
        let normalized = TextNormalizer.normalize(title)
        let distinct = Set(Shingles.hashes(of: normalized, cjkSize: 2, wordSize: 1).map { UInt32(truncatingIfNeeded: $0 >> 32) })
        return Array(distinct.sorted().prefix(titleShingleLimit))
    }

    /// How much of the shorter title's shingles the other holds: 1 for one headline with and without a site
    /// name around it, near 0 for two different headlines; nil when either has none.
    public func titleOverlap(with other: ContentFingerprint) -> Double? {
        guard let mine = titleShingles, let theirs = other.titleShingles, !mine.isEmpty, !theirs.isEmpty else { return nil }
        return Double(DuplicateJudge.sharedCount(mine, theirs)) / Double(min(mine.count, theirs.count))
    }

    /// The fingerprint of note-only intel of any length, carrying its shingle set so two volunteers' notes
    /// about the same thing meet even when worded a little differently. Nil when nothing is left after
    /// normalization.
    public static func note(text: String, options: DedupOptions) -> ContentFingerprint? {
        let normalized = TextNormalizer.normalize(text)
        guard !normalized.isEmpty else { return nil }
        let size = options.noteShingleSize
        let shingles = Shingles.hashes(of: normalized, cjkSize: size, wordSize: size)
        let distinct = Set(shingles.map { UInt32(truncatingIfNeeded: $0 >> 32) }).sorted()
        return ContentFingerprint(exactHash: exactHash(of: normalized), simhash: simhash(of: shingles),
                                  minhash: MinHash.sketch(of: shingles, size: options.sketchSize),
                                  length: normalized.count, noteShingles: distinct)
    }

    /// The band keys the store indexes under the default options; see `bandKeys(for:)`.
    public var bandKeys: [Int64] { bandKeys(for: .default) }

    /// The keys under which the store indexes this fingerprint; a lookup by the query's keys returns every
    /// candidate the judge needs to see. Each key packs a layout tag (bits 56–62), a band number (48–55) and
    /// the band's value (at most 48 bits); keys of different layouts never collide, so keys stored under
    /// other options are never mistaken for current ones (the store re-keys when the options change).
    /// - SimHash (tag = block count): the 64 bits cut into `maxHammingDistance + 1` blocks; by the pigeonhole
    ///   principle two fingerprints within that distance agree on a whole block.
    /// - MinHash LSH (tag 126): a hash of each band of `lshRows` sketch values.
    /// - Notes (tag 127): the note's smallest shingle hashes, so notes sharing wording meet.
    public func bandKeys(for options: DedupOptions) -> [Int64] {
        let layout = BandLayout(maxDistance: options.maxHammingDistance)
        var keys = (0..<layout.blockCount).map { layout.key(block: $0, of: simhash) }
        if minhash.count == options.sketchSize {
            for band in 0..<options.lshBands {
                let value = MinHash.bandHash(minhash, band: band, rows: options.lshRows) & 0xFFFF_FFFF_FFFF
                keys.append(Int64(BandLayout.minhashLayoutTag) << 56 | Int64(band) << 48 | Int64(value))
            }
        }
        for shingle in noteShingles.prefix(BandLayout.noteKeyCount) {
            keys.append(Int64(BandLayout.noteLayoutTag) << 56 | Int64(shingle))
        }
        return keys
    }

    /// Bit `b` is set when more than half the shingles have it set (each shingle votes +1 or -1 on every bit).
    /// Counting the set bits alone, each bit independently of the others, lets the compiler vectorize the loop.
    private static func simhash(of shingles: [UInt64]) -> UInt64 {
        var ones = [UInt32](repeating: 0, count: 64)
        ones.withUnsafeMutableBufferPointer { ones in
            for shingle in shingles {
                for bit in 0..<64 { ones[bit] &+= UInt32(truncatingIfNeeded: (shingle >> UInt64(bit)) & 1) }
            }
        }
        var result: UInt64 = 0
        for bit in 0..<64 where Int(ones[bit]) * 2 > shingles.count { result |= 1 << UInt64(bit) }
        return result
    }

    /// Two independent 64-bit lanes (FNV-1a and a multiply-rotate hash), each finished with a bit mixer.
    private static func exactHash(of normalized: String) -> String {
        var fnv: UInt64 = 0xCBF2_9CE4_8422_2325
        var rotating: UInt64 = 0x2545_F491_4F6C_DD1D
        for byte in normalized.utf8 {
            fnv = (fnv ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            rotating = ((rotating ^ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15).rotatedLeft(by: 29)
        }
        return hex(Hashing.mix(fnv)) + hex(Hashing.mix(rotating ^ UInt64(normalized.utf8.count)))
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// How the 64 SimHash bits are cut into blocks for a maximum distance; shared by band keys and the index.
struct BandLayout {
    static let minhashLayoutTag = 126
    static let noteLayoutTag = 127
    static let noteKeyCount = 4
    let blockCount: Int
    /// Bit offset and width of each block.
    let blocks: [(shift: Int, width: Int)]

    init(maxDistance: Int) {
        blockCount = min(max(maxDistance + 1, 2), 64)
        var blocks: [(Int, Int)] = []
        var shift = 0
        for index in 0..<blockCount {
            let width = 64 / blockCount + (index < 64 % blockCount ? 1 : 0)
            blocks.append((shift, width))
            shift += width
        }
        self.blocks = blocks
    }

    func bits(block: Int, of fingerprint: UInt64) -> UInt64 {
        let (shift, width) = blocks[block]
        return (fingerprint >> UInt64(shift)) & ((1 << UInt64(width)) - 1)
    }

    func key(block: Int, of fingerprint: UInt64) -> Int64 {
        Int64(blockCount) << 56 | Int64(block) << 48 | Int64(bits(block: block, of: fingerprint))
    }
}

/// MinHash sketches (Broder): for each of `size` hash functions, the smallest hash over the shingle set. The
/// share of positions where two sketches agree estimates the Jaccard similarity of the two sets.
public enum MinHash {
    /// The i-th hash function is `h1 + i·h2` over two halves of the shingle's mixed hash (Kirsch and
    /// Mitzenmacher), which costs one multiply-add per function instead of a full hash.
    static func sketch(of shingles: [UInt64], size: Int) -> [UInt32] {
        var sketch = [UInt32](repeating: .max, count: size)
        sketch.withUnsafeMutableBufferPointer { sketch in
            for shingle in Set(shingles) {
                let first = Hashing.mix(shingle ^ 0x51_7CC1_B727_220A)
                let second = Hashing.mix(first) | 1
                var value = first
                for position in 0..<size {
                    let candidate = UInt32(truncatingIfNeeded: value >> 32)
                    if candidate < sketch[position] { sketch[position] = candidate }
                    value &+= second
                }
            }
        }
        return sketch
    }

    /// The estimated Jaccard similarity of two sketches of one size; 0 when their sizes differ.
    public static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count)
    }

    static func bandHash(_ sketch: [UInt32], band: Int, rows: Int) -> UInt64 {
        var hash = Hashing.mix(UInt64(band) &+ 1)
        for value in sketch[(band * rows)..<((band + 1) * rows)] { hash = Hashing.mix(hash ^ UInt64(value)) }
        return hash
    }
}

/// Bit mixing shared by the fingerprints.
package enum Hashing {
    /// The SplitMix64 finalizer: spreads every input bit over every output bit, which SimHash needs.
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func string(_ text: Substring) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}

/// Shingles of normalized text: every CJK character and every other word is a token; CJK-dominated text is
/// shingled in runs of `cjkSize` tokens, other text in runs of `wordSize` tokens.
package enum Shingles {
    static func tokens(of normalized: String) -> (hashes: [UInt64], cjkCount: Int) {
        var hashes: [UInt64] = []
        var cjkCount = 0
        var wordStart: String.Index?
        let text = Substring(normalized)
        var index = text.startIndex
        while index < text.endIndex {
            let scalar = text.unicodeScalars[index]
            let next = text.unicodeScalars.index(after: index)
            if scalar == " " || TextNormalizer.isCJK(scalar) {
                if let start = wordStart { hashes.append(Hashing.string(text[start..<index])) }
                wordStart = nil
                if scalar != " " {
                    hashes.append(Hashing.string(text[index..<next]))
                    cjkCount += 1
                }
            } else if wordStart == nil {
                wordStart = index
            }
            index = next
        }
        if let start = wordStart { hashes.append(Hashing.string(text[start...])) }
        return (hashes, cjkCount)
    }

    package static func hashes(of normalized: String, cjkSize: Int, wordSize: Int) -> [UInt64] {
        let (tokens, cjkCount) = tokens(of: normalized)
        let size = min(cjkCount * 2 >= tokens.count ? cjkSize : wordSize, max(tokens.count, 1))
        guard !tokens.isEmpty else { return [] }
        return (0...(tokens.count - size)).map { start in
            var hash = UInt64(size)
            for token in tokens[start..<(start + size)] { hash = Hashing.mix(hash ^ token) &+ 0x9E37_79B9_7F4A_7C15 }
            return Hashing.mix(hash)
        }
    }
}

extension UInt64 {
    func rotatedLeft(by count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
