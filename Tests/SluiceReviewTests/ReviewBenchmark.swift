import Foundation
import Testing
import SluiceCore
import SluiceTestSupport
@testable import SluiceReview

/// Figures, not assertions: how fast the terminal boundary is on the real Chinese pages of the shared corpus,
/// against Core's `TextCleaning` (a similar one-pass scan over every scalar) measured in the same run.
/// Run with `SLUICE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter ReviewBenchmark`.
@Suite struct ReviewBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["SLUICE_BENCH"] != nil && SharedCorpus.directory != nil

    /// Best of five runs, in seconds.
    static func time(_ body: () -> Int) -> (seconds: Double, checksum: Int) {
        var best = Double.infinity
        var checksum = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            checksum = body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (best, checksum)
    }

    static func report(_ name: String, bytes: Int, _ measured: (seconds: Double, checksum: Int), reference: Double) {
        let rate = Double(bytes) / measured.seconds / 1e6
        print(String(format: "%@: %.1f MB/s, %.2f× the reference time (checksum %d)", name, rate,
                     measured.seconds / reference, measured.checksum))
    }

    @Test(.enabled(if: enabled)) func terminalBoundaryOnRealPages() throws {
        let cards = Fixtures.corpusCards(limit: 200)
        let directory = try #require(SharedCorpus.directory)
        let bodies = Fixtures.corpusRows(directory).compactMap { $0["body"] as? String }
        let bytes = bodies.reduce(0) { $0 + $1.utf8.count }
        print("corpus: \(bodies.count) Chinese bodies, \(bytes) bytes; \(cards.count) cards")

        let reference = Self.time { bodies.reduce(0) { $0 + TextCleaning.paragraphs($1).utf8.count } }
        Self.report("reference TextCleaning.paragraphs", bytes: bytes, reference, reference: reference.seconds)
        Self.report("TerminalText.sanitize", bytes: bytes,
                    Self.time { bodies.reduce(0) { $0 + TerminalText.sanitize($1).utf8.count } },
                    reference: reference.seconds)
        Self.report("TerminalText.wrap at 80 columns", bytes: bytes,
                    Self.time { bodies.reduce(0) { $0 + TerminalText.wrap($1, columns: 80).count } },
                    reference: reference.seconds)

        let renderer = CardRenderer(width: 80, height: 21)
        let frames = Self.time { cards.reduce(0) { $0 + renderer.lines(for: $1).count } }
        print(String(format: "CardRenderer 80×21: %.0f µs a card (%d cards)", frames.seconds / Double(cards.count) * 1e6,
                     cards.count))

        let hostile = String(repeating: "暴利\u{1B}[1A躺赚\u{202E}", count: 1_000)
        let titles = Array(repeating: hostile, count: 100)
        let titleBytes = hostile.utf8.count * titles.count
        let lineReference = Self.time { titles.reduce(0) { $0 + TextCleaning.line($1).count } }
        Self.report("reference TextCleaning.line on a \(hostile.utf8.count)-byte hostile title", bytes: titleBytes,
                    lineReference, reference: lineReference.seconds)
        Self.report("TerminalText.fit of it to 80 columns", bytes: titleBytes,
                    Self.time { titles.reduce(0) { $0 + TerminalText.fit($1, columns: 80).count } },
                    reference: lineReference.seconds)
    }
}
