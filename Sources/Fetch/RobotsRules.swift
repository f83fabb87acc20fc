import Foundation
import SluiceCore

/// The rules of one robots.txt (RFC 9309) that apply to sluice: the groups naming our product token, combined,
/// or else the `*` groups, combined. The longest matching pattern wins; on a tie, `Allow` wins.
///
/// The file is read as bytes (section 2.2): records end at CR, LF or CR LF, a UTF-8 byte order mark at the start
/// is skipped, and only the first 500 KiB are read (section 2.5 asks for at least that much). Patterns and request
/// targets are compared in one percent-encoded form (section 2.2.2): octets outside ASCII encoded, escapes in
/// upper case, so `Disallow: /商品/` and `Disallow: /%e5%95%86` match the path a browser sends.
struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var allows: Bool
        /// In the compared form (see `RobotsRules.normalized`).
        var pattern: [UInt8]
    }

    var rules: [Rule]

    static let allowAll = RobotsRules(rules: [])
    static let disallowAll = RobotsRules(rules: [Rule(allows: false, pattern: Array("/".utf8))])
    static let parsedBytes = 500 * 1024

    init(rules: [Rule]) {
        self.rules = rules
    }

    init(parsing data: Data, productToken: String) {
        var bytes = [UInt8](data.prefix(Self.parsedBytes))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var named: [Rule] = []
        var wildcard: [Rule] = []
        var groupNamesUs = false
        var groupIsWildcard = false
        var groupHasRules = false
        var namedGroupSeen = false
        let token = Array(productToken.lowercased().utf8)
        for line in Self.records(bytes) {
            guard let (key, value) = Self.keyAndValue(line) else { continue }
            switch key {
            case "user-agent":
                if groupHasRules {
                    groupNamesUs = false
                    groupIsWildcard = false
                    groupHasRules = false
                }
                let agent = Self.productToken(value)
                if agent == token {
                    groupNamesUs = true
                    namedGroupSeen = true
                }
                if value == [UInt8(ascii: "*")] { groupIsWildcard = true }
            case "allow", "disallow":
                groupHasRules = true
                // An empty Disallow allows everything; it adds no rule.
                guard !value.isEmpty else { continue }
                let rule = Rule(allows: key == "allow", pattern: Self.normalized(value))
                if groupNamesUs { named.append(rule) }
                if groupIsWildcard { wildcard.append(rule) }
            default:
                continue
            }
        }
        rules = namedGroupSeen ? named : wildcard
    }

    /// Whether a request target (path with query, as the URL parser serializes it) may be fetched.
    func allows(_ target: String) -> Bool {
        let text = Self.normalized(Array(target.utf8))
        var best: Rule?
        for rule in rules where Self.matches(rule.pattern, text) {
            guard let current = best else {
                best = rule
                continue
            }
            if rule.pattern.count > current.pattern.count
                || (rule.pattern.count == current.pattern.count && rule.allows && !current.allows) {
                best = rule
            }
        }
        return best?.allows ?? true
    }

    /// Prefix match with `*` for any run of octets and a final `$` anchoring the end.
    static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        let anchored = pattern.last == UInt8(ascii: "$")
        let pieces = anchored ? pattern.dropLast() : pattern[...]
        // reachable[i]: the pattern so far can end at text index i.
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        for byte in pieces {
            if byte == UInt8(ascii: "*") {
                for index in 1..<reachable.count where reachable[index - 1] { reachable[index] = true }
            } else {
                for index in stride(from: text.count, through: 1, by: -1) {
                    reachable[index] = reachable[index - 1] && text[index - 1] == byte
                }
                reachable[0] = false
            }
        }
        return anchored ? reachable[text.count] : reachable.contains(true)
    }

    /// The one form patterns and paths are compared in: octets outside printable ASCII percent-encoded, the hex
    /// digits of every escape in upper case. Nothing is decoded, so `%2F` and `/` stay different, as RFC 9309's
    /// table of examples has them.
    static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, bytes[index + 1].isHexDigit, bytes[index + 2].isHexDigit {
                output += [byte, bytes[index + 1].upperHex, bytes[index + 2].upperHex]
                index += 3
                continue
            }
            if byte > 0x20 && byte < 0x7F {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
            index += 1
        }
        return output
    }

    /// Records split at CR, LF or CR LF; an empty record between CR and LF is never produced.
    private static func records(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
            }
            index += 1
        }
        lines.append(bytes[start...])
        return lines
    }

    /// The lower-cased key and the value of a `key: value` record, comment and surrounding white space removed.
    private static func keyAndValue(_ line: ArraySlice<UInt8>) -> (String, [UInt8])? {
        let content = line.prefix { $0 != UInt8(ascii: "#") }
        guard let colon = content.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let key = String(decoding: trimmed(content[..<colon]), as: UTF8.self).lowercased()
        return (key, Array(trimmed(content[(colon + 1)...])))
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
        return bytes[first...last]
    }

    /// The product token a user-agent value starts with (section 2.2.1: letters, `_` and `-`), lower-cased, so
    /// `sluice/1.0` and `Sluice (+https://…)` name sluice.
    private static func productToken(_ value: [UInt8]) -> [UInt8] {
        value.prefix { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }.map(\.asciiLowercased)
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }

    var upperHex: UInt8 { (0x61...0x66).contains(self) ? self - 0x20 : self }
}
