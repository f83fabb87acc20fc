/// Percent-encoding as the URL Standard defines it (the encode sets of each URL part, UTF-8 percent-encode,
/// percent-decode), and the RFC 3986 normalization the dedup key adds on top.
public enum PercentEncoding {
    /// The URL Standard's percent-encode sets for the parts of a special URL.
    enum EncodeSet {
        case path, specialQuery, fragment

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            if value < 0x20 || value > 0x7E { return true }
            switch (self, value) {
            case (_, 0x20), (_, 0x22), (_, 0x3C), (_, 0x3E): return true
            case (.fragment, 0x60): return true
            case (.path, 0x23), (.specialQuery, 0x23): return true
            case (.specialQuery, 0x27): return true
            case (.path, 0x3F), (.path, 0x60), (.path, 0x7B), (.path, 0x7D): return true
            default: return false
            }
        }
    }

    /// UTF-8 percent-encode: the scalar as itself, or each of its UTF-8 bytes as `%XX`.
    static func append(_ scalar: Unicode.Scalar, encoding set: EncodeSet, to output: inout String) {
        guard set.contains(scalar) else {
            output.unicodeScalars.append(scalar)
            return
        }
        for byte in String(scalar).utf8 { appendEscape(byte, to: &output) }
    }

    /// Percent-decode: `%XX` with two hex digits becomes its byte; anything else stays as it is.
    public static func decode(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    public static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    /// What the dedup key leaves unescaped in each part (RFC 3986 section 3).
    public static let pathCharacters = unreserved.union("!$&'()*+,;=:@/".utf8)
    public static let queryNameCharacters = unreserved.union("!$'()*+,;:@/?".utf8)
    public static let queryValueCharacters = queryNameCharacters.union("=".utf8)
    public static let fragmentCharacters = pathCharacters.union("?#".utf8)

    /// RFC 3986 section 6.2.2 normalization: encoded unreserved characters decoded, other escapes in upper case,
    /// characters outside `allowed` encoded as UTF-8, and a stray `%` encoded as `%25`.
    public static func normalize(_ text: String, allowed: Set<UInt8>) -> String {
        let bytes = Array(text.utf8)
        var output = ""
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                let decoded = high << 4 | low
                if unreserved.contains(decoded) {
                    output.unicodeScalars.append(Unicode.Scalar(decoded))
                } else {
                    appendEscape(decoded, to: &output)
                }
                index += 3
                continue
            }
            if allowed.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                appendEscape(byte, to: &output)
            }
            index += 1
        }
        return output
    }

    static func appendEscape(_ byte: UInt8, to output: inout String) {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        output.unicodeScalars.append("%")
        output.unicodeScalars.append(digits[Int(byte >> 4)])
        output.unicodeScalars.append(digits[Int(byte & 0xF)])
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt8? {
        scalar.isASCII ? hexValue(UInt8(scalar.value)) : nil
    }
}
