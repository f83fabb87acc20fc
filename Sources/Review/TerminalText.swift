import SluiceCore

/// The one sanitiser at the terminal boundary, and the display-width arithmetic the screen lays out with.
///
/// Every untrusted string (titles, notes, URLs, excerpts, error messages) passes through `sanitize` before it
/// is written to a terminal. Controls become visible escapes instead of vanishing, so a title carrying an
/// OSC 52 clipboard write or a cursor movement shows as the plain text `\x1B]52;…` and a moderator can see
/// the attempt. Nothing derived from data can make the terminal act or answer back.
public enum TerminalText {
    /// C0 controls except `\n` and `\t`, DEL and C1 controls become `\xNN`; bidi controls become a visible
    /// `<U+XXXX>` mark (a reordered title is a scam signal worth seeing); zero-width and other invisible
    /// characters are removed.
    public static func sanitize(_ text: String) -> String {
        sanitize(text, keepingLines: true)
    }

    /// With `keepingLines` false, newlines and tabs become spaces too: one line of text.
    private static func sanitize(_ text: String, keepingLines: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                result.unicodeScalars.append(scalar)
            } else if scalar == "\n" || scalar == "\t" || isLineSeparator(scalar) {
                result.unicodeScalars.append(!keepingLines ? " " : scalar == "\t" ? "\t" : "\n")
            } else if let escape = visibleEscapes[scalar.value] {
                result += escape
            } else if !TextCleaning.isInvisibleControl(scalar) && !isInvisible(scalar) {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Columns the text takes in a terminal: East Asian wide and fullwidth characters and emoji take two,
    /// combining marks none. Meant for one line of sanitized text; a tab or newline counts as one column.
    public static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// One line of at most `columns` columns: sanitized, newlines and tabs turned to spaces, cut with `…`
    /// where it is too wide. A wide character never straddles the edge.
    public static func fit(_ text: String, columns: Int) -> String {
        guard columns > 0 else { return "" }
        let line = sanitize(text, keepingLines: false)
        var used = 0
        var cut: String.Index?
        for index in line.indices {
            used += width(of: line[index])
            if cut == nil && used > columns - 1 { cut = index }
            if used > columns, let cut { return line[..<cut] + "…" }
        }
        return line
    }

    /// Lines of at most `columns` columns: sanitized, split at newlines, broken at the last space that fits
    /// (Latin text) or at any character (CJK text, or a word longer than the line).
    public static func wrap(_ text: String, columns: Int) -> [String] {
        let columns = max(columns, 2)
        var lines: [String] = []
        for paragraph in sanitize(text).split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(contentsOf: wrapLine(String(paragraph).replacingOccurrences(of: "\t", with: " "),
                                              columns: columns))
        }
        return lines
    }

    /// Entries (a key and what it does, a menu choice) laid out on as many lines as they need, `separator`
    /// between them: a line breaks between two entries, never inside one; only an entry wider than the whole
    /// line is fitted with `…`.
    public static func wrapEntries(_ entries: [String], columns: Int, separator: String = "  ") -> [String] {
        let columns = max(columns, 1)
        let gap = displayWidth(separator)
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for entry in entries {
            let fitted = fit(entry, columns: columns)
            let entryWidth = displayWidth(fitted)
            if currentWidth > 0 && currentWidth + gap + entryWidth <= columns {
                current += separator + fitted
                currentWidth += gap + entryWidth
            } else {
                if currentWidth > 0 { lines.append(current) }
                current = fitted
                currentWidth = entryWidth
            }
        }
        if currentWidth > 0 { lines.append(current) }
        return lines
    }

    /// Pads with spaces to exactly `columns` columns (after fitting), so columns of CJK text line up.
    public static func pad(_ text: String, columns: Int) -> String {
        let fitted = fit(text, columns: columns)
        return fitted + String(repeating: " ", count: max(0, columns - displayWidth(fitted)))
    }

    private static func wrapLine(_ line: String, columns: Int) -> [String] {
        guard !line.isEmpty else { return [""] }
        var lines: [String] = []
        var current: [Character] = []
        var currentWidth = 0
        for character in line {
            let characterWidth = width(of: character)
            if currentWidth + characterWidth > columns {
                // Chinese text may break between any two characters, except before closing punctuation, so
                // a long note after a space fills the line instead of moving whole to the next one.
                if let cut = wideBreak(before: character, in: current) {
                    lines.append(String(current[..<cut]))
                    current = Array(current[cut...])
                } else if character != " ", let space = current.lastIndex(of: " "), space > 0 {
                    lines.append(String(current[..<space]))
                    current = Array(current[(space + 1)...])
                } else {
                    lines.append(String(current))
                    current = []
                }
                currentWidth = displayWidth(String(current))
                if character == " " && current.isEmpty { continue }
            }
            current.append(character)
            currentWidth += characterWidth
        }
        lines.append(String(current))
        return lines
    }

    /// Where a line that `next` overflows may end when the break falls inside wide text: before `next`, or one
    /// character earlier when `next` may not begin a line (`，`, `。`, `）`…); nil when the break is not there.
    private static func wideBreak(before next: Character, in current: [Character]) -> Int? {
        guard let last = current.last, next != " ", width(of: next) == 2 || width(of: last) == 2 else { return nil }
        guard noLineStart.contains(next) else { return current.count }
        let earlier = current.count - 1
        return earlier > 0 && width(of: current[earlier - 1]) == 2 && !noLineStart.contains(last) ? earlier : nil
    }

    private static let noLineStart: Set<Character> = ["，", "。", "、", "；", "：", "！", "？", "）", "」", "』", "】", "》", "…", "·"]

    private static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if character.utf8.count == 1 { return 1 }
        if scalars.count == 1 && (0x4E00...0x9FFF).contains(first.value) { return 2 }
        if scalars.contains(where: { isWide($0) }) { return 2 }
        if first.properties.isEmoji && scalars.contains("\u{FE0F}") { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: return 1
        }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isEmojiPresentation { return true }
        return wideRanges.contains { $0.contains(scalar.value) }
    }

    /// East Asian Wide and Fullwidth blocks (Unicode `EastAsianWidth.txt`, W and F), emoji aside.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
        0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF,
        0x1B000...0x1B2FF, 0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isLineSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Tag characters (used to smuggle hidden text), interlinear annotation marks and the soft hyphen.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0xFFF9...0xFFFB, 0xE0000...0xE007F: true
        default: false
        }
    }

    /// What each control and bidi scalar is shown as, built once: hostile titles repeat them thousands of times.
    private static let visibleEscapes: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        for value in UInt32(0)...0x9F {
            guard let scalar = Unicode.Scalar(value), TextCleaning.isControl(scalar) else { continue }
            table[value] = "\\x" + hex(value, digits: 2)
        }
        for value in [UInt32(0x061C), 0x200E, 0x200F] + Array(0x202A...0x202E) + Array(0x2066...0x2069) {
            table[value] = "<U+\(hex(value, digits: 4))>"
        }
        return table
    }()

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
