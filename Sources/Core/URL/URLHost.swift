/// The host of an http or https URL, as the WHATWG URL Standard's host parser leaves it: a domain in its ASCII
/// (punycode) form, lower case, or an IP address as a number.
public enum URLHost: Sendable, Hashable {
    case domain(String)
    case ipv4(UInt32)
    case ipv6(UInt128)

    /// The form URLs carry, DNS asks for and the `Host` header sends: punycode, dotted decimal, `[v6]` compressed.
    public var serialized: String {
        switch self {
        case .domain(let name): name
        case .ipv4(let address): Self.dottedDecimal(address)
        case .ipv6(let address): "[\(Self.compressed(address))]"
        }
    }

    /// The host for people to read: international labels in Unicode when every character of the label is Han,
    /// kana, Hangul, Bopomofo or ASCII (the scripts of our readers, which mix legitimately: `qq音乐`); any other
    /// label stays in punycode, so a Cyrillic `а` posing as a Latin `a` is never shown as one (SECURITY.md 3).
    public var display: String {
        guard case .domain(let name) = self, name.contains("xn--") else { return serialized }
        return name.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            guard label.hasPrefix("xn--"), let unicode = IDNA.toUnicode(String(label)),
                  unicode.unicodeScalars.allSatisfy(Self.isShownInUnicode) else { return String(label) }
            return unicode
        }.joined(separator: ".")
    }

    private static func isShownInUnicode(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A, 0x2D, 0x5F: return true
        case 0x3040...0x30FF, 0x31F0...0x31FF: return true // kana
        case 0x3100...0x312F, 0x31A0...0x31BF: return true // Bopomofo
        case 0x1100...0x11FF, 0xAC00...0xD7AF: return true // Hangul
        case 0x3005, 0x3007: return true // 々 〇
        default: return scalar.properties.isIdeographic
        }
    }

    static func dottedDecimal(_ address: UInt32) -> String {
        (0..<4).map { String(address >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
    }

    /// RFC 5952 text, as the URL Standard serializes it: lower-case hex, the first longest run of two or more
    /// zero pieces as `::`, no embedded dotted quad.
    static func compressed(_ address: UInt128) -> String {
        let pieces = (0..<8).map { UInt16(truncatingIfNeeded: address >> (112 - 16 * $0)) }
        var longest: (start: Int, length: Int)?
        var index = 0
        while index < 8 {
            guard pieces[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && pieces[index] == 0 { index += 1 }
            if index - start >= 2 && index - start > (longest?.length ?? 0) { longest = (start, index - start) }
        }
        var text = ""
        var position = 0
        while position < 8 {
            if let longest, position == longest.start {
                text += position == 0 ? "::" : ":"
                position += longest.length
                continue
            }
            text += String(pieces[position], radix: 16)
            if position != 7 { text += ":" }
            position += 1
        }
        return text
    }
}

/// The URL Standard's host parser for special URLs, with sluice's stricter rules for names (see `HTTPURL`).
enum HostParser {
    static func parse(_ input: ArraySlice<Unicode.Scalar>, notes: inout [String]) throws(URLProblem.Reason) -> URLHost {
        let text = String(String.UnicodeScalarView(input))
        if input.first == "[" {
            guard input.last == "]", input.count >= 2 else { throw .invalidIPv6(text) }
            guard let address = IPv6Parser.parse(input.dropFirst().dropLast()) else { throw .invalidIPv6(text) }
            return .ipv6(address)
        }
        guard !input.isEmpty else { throw .missingHost }
        let domain = String(decoding: PercentEncoding.decode(Array(text.utf8)), as: UTF8.self)
        let ascii = try domainToASCII(domain, written: text)
        if ascii != text { notes.append(ascii == text.lowercased() ? "host lowercased" : "host to ASCII: \(text) → \(ascii)") }
        if let forbidden = ascii.unicodeScalars.first(where: isForbiddenInDomain) {
            throw .invalidHost(text, "it contains \(Self.describe(forbidden)), which a host cannot hold")
        }
        if endsInANumber(ascii) {
            guard let address = IPv4Parser.parse(ascii) else { throw .invalidIPv4(text) }
            if IPv4Parser.isDottedQuad(ascii) == false { notes.append("IPv4 address \(ascii) written as \(URLHost.dottedDecimal(address))") }
            return .ipv4(address)
        }
        try checkDNSName(ascii, written: text)
        return .domain(ascii)
    }

    /// UTS 46 ToASCII as the URL Standard uses it, through libidn2. An ASCII name without `xn--` labels only folds
    /// case (the Standard's own shortcut); other labels are mapped and checked one by one, split first at the dots
    /// UTS 46 maps to `.` (ideographic `。`, full-width `．`, half-width `｡`) so each label is judged alone.
    static func domainToASCII(_ domain: String, written: String) throws(URLProblem.Reason) -> String {
        let dots: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        var labels: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in domain.unicodeScalars {
            if dots.contains(scalar) {
                labels.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        labels.append(String(current))
        var result: [String] = []
        for label in labels {
            let isASCII = label.unicodeScalars.allSatisfy(\.isASCII)
            let lowered = isASCII ? label.lowercased() : label
            if isASCII && !lowered.hasPrefix("xn--") {
                result.append(lowered)
                continue
            }
            switch IDNA.toASCII(lowered) {
            case .success(let ascii): result.append(ascii)
            case .failure(let failure):
                throw .invalidHost(written, "the label \"\(label)\" is not a valid international domain label (\(failure.reason))")
            }
        }
        let ascii = result.joined(separator: ".")
        guard !ascii.isEmpty else { throw .missingHost }
        return ascii
    }

    /// The URL Standard's forbidden domain code points.
    static func isForbiddenInDomain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x23, 0x25, 0x2F, 0x3A, 0x3C, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x7C, 0x7F: true
        default: false
        }
    }

    /// The Standard's "ends in a number": the last label (a trailing dot aside) is digits, or reads as an IPv4 number.
    static func endsInANumber(_ host: String) -> Bool {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true {
            guard parts.count > 1 else { return false }
            parts.removeLast()
        }
        guard let last = parts.last, !last.isEmpty else { return false }
        if last.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        return IPv4Parser.number(last) != nil
    }

    /// What DNS can carry (deliberately stricter than the Standard): labels of letters, digits, `-` and `_`, none
    /// empty (one final dot aside), none starting or ending with `-`, at most 63 bytes, the name at most 253.
    static func checkDNSName(_ host: String, written: String) throws(URLProblem.Reason) {
        let name = host.hasSuffix(".") ? host.dropLast() : Substring(host)
        guard name.utf8.count <= 253 else { throw .invalidHost(written, "it is longer than 253 bytes") }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw .invalidHost(written, "it has an empty label") }
            guard label.utf8.count <= 63 else { throw .invalidHost(written, "the label \"\(label)\" is longer than 63 bytes") }
            if let other = label.unicodeScalars.first(where: { !(("a"..."z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_") }) {
                throw .invalidHost(written, "it contains \(describe(other)), which a host name cannot hold")
            }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else {
                throw .invalidHost(written, "the label \"\(label)\" starts or ends with a hyphen")
            }
        }
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        return scalar.value > 0x20 && scalar.value < 0x7F ? "\"\(scalar)\" (\(code))" : code
    }
}

/// The URL Standard's IPv4 parser: one to four parts, each decimal, octal (leading `0`) or hex (`0x`), the last
/// filling the bytes the others leave (`127.1`, `0x7f.1`, `2130706433` are all 127.0.0.1).
enum IPv4Parser {
    static func parse(_ host: String) -> UInt32? {
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true, parts.count > 1 { parts.removeLast() }
        guard parts.count <= 4 else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = number(part) else { return nil }
            numbers.append(number)
        }
        guard numbers.dropLast().allSatisfy({ $0 <= 255 }), let last = numbers.last,
              last < UInt64(1) << (8 * (5 - numbers.count)) else { return nil }
        var address = last
        for (index, number) in numbers.dropLast().enumerated() { address += number << (8 * (3 - index)) }
        return UInt32(address)
    }

    /// One part as a number; nil when it is not one. Values past 2^32 stay large enough to be refused.
    static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        var digits = part
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.count >= 2 && digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        var value: UInt64 = 0
        for scalar in digits.unicodeScalars {
            guard let digit = PercentEncoding.hexValue(scalar), UInt64(digit) < radix else { return nil }
            value = min(value * radix + UInt64(digit), UInt64(1) << 40)
        }
        return value
    }

    static func isDottedQuad(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } && (part == "0" || !part.hasPrefix("0"))
        }
    }
}

/// The URL Standard's IPv6 parser: eight 16-bit pieces, one `::` run, an optional dotted quad at the end.
enum IPv6Parser {
    static func parse(_ input: ArraySlice<Unicode.Scalar>) -> UInt128? {
        let text = Array(input)
        var pieces = [UInt16](repeating: 0, count: 8)
        var pieceIndex = 0
        var compress: Int?
        var pointer = 0
        func at(_ index: Int) -> Unicode.Scalar? { index < text.count ? text[index] : nil }
        if at(0) == ":" {
            guard at(1) == ":" else { return nil }
            pointer = 2
            pieceIndex = 1
            compress = 1
        }
        while let character = at(pointer) {
            guard pieceIndex < 8 else { return nil }
            if character == ":" {
                guard compress == nil else { return nil }
                pointer += 1
                pieceIndex += 1
                compress = pieceIndex
                continue
            }
            var value: UInt16 = 0
            var length = 0
            while length < 4, let digit = at(pointer).flatMap(PercentEncoding.hexValue) {
                value = value << 4 | UInt16(digit)
                pointer += 1
                length += 1
            }
            if at(pointer) == "." {
                guard length > 0, pieceIndex <= 6 else { return nil }
                pointer -= length
                var numbersSeen = 0
                while at(pointer) != nil {
                    if numbersSeen > 0 {
                        guard at(pointer) == ".", numbersSeen < 4 else { return nil }
                        pointer += 1
                    }
                    guard let first = at(pointer), ("0"..."9").contains(first) else { return nil }
                    var piece: Int?
                    while let digit = at(pointer), ("0"..."9").contains(digit) {
                        let number = Int(digit.value - 0x30)
                        if let current = piece {
                            guard current != 0 else { return nil }
                            piece = current * 10 + number
                        } else {
                            piece = number
                        }
                        guard (piece ?? 0) <= 255 else { return nil }
                        pointer += 1
                    }
                    pieces[pieceIndex] = pieces[pieceIndex] << 8 | UInt16(piece ?? 0)
                    numbersSeen += 1
                    if numbersSeen == 2 || numbersSeen == 4 { pieceIndex += 1 }
                }
                guard numbersSeen == 4 else { return nil }
                break
            } else if at(pointer) == ":" {
                pointer += 1
                guard at(pointer) != nil else { return nil }
            } else if at(pointer) != nil {
                return nil
            }
            pieces[pieceIndex] = value
            pieceIndex += 1
        }
        if let compress {
            var swaps = pieceIndex - compress
            pieceIndex = 7
            while pieceIndex != 0 && swaps > 0 {
                pieces.swapAt(pieceIndex, compress + swaps - 1)
                pieceIndex -= 1
                swaps -= 1
            }
        } else if pieceIndex != 8 {
            return nil
        }
        return pieces.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}
