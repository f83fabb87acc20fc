/// An in-memory LSH index over MinHash sketches with the same banding the store uses
/// (`ContentFingerprint.bandKeys(for:)`): per band, a sorted array of (band hash, position), so a lookup reads
/// only the sketches that agree with the query on a whole band instead of every sketch.
///
/// New entries wait in a small unsorted buffer per band that lookups scan, and are merged into the sorted
/// arrays once the buffer outgrows 4096 entries (or a sixteenth of the index, so bulk loading stays linear
/// in amortized cost). To verify candidates it keeps the low 16 bits of each sketch value: two unrelated
/// values agree by chance with probability 2^-16, which does not move the estimate.
///
/// Not thread-safe and not `Sendable`: one owner inserts and queries (the benchmark, the evaluation).
public final class MinHashIndex {
    public let bands: Int
    public let rows: Int
    private var ids: [Int64] = []
    private var sketches: [UInt16] = []
    private var sorted: [[UInt64]]
    private var pending: [[UInt64]]
    private static let pendingLimit = 4096

    public init(bands: Int, rows: Int) {
        self.bands = bands
        self.rows = rows
        sorted = Array(repeating: [], count: bands)
        pending = Array(repeating: [], count: bands)
    }

    public convenience init(options: DedupOptions) {
        self.init(bands: options.lshBands, rows: options.lshRows)
    }

    public var count: Int { ids.count }

    /// Adds a sketch; one of another size than `bands * rows` is refused (returns false).
    @discardableResult
    public func insert(id: Int64, sketch: [UInt32]) -> Bool {
        guard sketch.count == bands * rows, ids.count < Int(UInt32.max) else { return false }
        let position = UInt64(ids.count)
        ids.append(id)
        sketches.append(contentsOf: sketch.map { UInt16(truncatingIfNeeded: $0) })
        for band in 0..<bands {
            pending[band].append(bandPrefix(sketch, band: band) | position)
        }
        if pending[0].count >= max(Self.pendingLimit, sorted[0].count / 16) { mergePending() }
        return true
    }

    /// Every stored sketch whose estimated Jaccard similarity with `sketch` reaches `minSimilarity`, among those
    /// sharing at least one whole band with it.
    public func candidates(for sketch: [UInt32], minSimilarity: Double) -> [(id: Int64, similarity: Double)] {
        guard sketch.count == bands * rows else { return [] }
        if pending[0].count > Self.pendingLimit { mergePending() }
        let query = sketch.map { UInt16(truncatingIfNeeded: $0) }
        var seen = Set<Int>()
        var found: [(id: Int64, similarity: Double)] = []
        func consider(_ entry: UInt64) {
            let position = Int(entry & 0xFFFF_FFFF)
            guard seen.insert(position).inserted else { return }
            let similarity = self.similarity(query, at: position)
            if similarity >= minSimilarity { found.append((ids[position], similarity)) }
        }
        for band in 0..<bands {
            let prefix = bandPrefix(sketch, band: band)
            let entries = sorted[band]
            var index = firstIndex(in: entries, notBelow: prefix)
            while index < entries.count, entries[index] & 0xFFFF_FFFF_0000_0000 == prefix {
                consider(entries[index])
                index += 1
            }
            for entry in pending[band] where entry & 0xFFFF_FFFF_0000_0000 == prefix { consider(entry) }
        }
        return found
    }

    /// The reference: estimates the similarity of the query with every stored sketch.
    public func linearScan(for sketch: [UInt32], minSimilarity: Double) -> [(id: Int64, similarity: Double)] {
        guard sketch.count == bands * rows else { return [] }
        let query = sketch.map { UInt16(truncatingIfNeeded: $0) }
        var found: [(id: Int64, similarity: Double)] = []
        for position in ids.indices {
            let similarity = similarity(query, at: position)
            if similarity >= minSimilarity { found.append((ids[position], similarity)) }
        }
        return found
    }

    private func similarity(_ query: [UInt16], at position: Int) -> Double {
        let size = query.count
        var equal = 0
        sketches.withUnsafeBufferPointer { stored in
            for offset in 0..<size where stored[position * size + offset] == query[offset] { equal += 1 }
        }
        return Double(equal) / Double(size)
    }

    private func bandPrefix(_ sketch: [UInt32], band: Int) -> UInt64 {
        MinHash.bandHash(sketch, band: band, rows: rows) & 0xFFFF_FFFF_0000_0000
    }

    private func firstIndex(in entries: [UInt64], notBelow value: UInt64) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func mergePending() {
        for band in 0..<bands where !pending[band].isEmpty {
            let incoming = pending[band].sorted()
            let existing = sorted[band]
            var merged: [UInt64] = []
            merged.reserveCapacity(existing.count + incoming.count)
            var i = 0, j = 0
            while i < existing.count && j < incoming.count {
                if existing[i] <= incoming[j] {
                    merged.append(existing[i])
                    i += 1
                } else {
                    merged.append(incoming[j])
                    j += 1
                }
            }
            merged.append(contentsOf: existing[i...])
            merged.append(contentsOf: incoming[j...])
            sorted[band] = merged
            pending[band].removeAll(keepingCapacity: true)
        }
    }
}

@available(*, unavailable)
extension MinHashIndex: Sendable {}
