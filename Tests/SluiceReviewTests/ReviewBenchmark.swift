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

/// Figures, not assertions: what one page of the review queue costs on a store with a long queue, the claim
/// filter and limit in SQL (`reviewQueue`) against reading the whole queue and filtering it in Swift.
/// Run with `SLUICE_BENCH=1 swift test --filter ReviewQueueBenchmark`.
@Suite struct ReviewQueueBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SLUICE_BENCH"] != nil))
    func aPageOfALongQueue() throws {
        let count = 2_000
        let items = try ReviewStore(cards: [])
        for number in 1...count {
            try items.add(Fixtures.card(Int64(number), title: "第\(number)条副业消息", priority: Double(number % 97) / 97))
        }
        for id in stride(from: Int64(1), through: Int64(count), by: 3) {
            try items.store.claim(itemID: id, moderator: "bob")
        }
        let backend = try items.backend()
        let page = ReviewBenchmark.time { (try? items.store.reviewQueue(moderator: "alice", limit: 20).count) ?? 0 }
        let whole = ReviewBenchmark.time {
            ((try? items.store.records(state: .pendingReview)) ?? []).filter { $0.claimedBy == nil }.prefix(20).count
        }
        let cards = ReviewBenchmark.time { (try? backend.nextCards(moderator: "alice", limit: 20).count) ?? 0 }
        print(String(format: "%d pending, a third claimed by another: reviewQueue(limit 20) %.1f ms; whole queue filtered "
                     + "in Swift %.1f ms; nextCards(20) with history lines %.1f ms", count, page.seconds * 1e3,
                     whole.seconds * 1e3, cards.seconds * 1e3))
    }
}
