import Foundation

/// The secrets sluice hands out (volunteers' invitation tokens, the column's member token) and checks on
/// every request. Only a token's SHA-256 is stored; comparisons take the same time whatever the bytes, so
/// a client timing answers learns nothing about a secret.
public enum Secrets {
    /// A new random token of `bytes` bytes (at least 16: 128 bits) from the system's cryptographic generator
    /// (getrandom on Linux), as unpadded base64url: safe in a URL path, a header and a cookie.
    public static func token(bytes: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<max(16, bytes)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(raw)
    }

    /// The SHA-256 of a token as 64 lowercase hex digits: what the store keeps instead of the token.
    public static func hash(_ token: String) -> String {
        SHA256.hex(Data(token.utf8))
    }

    /// Whether two byte strings are equal, in time that depends on their lengths only.
    public static func equal<Left: Collection<UInt8>, Right: Collection<UInt8>>(_ left: Left, _ right: Right) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        var rightIndex = right.startIndex
        for byte in left {
            let other: UInt8
            if rightIndex < right.endIndex {
                other = right[rightIndex]
                rightIndex = right.index(after: rightIndex)
            } else {
                other = ~byte
            }
            difference |= byte ^ other
        }
        return difference == 0 && left.count == right.count
    }

    /// `equal` over the UTF-8 of two strings.
    public static func equal(_ left: String, _ right: String) -> Bool {
        equal(Array(left.utf8), Array(right.utf8))
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`: the signature of the web forms' CSRF tokens.
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? SHA256.digest(Data(key)) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = SHA256()
        inner.update(Data(block.map { $0 ^ 0x36 }))
        inner.update(Data(message))
        var outer = SHA256()
        outer.update(Data(block.map { $0 ^ 0x5C }))
        outer.update(Data(inner.finalize()))
        return outer.finalize()
    }

    /// Unpadded base64url (RFC 4648 §5).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
