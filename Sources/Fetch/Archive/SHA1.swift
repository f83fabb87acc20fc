import Foundation

/// SHA-1 (FIPS 180-4 §6.1) and the `sha1:BASE32` form WARC digests take (WARC 1.1 §5.8, §5.9).
///
/// Only for `WARC-Block-Digest` and `WARC-Payload-Digest`, which WARC readers such as warcio and pywb check
/// as SHA-1 by convention; nothing in sluice relies on SHA-1 for security.
enum SHA1 {
    /// The 20-byte digest of `data`.
    static func digest(_ data: Data) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
        let whole = data.count / 64 * 64
        data.withUnsafeBytes { bytes in
            for start in stride(from: 0, to: whole, by: 64) { compress(&state, UnsafeRawBufferPointer(rebasing: bytes[start..<start + 64])) }
        }
        var tail = [UInt8](data[data.startIndex + whole..<data.endIndex])
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        let bits = UInt64(data.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        tail.withUnsafeBytes { bytes in
            for start in stride(from: 0, to: bytes.count, by: 64) { compress(&state, UnsafeRawBufferPointer(rebasing: bytes[start..<start + 64])) }
        }
        return [state.0, state.1, state.2, state.3, state.4].flatMap { word in
            [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word)]
        }
    }

    /// `sha1:` and the digest in RFC 4648 base32, as WARC records carry it.
    static func warcDigest(_ data: Data) -> String { "sha1:" + base32(digest(data)) }

    /// Whether `declared` (`sha1:` and base32 or hex, as WARC tools write it) is the digest of `data`; nil
    /// when it names another algorithm, which we do not check.
    static func matches(_ declared: String, _ data: Data) -> Bool? {
        guard let colon = declared.firstIndex(of: ":"), declared[..<colon].lowercased() == "sha1" else { return nil }
        let value = declared[declared.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let digest = digest(data)
        if value.count == 40 { return value.lowercased() == digest.map { String(format: "%02x", $0) }.joined() }
        return value.uppercased() == base32(digest)
    }

    /// RFC 4648 §6 base32 with padding (none is needed for the 20 bytes of a SHA-1 digest).
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var text = ""
        var buffer = 0
        var bitsInBuffer = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bitsInBuffer += 8
            while bitsInBuffer >= 5 {
                bitsInBuffer -= 5
                text.append(alphabet[(buffer >> bitsInBuffer) & 31])
            }
        }
        if bitsInBuffer > 0 { text.append(alphabet[(buffer << (5 - bitsInBuffer)) & 31]) }
        while text.count % 8 != 0 { text.append("=") }
        return text
    }

    /// One 64-byte block (FIPS 180-4 §6.1.2).
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32, UInt32), _ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { schedule in
            for index in 0..<16 {
                let at = index * 4
                schedule[index] = UInt32(block[at]) << 24 | UInt32(block[at + 1]) << 16 | UInt32(block[at + 2]) << 8 | UInt32(block[at + 3])
            }
            for index in 16..<80 {
                schedule[index] = rotate(schedule[index - 3] ^ schedule[index - 8] ^ schedule[index - 14] ^ schedule[index - 16], 1)
            }
            var (a, b, c, d, e) = state
            for index in 0..<80 {
                let mixed: UInt32
                let constant: UInt32
                switch index {
                case 0..<20: (mixed, constant) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (mixed, constant) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (mixed, constant) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (mixed, constant) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let next = rotate(a, 5) &+ mixed &+ e &+ constant &+ schedule[index]
                (e, d, c, b, a) = (d, c, rotate(b, 30), a, next)
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
        }
    }

    private static func rotate(_ word: UInt32, _ count: UInt32) -> UInt32 { word << count | word >> (32 - count) }
}
