import Foundation
import Testing
import SluiceCore

/// Bodies as the store keeps them: zstd frames over the real libzstd, with earlier releases' zlib rows still read.
@Suite("Stored bodies")
struct StoredBodyTests {
    /// Bytes that do not compress away, so a frame holds real blocks: a fixed-seed generator, not the clock.
    private static func noise(_ count: Int) -> Data {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return Data((0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        })
    }

    @Test func roundTripsAndRefusesWhatDoesNotDecodeToTheRecordedSize() throws {
        let page = Data(String(repeating: "<p>闲鱼无货源副业：三个月真实复盘。</p>\n", count: 2_000).utf8) + Self.noise(50_000)
        let stored = try StoredBody(compressing: page)
        #expect(stored.encoding == "zstd" && stored.size == page.count)
        #expect(stored.bytes.count < page.count / 2)
        #expect(try stored.decoded() == page)
        #expect(try StoredBody(compressing: Data()).decoded() == Data())

        var shorter = stored
        shorter.size = page.count - 1
        #expect(throws: CompressionError.self) { try shorter.decoded() }
        var longer = stored
        longer.size = page.count + 1
        #expect(throws: CompressionError.self) { try longer.decoded() }
        var damaged = stored
        damaged.bytes[damaged.bytes.count / 2] ^= 0x40
        #expect(throws: CompressionError.self) { try damaged.decoded() }
        var cut = stored
        cut.bytes = stored.bytes.prefix(stored.bytes.count - 1)
        #expect(throws: CompressionError.self) { try cut.decoded() }
        #expect(throws: CompressionError.self) { try StoredBody(bytes: page, encoding: "zstd", size: page.count).decoded() }
        #expect(throws: CompressionError.self) { try StoredBody(bytes: stored.bytes, encoding: "zstd", size: nil).decoded() }
        #expect(throws: CompressionError.self) { try StoredBody(bytes: stored.bytes, encoding: "br", size: page.count).decoded() }
        #expect(try StoredBody(bytes: page, encoding: nil, size: nil).decoded() == page)
    }

    /// The parse worker compresses the fetch outcome's body, so what waits for the writer holds it once, small.
    @Test func anOutcomeCarriesItsBodyCompressedNotTwice() throws {
        let body = Data(String(repeating: "<p>淘宝客返利的账本</p>", count: 3_000).utf8)
        let capture = Capture(requestedURL: "https://example.com/a", finalURL: "https://example.com/a", redirectChain: [],
                              status: 200, headers: [], contentType: "text/html", body: body, text: nil, charset: "utf-8",
                              charsetBasis: .header, problem: nil, attempts: [], fetchedAt: Date(timeIntervalSince1970: 0))
        var outcome = StageOutcome(itemID: 1, from: .submitted, to: .fetched, stage: .fetch, capture: capture)
        outcome.compressBody()
        #expect(outcome.capture?.body.isEmpty == true)
        let stored = try #require(outcome.storedBody)
        #expect(try stored.decoded() == body)
        outcome.compressBody()
        #expect(outcome.storedBody == stored, "a second call leaves the compressed body alone")

        var withoutCapture = StageOutcome(itemID: 2, from: .parsed, to: .deduplicated, stage: .dedup)
        withoutCapture.compressBody()
        #expect(withoutCapture.storedBody == nil)
    }
}
