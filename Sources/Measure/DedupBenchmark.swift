import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

/// Figures for one index from one benchmark run; its speed is compared with a linear scan over the same
/// entries, measured in the same run.
public struct IndexFigures: Codable, Sendable, Equatable {
    public var index: String
    public var count: Int
    public var insertSeconds: Double
    public var lookups: Int
    public var lookupSeconds: Double
    public var lookupsPerSecond: Double
    /// Queries made as near-duplicates of a stored entry, and how many found it.
    public var plantedQueries: Int
    public var plantedFound: Int
    /// Entries the index compared per lookup, on average (the scan compares all `count`).
    public var meanCandidates: Double
    public var scanLookups: Int
    public var scanSeconds: Double
    public var scanLookupsPerSecond: Double
    /// Scanned queries whose index result equals the scan's result.
    public var scanAgreement: Int
    public var speedup: Double
    /// Resident memory (kB, `VmRSS`) before filling the index and after.
    public var residentBeforeKB: Int
    public var residentAfterKB: Int

    var description: String {
        func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        return """
            \(index): \(count) entries
              insert:       \(fixed(insertSeconds, 2)) s (\(fixed(Double(count) / max(insertSeconds, 1e-9), 0)) inserts/s)
              index lookup: \(lookups) lookups in \(fixed(lookupSeconds, 3)) s = \(fixed(lookupsPerSecond, 0)) lookups/s, \
            \(fixed(meanCandidates, 1)) candidates compared per lookup; planted near-duplicates found \(plantedFound)/\(plantedQueries)
              linear scan:  \(scanLookups) lookups in \(fixed(scanSeconds, 3)) s = \(fixed(scanLookupsPerSecond, 1)) lookups/s; \
            index agrees with the scan on \(scanAgreement)/\(scanLookups)
              speedup:      \(fixed(speedup, 0))x the scan's lookups/s
              memory:       VmRSS \(residentBeforeKB / 1024) MB before, \(residentAfterKB / 1024) MB after \
            (+\((residentAfterKB - residentBeforeKB) / 1024) MB)
            """
    }
}

/// Figures from one benchmark run of both indexes.
public struct DedupBenchmarkReport: Codable, Sendable, Equatable, CustomStringConvertible {
    public var simhash: IndexFigures
    public var minhash: IndexFigures
    /// Peak resident memory of the process (kB, `VmHWM`).
    public var residentPeakKB: Int

    public var description: String {
        "dedup benchmark\n\(simhash.description)\n\(minhash.description)\npeak memory: VmHWM \(residentPeakKB / 1024) MB"
    }
}

/// Inserts `count` fingerprints into each index and looks up planted near-duplicates and unrelated queries,
/// through the index and through a linear scan, in one run. Inputs come from a seeded generator.
///
/// SimHash entries are uniform random 64-bit values; planted queries flip up to `maxHammingDistance` bits.
/// MinHash sketches model real pages: each value comes with probability 1/2 from a small pool shared by all
/// sketches, so unrelated sketches agree on about 2% of positions (unrelated corpus pages: 1–15%), and
/// planted queries keep 70% of a stored sketch.
public enum DedupBenchmark {
    public static func run(count: Int, options: DedupOptions = .default, lookups: Int = 20_000,
                           scanLookups: Int = 100) -> DedupBenchmarkReport {
        let simhash = runSimHash(count: count, maxDistance: options.maxHammingDistance, lookups: lookups,
                                 scanLookups: scanLookups)
        let minhash = runMinHash(count: count, options: options, lookups: lookups, scanLookups: scanLookups)
        return DedupBenchmarkReport(simhash: simhash, minhash: minhash, residentPeakKB: MemoryStatus.read().peakKB)
    }

    static func runSimHash(count: Int, maxDistance: Int, lookups: Int, scanLookups: Int) -> IndexFigures {
        var random = SplitMix64(seed: 0xD0D0_CAFE)
        let index = FingerprintIndex(maxDistance: maxDistance)
        var stored: [UInt64] = []
        stored.reserveCapacity(count)
        var queries: [(fingerprint: UInt64, planted: Int64?)] = []
        return measure("SimHash blocks (max distance \(maxDistance), \(maxDistance + 1) blocks)", count: count,
                       insert: {
            for id in 0..<count {
                let fingerprint = random.next()
                stored.append(fingerprint)
                index.insert(id: Int64(id), fingerprint: fingerprint)
            }
            for number in 0..<lookups {
                guard number % 2 == 0, !stored.isEmpty else {
                    queries.append((random.next(), nil))
                    continue
                }
                let source = Int(random.next() % UInt64(stored.count))
                var fingerprint = stored[source]
                for _ in 0..<Int(random.next() % UInt64(maxDistance + 1)) { fingerprint ^= 1 << (random.next() % 64) }
                queries.append((fingerprint, Int64(source)))
            }
            return queries.map(\.planted)
        }, lookup: { number in
            let (found, compared) = index.lookup(queries[number].fingerprint, maxDistance: maxDistance)
            return (found.map(\.id), compared)
        }, scan: { number in
            index.linearScan(near: queries[number].fingerprint, maxDistance: maxDistance).map(\.id)
        }, lookups: lookups, scanLookups: scanLookups)
    }

    static func runMinHash(count: Int, options: DedupOptions, lookups: Int, scanLookups: Int) -> IndexFigures {
        var random = SplitMix64(seed: 0x5EED_5EED)
        let size = options.sketchSize
        let index = MinHashIndex(options: options)
        func sketch(_ seed: Int) -> [UInt32] {
            var generator = SplitMix64(seed: UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15)
            return (0..<size).map { position in
                let value = generator.next()
                let pooled = value & 1 == 0
                return UInt32(truncatingIfNeeded: pooled ? Hashing.mix(UInt64(position) << 8 | (value >> 1) % 12) : value >> 32)
            }
        }
        var queries: [(sketch: [UInt32], planted: Int64?)] = []
        return measure("MinHash LSH (\(options.lshBands) bands x \(options.lshRows) rows, min Jaccard \(options.minJaccard))",
                       count: count, insert: {
            for id in 0..<count { index.insert(id: Int64(id), sketch: sketch(id)) }
            for number in 0..<lookups {
                guard number % 2 == 0, count > 0 else {
                    queries.append((sketch(count + number), nil))
                    continue
                }
                let source = Int(random.next() % UInt64(count))
                let unrelated = sketch(-1 - number)
                let copy = zip(sketch(source), unrelated).map { random.next() % 10 < 7 ? $0 : $1 }
                queries.append((copy, Int64(source)))
            }
            return queries.map(\.planted)
        }, lookup: { number in
            let (found, compared) = index.lookup(queries[number].sketch, minSimilarity: options.minJaccard)
            return (found.map(\.id), compared)
        }, scan: { number in
            index.linearScan(for: queries[number].sketch, minSimilarity: options.minJaccard).map(\.id)
        }, lookups: lookups, scanLookups: scanLookups)
    }

    /// Times filling, the index lookups and the scans; `insert` fills the index and returns, per query, the
    /// stored id it was planted from; `lookup` returns the ids found and the entries compared.
    private static func measure(_ name: String, count: Int, insert: () -> [Int64?],
                                lookup: (Int) -> (ids: [Int64], compared: Int), scan: (Int) -> [Int64],
                                lookups: Int, scanLookups: Int) -> IndexFigures {
        let clock = ContinuousClock()
        let before = MemoryStatus.read()
        var planted: [Int64?] = []
        let insertTime = clock.measure { planted = insert() }
        let after = MemoryStatus.read()
        var results: [[Int64]] = []
        results.reserveCapacity(lookups)
        var compared = 0
        let lookupTime = clock.measure {
            for number in 0..<lookups {
                let (ids, candidates) = lookup(number)
                results.append(ids)
                compared += candidates
            }
        }
        let plantedFound = zip(planted, results).filter { source, ids in source.map(ids.contains) ?? false }.count
        let scanned = min(scanLookups, lookups)
        var scanResults: [[Int64]] = []
        let scanTime = clock.measure {
            for number in 0..<scanned { scanResults.append(scan(number)) }
        }
        let agreement = scanResults.indices.filter { Set(scanResults[$0]) == Set(results[$0]) }.count
        let lookupRate = Double(lookups) / max(lookupTime.seconds, 1e-9)
        let scanRate = Double(scanned) / max(scanTime.seconds, 1e-9)
        return IndexFigures(
            index: name, count: count, insertSeconds: insertTime.seconds, lookups: lookups,
            lookupSeconds: lookupTime.seconds, lookupsPerSecond: lookupRate,
            plantedQueries: planted.compactMap { $0 }.count, plantedFound: plantedFound,
            meanCandidates: Double(compared) / Double(max(lookups, 1)), scanLookups: scanned,
            scanSeconds: scanTime.seconds, scanLookupsPerSecond: scanRate, scanAgreement: agreement,
            speedup: lookupRate / max(scanRate, 1e-9), residentBeforeKB: before.residentKB,
            residentAfterKB: after.residentKB)
    }
}

/// `VmRSS` and `VmHWM` from `/proc/self/status` (Linux); zero where the file is absent.
struct MemoryStatus {
    var residentKB = 0
    var peakKB = 0

    static func read() -> MemoryStatus {
        var status = MemoryStatus()
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return status }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            if fields[0] == "VmRSS:" { status.residentKB = value }
            if fields[0] == "VmHWM:" { status.peakKB = value }
        }
        return status
    }
}

/// A small seeded generator, so benchmark and evaluation inputs are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Hashing.mix(state)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
