import Foundation

/// Where an escaped string sits in the Markdown we write, which decides what CommonMark could read as
/// markup there.
public enum MarkdownPosition: Sendable {
    /// The text starts a line of a block: a paragraph, a list item's or a block quote's content, so a
    /// leading `#`, `>`, `-`, `1.`, a fence or a thematic break would start a new block.
    case blockStart
    /// The text follows other text on its line (`- 投稿 Submissions：` + text).
    case inline
    /// The content of an ATX heading (`### ` + text): a closing `#` sequence would be dropped.
    case heading
    /// Inside a link's text (`[` + text + `](…)`): a `]` would end the link text.
    case linkText
}

/// CommonMark 0.30 escaping that touches only what would otherwise be read as markup where it stands, so
/// text reads back exactly as written in every CommonMark renderer and in Python-Markdown and kramdown
/// (which take a backslash only before the punctuation they know: they would show `\:` or `\@`).
///
/// Backslashes go only before `\` `` ` `` `*` `_` `[` `]` `#` `>` `-` `+` `.` `)`, which every one of
/// those renderers takes as an escape; `<`, `&` and `~` become the character references `&lt;`, `&amp;`
/// and `&#126;` instead, which they all decode. What is never markup (`:`, `@`, `.`, `|`, `!`, `(`, a lone
/// backtick, `_` inside a word) is left as it is.
enum MarkdownEscaper {
    static func escape(_ text: String, at position: MarkdownPosition) -> String {
        let scalars = Array(Escape.line(text).unicodeScalars)
        var marks = [Mark](repeating: .none, count: scalars.count)
        markInline(scalars, &marks, position: position)
        switch position {
        case .blockStart: markBlockStart(scalars, &marks)
        case .heading: markClosingSequence(scalars, &marks)
        case .linkText, .inline: break
        }
        var escaped = String.UnicodeScalarView()
        for (scalar, mark) in zip(scalars, marks) {
            switch mark {
            case .none: escaped.append(scalar)
            case .backslash:
                escaped.append("\\")
                escaped.append(scalar)
            case .reference: escaped.append(contentsOf: (references[scalar] ?? "&#\(scalar.value);").unicodeScalars)
            }
        }
        return String(escaped)
    }

    /// A link destination: the URL as `Escape.httpURL` encoded it (no space, control, `<`, `>`, `(`, `)`
    /// or `\` is left), with `&` written `&amp;` where it would otherwise start an entity reference, which
    /// CommonMark decodes inside destinations too.
    static func destination(_ url: String) -> String {
        let scalars = Array(url.unicodeScalars)
        var result = String.UnicodeScalarView()
        for index in scalars.indices {
            if scalars[index] == "&" && startsEntity(scalars, after: index) {
                result.append(contentsOf: "&amp;".unicodeScalars)
            } else {
                result.append(scalars[index])
            }
        }
        return String(result)
    }

    private enum Mark {
        case none, backslash, reference
    }

    private static let references: [Unicode.Scalar: String] = ["<": "&lt;", "&": "&amp;", "~": "&#126;"]

    // MARK: - Inline constructs

    private static func markInline(_ scalars: [Unicode.Scalar], _ marks: inout [Mark], position: MarkdownPosition) {
        let escapesTicks = hasPairedBacktickRuns(scalars)
            || (position == .blockStart && scalars.first == "`" && runLength(scalars, from: 0) >= 3)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                // A backslash escapes the ASCII punctuation after it; at the end it meets what the caller
                // writes next (`]`, `)`), so it is escaped there too.
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                if next.map(isASCIIPunctuation) ?? true { marks[index] = .backslash }
            case "[":
                // Every `[` is escaped, so no link, image or reference definition can open; a `]` then
                // closes nothing, except the link text the caller opened.
                marks[index] = .backslash
            case "]":
                if position == .linkText { marks[index] = .backslash }
            case "<":
                // Raw HTML, autolinks and e-mail autolinks all need an ASCII character right after `<`.
                if index + 1 < scalars.count, scalars[index + 1].isASCII, !isWhitespace(scalars[index + 1]) {
                    marks[index] = .reference
                }
            case "&":
                if startsEntity(scalars, after: index) { marks[index] = .reference }
            case "`":
                if escapesTicks { marks[index] = .backslash }
            case "*", "_", "~":
                let run = runLength(scalars, from: index)
                if couldDelimit(scalar, before: index > 0 ? scalars[index - 1] : nil,
                                after: index + run < scalars.count ? scalars[index + run] : nil) {
                    for offset in 0..<run { marks[index + offset] = scalar == "~" ? .reference : .backslash }
                }
                index += run
                continue
            default:
                break
            }
            index += 1
        }
    }

    /// A code span needs a closing backtick run of the same length, so runs whose lengths all differ open
    /// nothing (the caller writes no backticks of its own). Otherwise every backtick is escaped: inside a
    /// would-be code span a backslash escapes nothing, so `\`` left after an unescaped run could close it.
    private static func hasPairedBacktickRuns(_ scalars: [Unicode.Scalar]) -> Bool {
        var seen = Set<Int>()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "`" else {
                index += 1
                continue
            }
            let run = runLength(scalars, from: index)
            guard seen.insert(run).inserted else { return true }
            index += run
        }
        return false
    }

    /// Whether a run of `*`, `_` or `~` (GFM strikethrough, as goldmark in Hugo and GitHub read it) could
    /// open or close emphasis by the flanking rules of CommonMark §6.2. A neighbour outside the text
    /// (`before`/`after` nil) is whatever the caller writes there, so every kind is tried; so is a symbol,
    /// which CommonMark 0.31 counts as punctuation and 0.30 does not.
    private static func couldDelimit(_ delimiter: Unicode.Scalar, before: Unicode.Scalar?, after: Unicode.Scalar?) -> Bool {
        for previous in kinds(before) {
            for next in kinds(after) {
                let leftFlanking = next != .whitespace && (next != .punctuation || previous != .other)
                let rightFlanking = previous != .whitespace && (previous != .punctuation || next != .other)
                if delimiter == "_" {
                    let opens = leftFlanking && (!rightFlanking || previous == .punctuation)
                    let closes = rightFlanking && (!leftFlanking || next == .punctuation)
                    if opens || closes { return true }
                } else if leftFlanking || rightFlanking {
                    return true
                }
            }
        }
        return false
    }

    private enum Kind {
        case whitespace, punctuation, other
    }

    private static func kinds(_ scalar: Unicode.Scalar?) -> [Kind] {
        guard let scalar else { return [.whitespace, .punctuation, .other] }
        if isWhitespace(scalar) { return [.whitespace] }
        if isASCIIPunctuation(scalar) { return [.punctuation] }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return [.punctuation]
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return [.punctuation, .other]
        default:
            return [.other]
        }
    }

    /// `&name;`, `&#123;` or `&#x1F;` after the `&` at `index`: CommonMark decodes only names HTML
    /// defines, but any name-shaped reference is escaped so no list of names has to be kept in step.
    private static func startsEntity(_ scalars: [Unicode.Scalar], after index: Int) -> Bool {
        var position = index + 1
        func take(_ limit: Int, _ accepts: (Unicode.Scalar) -> Bool) -> Int {
            var taken = 0
            while position < scalars.count, taken < limit, accepts(scalars[position]) {
                position += 1
                taken += 1
            }
            return taken
        }
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
            isDigit(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
        }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard position < scalars.count else { return false }
        if scalars[position] == "#" {
            position += 1
            if position < scalars.count, scalars[position] == "x" || scalars[position] == "X" {
                position += 1
                guard take(6, isHexDigit) > 0 else { return false }
            } else {
                guard take(7, isDigit) > 0 else { return false }
            }
        } else {
            guard take(1, isLetter) == 1 else { return false }
            _ = take(31) { isLetter($0) || isDigit($0) }
        }
        return position < scalars.count && scalars[position] == ";"
    }

    // MARK: - Block starts

    /// What a line's first characters could start: an ATX heading, a block quote, a list item, a thematic
    /// break, a code fence (backtick fences are handled with the other backticks). (`Escape.line` has removed leading white space, so nothing is indented code,
    /// and a one-line block is never a setext underline or a table.)
    private static func markBlockStart(_ scalars: [Unicode.Scalar], _ marks: inout [Mark]) {
        guard let first = scalars.first else { return }
        let second = scalars.count > 1 ? scalars[1] : nil
        let endsMarker = { (scalar: Unicode.Scalar?) in scalar.map(isWhitespace) ?? true }
        switch first {
        case "#":
            // CommonMark needs a space after the `#`s, Python-Markdown and kramdown (Jekyll) do not: `#话题#`
            // would be a heading there.
            marks[0] = .backslash
        case ">":
            marks[0] = .backslash
        case "-", "+", "*":
            if endsMarker(second) { marks[0] = .backslash }
        case "~":
            let run = runLength(scalars, from: 0)
            if run >= 3 {
                for offset in 0..<run { marks[offset] = .reference }
            }
        case "0"..."9":
            let digits = scalars.prefix { ("0"..."9").contains($0) }.count
            if digits <= 9, digits < scalars.count, scalars[digits] == "." || scalars[digits] == ")",
               endsMarker(digits + 1 < scalars.count ? scalars[digits + 1] : nil) {
                marks[digits] = .backslash
            }
        default:
            break
        }
        if first == "-" || first == "*" || first == "_", isThematicBreak(scalars), marks[0] == .none {
            marks[0] = .backslash
        }
    }

    /// Three or more of the same `-`, `*` or `_`, with only spaces or tabs between them.
    private static func isThematicBreak(_ scalars: [Unicode.Scalar]) -> Bool {
        guard let first = scalars.first else { return false }
        var count = 0
        for scalar in scalars {
            if scalar == first {
                count += 1
            } else if scalar != " " && scalar != "\t" {
                return false
            }
        }
        return count >= 3
    }

    /// A heading's trailing run of `#` is dropped by CommonMark when a space precedes it, and by
    /// Python-Markdown and kramdown in any case; escaping its first `#` keeps it.
    private static func markClosingSequence(_ scalars: [Unicode.Scalar], _ marks: inout [Mark]) {
        var start = scalars.count
        while start > 0, scalars[start - 1] == "#" { start -= 1 }
        if start < scalars.count { marks[start] = .backslash }
    }

    // MARK: - Characters

    private static func runLength(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < scalars.count, scalars[end] == scalars[start] { end += 1 }
        return end - start
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\u{0C}" || scalar == "\r"
            || scalar.properties.generalCategory == .spaceSeparator
    }

    private static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: true
        default: false
        }
    }
}
