import SluiceDedup
@testable import SluiceMeasure
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
        #expect(report.simhash.plantedQueries == 1000)
        #expect(report.simhash.plantedFound == report.simhash.plantedQueries)
        #expect(report.simhash.scanAgreement == report.simhash.scanLookups)
        // LSH finds a 70%-similar copy with probability 1 - (1 - 0.7^3)^20 > 0.9999.
        #expect(report.minhash.plantedFound >= report.minhash.plantedQueries - 2)
        #expect(report.minhash.scanAgreement >= report.minhash.scanLookups - 1)
        #expect(report.minhash.meanCandidates < 200)
        #expect(report.simhash.residentAfterKB > 0 && report.residentPeakKB > 0)
        print(report)
    }
}

@Suite struct MinHashIndexTests {
    static func sketch(_ random: inout SeededRandom, size: Int) -> [UInt32] {
        (0..<size).map { _ in UInt32(truncatingIfNeeded: random.next()) }
    }

    @Test func findsSimilarSketchesLikeAScanAndAcrossTheMerge() {
        var random = SeededRandom(seed: 11)
        let index = MinHashIndex(bands: 20, rows: 3)
        var stored: [[UInt32]] = []
        for id in 0..<6000 {
            var sketch = Self.sketch(&random, size: 60)
            if id % 3 == 0, !stored.isEmpty {
                // A relative of an earlier sketch: 70% of its values shared.
                let parent = stored[random.below(stored.count)]
                sketch = zip(parent, sketch).map { random.chance(0.7) ? $0 : $1 }
            }
            stored.append(sketch)
            #expect(index.insert(id: Int64(id), sketch: sketch))
        }
        #expect(index.count == 6000)
        #expect(!index.insert(id: 1, sketch: [1, 2, 3]))
        var agreeing = 0, nonEmpty = 0
        for _ in 0..<200 {
            let query = stored[random.below(stored.count)]
            let viaIndex = Set(index.candidates(for: query, minSimilarity: 0.5).map(\.id))
            let viaScan = Set(index.linearScan(for: query, minSimilarity: 0.5).map(\.id))
            #expect(viaIndex.isSubset(of: viaScan))
            if viaIndex == viaScan { agreeing += 1 }
            if !viaIndex.isEmpty { nonEmpty += 1 }
        }
        // LSH may miss a pair near the threshold (probability 1 - (1 - 0.5^3)^20 of finding J = 0.5 is 0.93).
        #expect(agreeing >= 180)
        #expect(nonEmpty == 200)
    }
}
