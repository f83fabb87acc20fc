import Foundation
import SluiceCore

/// Escaping of untrusted text for each output medium, in one place per medium, so a title or a note from a
/// volunteer or a web page can never become markup, a link or a control sequence in what we emit.
///
/// Every function first removes what no medium should carry: C0 controls (except line feed and tab where
/// the medium keeps lines), DEL, C1 controls, bidi overrides and zero-width characters (Trojan Source), and
/// the noncharacters U+FFFE/U+FFFF. Swift strings hold only Unicode scalars, so lone surrogates cannot occur.
public enum Escape {
    /// One line of untrusted text as Markdown that reads back as exactly that text (see `MarkdownEscaper`):
    /// only what CommonMark would read as markup at `position` is escaped, so no emphasis, code, link,
    /// image, raw HTML, entity or new block can come from the text.
    public static func markdown(_ text: String, at position: MarkdownPosition = .blockStart) -> String {
        MarkdownEscaper.escape(text, at: position)
    }

    /// Multi-line untrusted text as Markdown paragraphs, each escaped like `markdown` at a block start.
    public static func markdownParagraphs(_ text: String) -> String {
        paragraphs(text).components(separatedBy: "\n\n").map { markdown($0) }.joined(separator: "\n\n")
    }

    /// A Markdown link destination for an `http(s)` URL (see `httpURL`), nil for any other scheme. Entity
    /// references are decoded inside a destination too, so an `&` that would start one is written `&amp;`.
    public static func markdownLink(_ raw: String) -> String? {
        httpURL(raw).map(MarkdownEscaper.destination)
    }

    /// HTML text content: `& < > " '` become character references, so the result is also safe inside a
    /// double- or single-quoted attribute.
    public static func html(_ text: String) -> String {
        markup(text, apostrophe: "&#39;") { _ in true }
    }

    /// An HTML attribute value (to be written between double quotes): one line, escaped like `html`.
    public static func htmlAttribute(_ text: String) -> String {
        html(line(text))
    }

    /// XML 1.0 character data or attribute value: characters the `Char` production of XML 1.0 §2.2 forbids
    /// are removed (an XML parser must reject a document containing them), then `& < > " '` are escaped.
    public static func xml(_ text: String) -> String {
        markup(text, apostrophe: "&apos;", keeping: isXMLCharacter)
    }

    /// A YAML double-quoted scalar, quotes included: the only YAML style in which every string, whatever it
    /// starts with (`-`, `:`, `{`, `!`, `&`, `*`, `#`, `'`), reads back as the same string.
    public static func yamlString(_ text: String) -> String {
        var escaped = "\""
        for scalar in cleaned(text, keepingLines: true).unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    /// The URL if it is an absolute `http` or `https` URL with a host, with every character that could end a
    /// Markdown link destination or an attribute, or that a URL may not hold, percent-encoded; nil otherwise
    /// (`javascript:`, `data:`, relative and malformed URLs are never emitted as links).
    public static func httpURL(_ raw: String) -> String? {
        guard let url = try? HTTPURL(raw) else { return nil }
        var encoded = ""
        for byte in url.href.utf8 {
            if urlKeeps(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    // MARK: - Shared cleaning

    /// The five characters special in HTML and XML as references (`&apos;` is not an HTML 4 entity, so
    /// HTML takes the numeric form), after cleaning and dropping the scalars `keeping` refuses.
    private static func markup(_ text: String, apostrophe: String,
                               keeping: (Unicode.Scalar) -> Bool) -> String {
        var escaped = ""
        for scalar in cleaned(text, keepingLines: true).unicodeScalars where keeping(scalar) {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += apostrophe
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Removes the characters no output medium should carry; line feeds and tabs stay when `keepingLines`.
    static func cleaned(_ text: String, keepingLines: Bool) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if keepingLines && (scalar == "\n" || scalar == "\t") {
                kept.append(scalar)
            } else if !isRemoved(scalar) {
                kept.append(scalar)
            }
        }
        return String(kept)
    }

    /// C0 and C1 controls, DEL, bidi and zero-width controls, U+FFFE and U+FFFF.
    private static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        TextCleaning.isControl(scalar) || TextCleaning.isInvisibleControl(scalar)
            || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }

    /// A one-line field (title, site, name) as every medium shows it: controls, invisible characters and
    /// noncharacters removed, white space runs folded to one space, so a newline in a title cannot start a
    /// new block. Still raw text: escape it for the medium.
    public static func line(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" || scalar == "\r" || (scalar.properties.isWhitespace && !isRemoved(scalar)) {
                pendingSpace = !kept.isEmpty
            } else if !isRemoved(scalar) {
                if pendingSpace { kept.append(" ") }
                pendingSpace = false
                kept.append(scalar)
            }
        }
        return String(kept)
    }

    /// A multi-line field (summary, note, evidence) as every medium shows it: a blank line separates
    /// paragraphs (joined by one blank line in the result), a single line break is a soft break as in
    /// Markdown: the lines are joined, without a space between two CJK characters (extracted text often
    /// breaks lines at every inline element) and with one otherwise. Each line is cleaned like `line`.
    public static func paragraphs(_ text: String) -> String {
        var paragraphs: [String] = []
        var current = ""
        let separated = text.replacingOccurrences(of: "\u{2029}", with: "\n\n")
        for rawLine in separated.split(omittingEmptySubsequences: false,
                                       whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let cleanedLine = line(String(rawLine))
            if cleanedLine.isEmpty {
                if !current.isEmpty { paragraphs.append(current) }
                current = ""
            } else if let last = current.unicodeScalars.last, let first = cleanedLine.unicodeScalars.first {
                current += (isWide(last) && isWide(first) ? "" : " ") + cleanedLine
            } else {
                current = cleanedLine
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs.joined(separator: "\n\n")
    }

    /// CJK scripts and full-width punctuation, which are written without spaces between words.
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E80...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF, 0x20000...0x3FFFF: true
        default: false
        }
    }

    /// `Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]` (XML 1.0 §2.2).
    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// RFC 3986 unreserved and reserved characters plus `%`, less those that close a Markdown link or an
    /// attribute (`(`, `)`, `'`); everything else (space, quotes, `<`, `>`, `\`, non-ASCII) is percent-encoded.
    private static func urlKeeps(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            urlPunctuation.contains(byte)
        }
    }

    private static let urlPunctuation: Set<UInt8> = Set("-._~:/?#[]@!$&*+,;=%".utf8)
}
