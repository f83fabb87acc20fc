import Foundation
import Testing
import SluiceCore

/// Raw deflate and CRC-32 as ZIP entries use them, over the real zlib.
@Suite("Raw deflate")
struct RawDeflateTests {
    @Test func roundTripsAndChecksTheDeclaredSize() throws {
        let text = Data(String(repeating: "序号,链接,备注\n1,https://a.example/,复盘\n", count: 500).utf8)
        let packed = try RawDeflate.deflate(text)
        #expect(packed.count < text.count / 10)
        #expect(packed.prefix(2) != Data([0x78, 0x9C]), "no zlib header")
        #expect(try RawDeflate.inflate(packed, expectedSize: text.count) == text)
        #expect(throws: CompressionError.self) { try RawDeflate.inflate(packed, expectedSize: text.count - 1) }
        #expect(throws: CompressionError.self) { try RawDeflate.inflate(packed, expectedSize: text.count + 1) }
        #expect(throws: CompressionError.self) { try RawDeflate.inflate(packed.prefix(packed.count / 2), expectedSize: text.count) }
        #expect(throws: CompressionError.self) { try RawDeflate.inflate(Data([0xFF, 0xFF, 0xFF, 0xFF]), expectedSize: 10) }
    }

    @Test func crc32IsTheISO3309Checksum() {
        // The check value every CRC-32 specification quotes for "123456789".
        #expect(RawDeflate.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(RawDeflate.crc32(Data()) == 0)
    }
}
