import Foundation
import Testing
import SluiceCore
import SluiceFetch
import SluiceTestSupport

/// Prints WARC write/read throughput for every corpus page as a capture, against writing and reading the same
/// bodies as one plain file in the same run. Runs only when asked, in release:
/// `SLUICE_BENCH=1 swift test -c release --filter ArchiveBenchmark`.
@Suite struct ArchiveBenchmark {
    static let requested = ProcessInfo.processInfo.environment["SLUICE_BENCH"] != nil && SharedCorpus.directory != nil

    @Test(.enabled(if: requested, "set SLUICE_BENCH=1 (and have ../shared/corpus) to print archive figures"))
    func printFigures() throws {
        let corpus = try #require(SharedCorpus.directory)
        var captures: [Capture] = []
        for set in try FileManager.default.contentsOfDirectory(atPath: corpus.path) where !set.contains(".") {
            let directory = corpus.appendingPathComponent(set)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".html") {
                var capture = sampleCapture()
                capture.body = try Data(contentsOf: directory.appendingPathComponent(name))
                capture.finalURL = "https://corpus.invalid/\(set)/\(name)"
                capture.redirectChain = [capture.finalURL]
                captures.append(capture)
            }
        }
        let bytes = captures.reduce(0) { $0 + $1.body.count }
        let scratch = try ScratchDirectory()
        let clock = ContinuousClock()
        let plainPath = scratch.path("bodies.bin")
        let reference = clock.measure {
            var all = Data()
            for capture in captures { all.append(capture.body) }
            try? all.write(to: URL(fileURLWithPath: plainPath))
            _ = FileManager.default.contents(atPath: plainPath)
        }
        let gzipCommand = try clock.measure {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-6", "-k", "-f", plainPath]
            try process.run()
            process.waitUntilExit()
        }
        var lines = [String(format: "%d pages, %.2f MB of bodies; plain write+read of the bodies: %.3f s; "
                            + "gzip -6 command on them: %.3f s",
                            captures.count, Double(bytes) / 1e6, reference.seconds, gzipCommand.seconds)]
        for gzip in [false, true] {
            let path = scratch.path(gzip ? "all.warc.gz" : "all.warc")
            let write = try clock.measure {
                let writer = try WARCWriter(path: path, gzip: gzip)
                for capture in captures { try writer.write(capture) }
                try writer.close()
            }
            var records = 0
            let read = try clock.measure { records = try WARCReader(path: path).records().count }
            var replayed = 0
            let replay = try clock.measure {
                let archive = try ReplayArchive(path: path)
                replayed = captures.filter { archive.capture(for: $0.finalURL) != nil }.count
            }
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            lines.append(String(format: "%@: file %.2f MB (%.0f%% of bodies); write %.3f s (%.1f MB/s, %.2fx plain, %.2fx gzip command); "
                                + "read %d records %.3f s (%.1f MB/s); replay index + %d lookups %.3f s",
                                gzip ? "warc.gz" : "warc", Double(size) / 1e6, 100 * Double(size) / Double(bytes),
                                write.seconds, Double(bytes) / 1e6 / write.seconds, write.seconds / reference.seconds,
                                write.seconds / gzipCommand.seconds,
                                records, read.seconds, Double(bytes) / 1e6 / read.seconds, replayed, replay.seconds))
        }
        print(lines.joined(separator: "\n"))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
