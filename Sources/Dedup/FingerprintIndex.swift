/// An in-memory near-duplicate index over 64-bit SimHashes with the same band layout the store uses
/// (`ContentFingerprint.bandKeys(maxDistance:)`): one hash table per block, so a lookup reads only the
/// fingerprints that agree with the query on a whole block instead of every fingerprint.
///
/// Not thread-safe and not `Sendable`: one owner inserts and queries (the benchmark, the evaluation).
public final class FingerprintIndex {
    public let maxDistance: Int
    private let layout: BandLayout
    private var ids: [Int64] = []
    private var fingerprints: [UInt64] = []
    /// Per block: block bits → positions in `ids`/`fingerprints`.
    private var tables: [[UInt64: [Int32]]]

    public convenience init() {
        self.init(maxDistance: DedupOptions.default.maxHammingDistance)
    }

    /// Lookups within `maxDistance` are exact and fast; larger distances fall back to a scan.
    public init(maxDistance: Int) {
        self.maxDistance = maxDistance
        layout = BandLayout(maxDistance: maxDistance)
        tables = Array(repeating: [:], count: layout.blockCount)
    }

    public var count: Int { ids.count }

    public func insert(id: Int64, fingerprint: UInt64) {
        let position = Int32(ids.count)
        ids.append(id)
        fingerprints.append(fingerprint)
        for block in 0..<layout.blockCount {
            tables[block][layout.bits(block: block, of: fingerprint), default: []].append(position)
        }
    }

    /// Every stored fingerprint within `maxDistance` bits of `near`, with its distance, in insertion order
    /// within each block.
    public func candidates(near fingerprint: UInt64, maxDistance: Int) -> [(id: Int64, distance: Int)] {
        lookup(fingerprint, maxDistance: maxDistance).found
    }

    /// The candidates and how many stored fingerprints were compared to find them.
    package func lookup(_ fingerprint: UInt64, maxDistance: Int) -> (found: [(id: Int64, distance: Int)], compared: Int) {
        guard maxDistance <= self.maxDistance else {
            return (linearScan(near: fingerprint, maxDistance: maxDistance), fingerprints.count)
        }
        var found: [(id: Int64, distance: Int)] = []
        var compared = 0
        let queryBlocks = (0..<layout.blockCount).map { layout.bits(block: $0, of: fingerprint) }
        for block in 0..<layout.blockCount {
            for position in tables[block][queryBlocks[block]] ?? [] {
                let stored = fingerprints[Int(position)]
                // Seen already through an earlier block it also shares.
                if (0..<block).contains(where: { layout.bits(block: $0, of: stored) == queryBlocks[$0] }) { continue }
                compared += 1
                let distance = (stored ^ fingerprint).nonzeroBitCount
                if distance <= maxDistance { found.append((ids[Int(position)], distance)) }
            }
        }
        return (found, compared)
    }

    /// The reference: compares the query with every stored fingerprint.
    public func linearScan(near fingerprint: UInt64, maxDistance: Int) -> [(id: Int64, distance: Int)] {
        var found: [(id: Int64, distance: Int)] = []
        for (position, stored) in fingerprints.enumerated() {
            let distance = (stored ^ fingerprint).nonzeroBitCount
            if distance <= maxDistance { found.append((ids[position], distance)) }
        }
        return found
    }
}

@available(*, unavailable)
extension FingerprintIndex: Sendable {}
