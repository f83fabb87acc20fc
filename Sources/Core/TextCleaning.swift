/// Cleaning of untrusted text before it is stored. Output for a particular medium (terminal, HTML,
/// Markdown, XML) is escaped again at that boundary; this only removes what no medium should carry.
public enum TextCleaning {
    /// Characters that reorder or hide text (Trojan Source) and zero-width runs.
    public static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0x061C, 0xFEFF, 0x180E:
            true
        default:
            false
        }
    }

    /// C0 controls, DEL and C1 controls.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Unicode's White_Space set spelled out: the property lookup is slow and runs on every character.
    public static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// A one-line field (title, site, author): C0 controls read as white space (pages use them as
    /// separators), other controls and invisible characters removed, every run of white space folded to
    /// one space, trimmed, then cut to `limit` characters on a grapheme boundary.
    public static func line(_ text: String, limit: Int = 512) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || isWhiteSpace(scalar) {
                pendingSpace = !output.isEmpty
                continue
            }
            if scalar.value >= 0x7F, isControl(scalar) || isInvisibleControl(scalar) { continue }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            if scalar.value < 0x80 {
                output.append(UInt8(scalar.value))
            } else {
                output.append(contentsOf: scalar.utf8)
            }
        }
        return truncate(String(decoding: output, as: UTF8.self), to: limit)
    }

    /// A multi-line field (main text, notes): paragraphs kept, separated by one blank line, each
    /// paragraph cleaned like `line`; cut to `limit` characters.
    public static func paragraphs(_ text: String, limit: Int = 200_000) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let kept = normalized.split(separator: "\n", omittingEmptySubsequences: true)
            .map { line(String($0), limit: limit) }
            .filter { !$0.isEmpty }
        return truncate(kept.joined(separator: "\n\n"), to: limit)
    }

    /// Cuts to at most `limit` characters (grapheme clusters), never inside one.
    /// Untrusted text inside a message: controls and invisible characters shown as escapes, cut, in quotes.
    public static func quoted(_ text: String) -> String {
        let visible = text.unicodeScalars.map { scalar -> String in
            isControl(scalar) || isInvisibleControl(scalar) ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
        return "\"\(truncate(visible, to: 120))\""
    }

    public static func truncate(_ text: String, to limit: Int) -> String {
        // No more UTF-8 bytes than the limit means no more characters: counting characters is slow.
        guard limit >= 0, text.utf8.count > limit, text.count > limit else { return text }
        return String(text.prefix(limit))
    }
}
