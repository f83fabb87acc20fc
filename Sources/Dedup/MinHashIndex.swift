/// An in-memory LSH index over MinHash sketches with the same banding the store uses
/// (`ContentFingerprint.bandKeys(for:)`): per band, a sorted array of (band hash, position), so a lookup reads
/// only the sketches that agree with the query on a whole band instead of every sketch.
///
/// New entries wait in an unsorted buffer per band. Inserts merge it into the sorted arrays once it outgrows
/// 4096 entries or a sixteenth of the index (so bulk loading stays O(n log n)); a lookup merges it first when it
/// holds more than 256 entries, so lookups scan only a short buffer. To verify candidates it keeps the low 16 bits of each sketch value: two unrelated
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
    private static let lookupPendingLimit = 256

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
        if pending[0].count >= max(Self.pendingLimit, ids.count / 16) { mergePending() }
        return true
    }

    /// Every stored sketch whose estimated Jaccard similarity with `sketch` reaches `minSimilarity`, among those
    /// sharing at least one whole band with it.
    public func candidates(for sketch: [UInt32], minSimilarity: Double) -> [(id: Int64, similarity: Double)] {
        lookup(sketch, minSimilarity: minSimilarity).found
    }

    /// The candidates and how many stored sketches were compared to find them.
    package func lookup(_ sketch: [UInt32], minSimilarity: Double) -> (found: [(id: Int64, similarity: Double)], compared: Int) {
        guard sketch.count == bands * rows else { return ([], 0) }
        if pending[0].count > Self.lookupPendingLimit { mergePending() }
        let query = sketch.map { UInt16(truncatingIfNeeded: $0) }
        var seen = Set<Int>(minimumCapacity: 256)
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
        return (found, seen.count)
    }

    /// The reference: estimates the similarity of the query with every stored sketch.
    public func linearScan(for sketch: [UInt32], minSimilarity: Double) -> [(id: Int64, similarity: Double)] {
        guard sketch.count == bands * rows else { return [] }
        let query = sketch.map { UInt16(truncatingIfNeeded: $0) }
        let needed = Int((minSimilarity * Double(query.count)).rounded(.up))
        var found: [(id: Int64, similarity: Double)] = []
        query.withUnsafeBufferPointer { query in
            sketches.withUnsafeBufferPointer { stored in
                for position in ids.indices {
                    let equal = Self.equalValues(query, stored, at: position * query.count)
                    if equal >= needed { found.append((ids[position], Double(equal) / Double(query.count))) }
                }
            }
        }
        return found
    }

    private func similarity(_ query: [UInt16], at position: Int) -> Double {
        let equal = query.withUnsafeBufferPointer { query in
            sketches.withUnsafeBufferPointer { Self.equalValues(query, $0, at: position * query.count) }
        }
        return Double(equal) / Double(query.count)
    }

    /// Eight values per step, so the scan (the reference) runs as fast as the index's own comparisons.
    private static func equalValues(_ query: UnsafeBufferPointer<UInt16>, _ stored: UnsafeBufferPointer<UInt16>,
                                    at start: Int) -> Int {
        guard let queryBase = query.baseAddress, let storedBase = stored.baseAddress else { return 0 }
        let width = SIMD8<UInt16>.scalarCount
        let ones = SIMD8<UInt16>(repeating: 1), zeros = SIMD8<UInt16>(repeating: 0)
        var lanes = SIMD8<UInt16>(repeating: 0)
        var offset = 0
        while offset + width <= query.count {
            let a = UnsafeRawPointer(queryBase + offset).loadUnaligned(as: SIMD8<UInt16>.self)
            let b = UnsafeRawPointer(storedBase + start + offset).loadUnaligned(as: SIMD8<UInt16>.self)
            lanes &+= zeros.replacing(with: ones, where: a .== b)
            offset += width
        }
        var equal = Int(lanes.wrappedSum())
        while offset < query.count {
            if query[offset] == stored[start + offset] { equal += 1 }
            offset += 1
        }
        return equal
    }

    private func bandPrefix(_ sketch: [UInt32], band: Int) -> UInt64 {
        MinHash.bandHash(sketch, band: band, rows: rows) & 0xFFFF_FFFF_0000_0000
    }

    /// Band hashes are uniform, so the position is first guessed from the value and the search narrows
    /// outward from the guess: a few probes instead of a full binary search over a large array.
    private func firstIndex(in entries: [UInt64], notBelow value: UInt64) -> Int {
        guard !entries.isEmpty else { return 0 }
        let guess = min(Int(Double(value) / 18_446_744_073_709_551_616.0 * Double(entries.count)), entries.count - 1)
        var low = guess, high = guess + 1, step = 1
        while low > 0 && entries[low] >= value {
            high = low
            low = max(low - step, 0)
            step *= 2
        }
        step = 1
        while high < entries.count && entries[high - 1] < value {
            low = high - 1
            high = min(high + step, entries.count)
            step *= 2
        }
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
