import Foundation

/// Figures from one benchmark run; every speed is compared with a linear scan measured in the same run.
public struct DedupBenchmarkReport: Codable, Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    public var maxDistance: Int
    public var insertSeconds: Double
    public var lookups: Int
    public var lookupSeconds: Double
    public var lookupsPerSecond: Double
    /// Queries made from a stored fingerprint with up to `maxDistance` bits flipped, and how many found it.
    public var plantedQueries: Int
    public var plantedFound: Int
    public var scanLookups: Int
    public var scanSeconds: Double
    public var scanLookupsPerSecond: Double
    /// Scanned queries whose index result equals the scan's result.
    public var scanAgreement: Int
    public var speedup: Double
    /// Resident memory (kB, `VmRSS`) before filling the index and after, and the peak (`VmHWM`).
    public var residentBeforeKB: Int
    public var residentAfterKB: Int
    public var residentPeakKB: Int

    public var description: String {
        func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        return """
            dedup benchmark: \(count) fingerprints, max distance \(maxDistance) (\(maxDistance + 1) blocks)
              insert:       \(fixed(insertSeconds, 2)) s (\(fixed(Double(count) / max(insertSeconds, 1e-9), 0)) inserts/s)
              index lookup: \(lookups) lookups in \(fixed(lookupSeconds, 3)) s = \(fixed(lookupsPerSecond, 0)) lookups/s; \
            planted near-duplicates found \(plantedFound)/\(plantedQueries)
              linear scan:  \(scanLookups) lookups in \(fixed(scanSeconds, 3)) s = \(fixed(scanLookupsPerSecond, 1)) lookups/s; \
            index agrees with scan on \(scanAgreement)/\(scanLookups)
              speedup:      \(fixed(speedup, 0))x faster than the scan
              memory:       VmRSS \(residentBeforeKB / 1024) MB before, \(residentAfterKB / 1024) MB after \
            (+\((residentAfterKB - residentBeforeKB) / 1024) MB), VmHWM \(residentPeakKB / 1024) MB
            """
    }
}

/// Inserts `count` random fingerprints and looks up planted near-duplicates and random misses, through the
/// index and through a linear scan, in one run.
public enum DedupBenchmark {
    public static func run(count: Int, maxDistance: Int = DedupOptions.default.maxHammingDistance,
                           lookups: Int = 20_000, scanLookups: Int = 200) -> DedupBenchmarkReport {
        var random = SplitMix64(seed: 0xD0D0_CAFE)
        let before = MemoryStatus.read()
        let index = FingerprintIndex(maxDistance: maxDistance)
        let clock = ContinuousClock()
        var stored: [UInt64] = []
        stored.reserveCapacity(count)
        let insertTime = clock.measure {
            for id in 0..<count {
                let fingerprint = random.next()
                stored.append(fingerprint)
                index.insert(id: Int64(id), fingerprint: fingerprint)
            }
        }
        let after = MemoryStatus.read()

        var queries: [(fingerprint: UInt64, planted: Int64?)] = []
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
        var found = 0, planted = 0
        var results: [[(id: Int64, distance: Int)]] = []
        results.reserveCapacity(queries.count)
        let lookupTime = clock.measure {
            for query in queries { results.append(index.candidates(near: query.fingerprint, maxDistance: maxDistance)) }
        }
        for (query, result) in zip(queries, results) {
            guard let source = query.planted else { continue }
            planted += 1
            if result.contains(where: { $0.id == source }) { found += 1 }
        }

        let scanned = min(scanLookups, queries.count)
        var agreement = 0
        var scanResults: [[(id: Int64, distance: Int)]] = []
        let scanTime = clock.measure {
            for query in queries.prefix(scanned) {
                scanResults.append(index.linearScan(near: query.fingerprint, maxDistance: maxDistance))
            }
        }
        for (position, scanResult) in scanResults.enumerated()
        where Set(scanResult.map(\.id)) == Set(results[position].map(\.id)) { agreement += 1 }

        let lookupSeconds = lookupTime.seconds
        let scanSeconds = scanTime.seconds
        let lookupRate = Double(queries.count) / max(lookupSeconds, 1e-9)
        let scanRate = Double(scanned) / max(scanSeconds, 1e-9)
        return DedupBenchmarkReport(
            count: count, maxDistance: maxDistance, insertSeconds: insertTime.seconds, lookups: queries.count,
            lookupSeconds: lookupSeconds, lookupsPerSecond: lookupRate, plantedQueries: planted,
            plantedFound: found, scanLookups: scanned, scanSeconds: scanSeconds, scanLookupsPerSecond: scanRate,
            scanAgreement: agreement, speedup: lookupRate / max(scanRate, 1e-9),
            residentBeforeKB: before.residentKB, residentAfterKB: after.residentKB,
            residentPeakKB: MemoryStatus.read().peakKB)
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
