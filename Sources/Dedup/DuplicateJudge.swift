import Foundation

/// Why an item was judged a duplicate of an earlier one, by content.
public struct NearDuplicateMatch: Sendable, Equatable, Codable {
    public var candidateID: Int64
    /// SimHash bits that differ.
    public var distance: Int
    /// Jaccard similarity of the shingle sets: estimated from the MinHash sketches for pages (0 when either has
    /// none), exact for notes, 1 for exact matches.
    public var similarity: Double
    /// `exact`, `near` or `note`.
    public var kind: String

    public init(candidateID: Int64, distance: Int, similarity: Double, kind: String) {
        self.candidateID = candidateID
        self.distance = distance
        self.similarity = similarity
        self.kind = kind
    }
}

/// Why two texts are, or are not, duplicates by content.
public struct ContentExplanation: Sendable, Equatable, Codable {
    /// SimHash bits that differ; nil when either text has no fingerprint (nothing left after normalization).
    public var distance: Int?
    /// Jaccard similarity of the shingle sets (estimated for pages, exact for notes).
    public var similarity: Double?
    /// The verdict's kind (`exact`, `near`, `note`), nil when not duplicates.
    public var match: String?
    public var sharedPassages: [String]

    enum CodingKeys: String, CodingKey {
        case distance, similarity, match
        case sharedPassages = "shared_passages"
    }
}

/// The verdict over the candidates the store found through band keys and the exact hash.
public enum DuplicateJudge {
    /// Among candidates (id, fingerprint), the best match within the thresholds, if any: an exact match
    /// first, then the highest similarity, then the smallest distance, then the earliest (smallest) id.
    /// Pages are near-duplicates when their SimHashes are within `maxHammingDistance`, or their estimated
    /// Jaccard similarity reaches `minJaccard` with the shorter text held in the longer at `minContainment`;
    /// two notes when their shingle sets reach `noteSimilarity`.
    ///
    /// Candidates are cluster roots, one per cluster. A match by Jaccard similarity alone (neither exact nor
    /// within the SimHash distance) must also stand out: its similarity must exceed every other candidate's
    /// by `minMargin`. Text that makes an item about as like several different stories is text they all share
    /// (a site's fixed blocks: related links, a donation appeal, a sidebar), not the identity of one of them;
    /// a repost is far more like its original than like anything else.
    ///
    /// Below `jaccardWithoutTitle`, a Jaccard match also needs the two titles to agree (`minTitleOverlap`) when
    /// both pages have one. The margin cannot see a site's fixed blocks when the first two articles of a template
    /// meet (there is no other root to compare with), and once they are one cluster every later article of that
    /// template finds that one root alone; their headlines differ, while a repost keeps its story's headline.
    public static func bestMatch(for fingerprint: ContentFingerprint,
                                 among candidates: [(id: Int64, fingerprint: ContentFingerprint)],
                                 options: DedupOptions) -> NearDuplicateMatch? {
        var best: NearDuplicateMatch?
        for candidate in candidates {
            guard let match = verdict(fingerprint, candidate.fingerprint, id: candidate.id, options: options) else {
                continue
            }
            if let current = best, rank(current) <= rank(match) { continue }
            best = match
        }
        guard let match = best, match.kind == "near", match.distance > options.maxHammingDistance else { return best }
        let runnerUp = candidates.lazy.filter { $0.id != match.candidateID }
            .map { MinHash.similarity(fingerprint.minhash, $0.fingerprint.minhash) }.max() ?? 0
        return match.similarity - runnerUp >= options.minMargin ? match : nil
    }

    private static func rank(_ match: NearDuplicateMatch) -> (Int, Double, Int, Int64) {
        (match.kind == "exact" ? 0 : 1, -match.similarity, match.distance, match.candidateID)
    }

    private static func verdict(_ query: ContentFingerprint, _ candidate: ContentFingerprint, id: Int64,
                                options: DedupOptions) -> NearDuplicateMatch? {
        let distance = (query.simhash ^ candidate.simhash).nonzeroBitCount
        if query.exactHash == candidate.exactHash {
            return NearDuplicateMatch(candidateID: id, distance: distance, similarity: 1, kind: "exact")
        }
        if !query.noteShingles.isEmpty && !candidate.noteShingles.isEmpty {
            let similarity = jaccard(query.noteShingles, candidate.noteShingles)
            guard similarity >= options.noteSimilarity else { return nil }
            return NearDuplicateMatch(candidateID: id, distance: distance, similarity: similarity, kind: "note")
        }
        let similarity = MinHash.similarity(query.minhash, candidate.minhash)
        if distance <= options.maxHammingDistance {
            return NearDuplicateMatch(candidateID: id, distance: distance, similarity: similarity, kind: "near")
        }
        let overlap = containment(similarity, query.length, candidate.length)
        guard similarity >= options.minJaccard, overlap >= options.minContainment,
              similarity >= options.jaccardWithoutTitle
                || (query.titleOverlap(with: candidate) ?? 1) >= options.minTitleOverlap else { return nil }
        return NearDuplicateMatch(candidateID: id, distance: distance, similarity: similarity, kind: "near")
    }

    /// The share of the shorter set inside the longer one, from their Jaccard similarity and sizes (text lengths
    /// stand for shingle counts): |A ∩ B| = J (|A| + |B|) / (1 + J).
    static func containment(_ similarity: Double, _ first: Int, _ second: Int) -> Double {
        let shorter = min(first, second)
        guard shorter > 0 else { return 0 }
        return min(1, similarity * Double(first + second) / ((1 + similarity) * Double(shorter)))
    }

    /// Jaccard similarity of two sorted sets of distinct values.
    static func jaccard(_ a: [UInt32], _ b: [UInt32]) -> Double {
        let shared = sharedCount(a, b)
        let union = a.count + b.count - shared
        return union == 0 ? 1 : Double(shared) / Double(union)
    }

    /// The number of values two sorted sets of distinct values have in common.
    static func sharedCount(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var i = 0, j = 0, shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return shared
    }

    /// For `why-dup`: the figures behind a content verdict on two texts, and the passages they share.
    public static func explain(_ text: String, against original: String, options: DedupOptions,
                               passageLimit: Int = 5) -> ContentExplanation {
        let first = ContentFingerprint.of(text: text, options: options)
            ?? ContentFingerprint.note(text: text, options: options)
        let second = ContentFingerprint.of(text: original, options: options)
            ?? ContentFingerprint.note(text: original, options: options)
        var explanation = ContentExplanation(distance: nil, similarity: nil, match: nil,
                                             sharedPassages: sharedPassages(text, original, limit: passageLimit))
        if let first, let second {
            explanation.distance = (first.simhash ^ second.simhash).nonzeroBitCount
            explanation.similarity = first.noteShingles.isEmpty || second.noteShingles.isEmpty
                ? MinHash.similarity(first.minhash, second.minhash)
                : jaccard(first.noteShingles, second.noteShingles)
            explanation.match = bestMatch(for: first, among: [(0, second)], options: options)?.kind
        }
        return explanation
    }

    /// For `why-dup`: the longest passages two texts share, longest first, at most `limit`. Texts are compared
    /// after case, white space and full-width forms are folded, and shown in that form; a passage must be at least 8 characters when it holds
    /// CJK and 24 otherwise (a CJK character carries about a word).
    public static func sharedPassages(_ a: String, _ b: String, limit: Int) -> [String] {
        let left = Array(displayForm(a)), right = Array(displayForm(b))
        let seed = 6
        guard limit > 0, left.count >= seed, right.count >= seed else { return [] }
        var positions: [String: [Int]] = [:]
        for start in 0...(right.count - seed) {
            positions[String(right[start..<(start + seed)]), default: []].append(start)
        }
        var runs: [String] = []
        var index = 0
        while index + seed <= left.count {
            var longest = 0
            for start in positions[String(left[index..<(index + seed)])]?.prefix(16) ?? [] {
                var length = seed
                while index + length < left.count, start + length < right.count,
                      left[index + length] == right[start + length] { length += 1 }
                longest = max(longest, length)
            }
            guard longest > 0 else {
                index += 1
                continue
            }
            let passage = String(left[index..<(index + longest)])
                .trimmingCharacters(in: CharacterSet.whitespaces.union(.punctuationCharacters))
            let holdsCJK = passage.unicodeScalars.contains(where: TextNormalizer.isCJK)
            if passage.count >= (holdsCJK ? 8 : 24) && !runs.contains(passage) { runs.append(passage) }
            index += longest
        }
        return Array(runs.sorted { $0.count > $1.count }.prefix(limit))
    }

    private static func displayForm(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
