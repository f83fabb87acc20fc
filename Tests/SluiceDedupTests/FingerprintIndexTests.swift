import SluiceDedup
import Testing

@Suite struct FingerprintIndexTests {
    @Test func findsExactlyWhatAScanFinds() {
        var random = SeededRandom(seed: 7)
        let index = FingerprintIndex(maxDistance: 3)
        var stored: [UInt64] = []
        for id in 0..<5000 {
            // Clustered values so many fingerprints lie within a few bits of each other.
            let fingerprint = id % 5 == 0 || stored.isEmpty ? random.next() : stored[random.below(stored.count)] ^ (1 << UInt64(random.below(64)))
            stored.append(fingerprint)
            index.insert(id: Int64(id), fingerprint: fingerprint)
        }
        #expect(index.count == 5000)
        var nonEmpty = 0
        for _ in 0..<300 {
            let query = stored[random.below(stored.count)] ^ (1 << UInt64(random.below(64))) ^ (1 << UInt64(random.below(64)))
            let viaIndex = index.candidates(near: query, maxDistance: 3)
            let viaScan = index.linearScan(near: query, maxDistance: 3)
            #expect(viaIndex.map(\.id).sorted() == viaScan.map(\.id).sorted())
            #expect(Set(viaIndex.map(\.id)).count == viaIndex.count, "each item reported once")
            if !viaIndex.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty == 300)
    }

    @Test func largerDistancesFallBackToTheScan() {
        let index = FingerprintIndex(maxDistance: 2)
        index.insert(id: 1, fingerprint: 0)
        index.insert(id: 2, fingerprint: 0b1_1111)
        #expect(index.candidates(near: 0, maxDistance: 2).map(\.id) == [1])
        #expect(index.candidates(near: 0, maxDistance: 5).map(\.id) == [1, 2])
        #expect(index.candidates(near: 0, maxDistance: 5).map(\.distance) == [0, 5])
    }

    /// Correctness of the benchmark's own checks on a small run; its speed figures are printed, not asserted.
    @Test func benchmarkFindsEveryPlantedNearDuplicate() {
        let report = DedupBenchmark.run(count: 20_000, lookups: 2000, scanLookups: 50)
        #expect(report.plantedQueries == 1000)
        #expect(report.plantedFound == report.plantedQueries)
        #expect(report.scanAgreement == report.scanLookups)
        #expect(report.residentAfterKB > 0)
        print(report)
    }
}
