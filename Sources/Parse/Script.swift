import SluiceCore

/// Character classes the extractor needs: CJK text has no spaces, so lengths count characters and
/// Chinese punctuation marks sentences.
package enum Script {
    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }

    static func isKana(_ scalar: Unicode.Scalar) -> Bool {
        (0x3040...0x30FF).contains(scalar.value)
    }

    static func isHangul(_ scalar: Unicode.Scalar) -> Bool {
        (0xAC00...0xD7AF).contains(scalar.value) || (0x1100...0x11FF).contains(scalar.value)
    }

    /// Scripts written without spaces between words: each character is one token.
    static func isCharacterToken(_ scalar: Unicode.Scalar) -> Bool {
        isHan(scalar) || isKana(scalar) || isHangul(scalar)
            || (0x0E00...0x0E7F).contains(scalar.value) || (0x1000...0x109F).contains(scalar.value)
    }

    /// Marks that end or divide a clause, in Latin and CJK text; readability-style scorers count them.
    static func isClauseMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ",", "，", "、", "。", "；", "！", "？", "：": true
        default: false
        }
    }

    static func isSentenceEnd(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", "!", "?", "。", "！", "？", "…": true
        default: false
        }
    }

    /// Characters that are not white space.
    static func visibleLength(_ text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars where !TextCleaning.isWhiteSpace(scalar) { count += 1 }
        return count
    }

    static func clauseMarks(_ text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars where isClauseMark(scalar) { count += 1 }
        return count
    }

    /// Tokens for overlap scoring: each CJK character is a token, other scripts split into lower-cased words.
    package static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty { tokens.append(String(word).lowercased()) }
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if isCharacterToken(scalar) {
                flush()
                tokens.append(String(scalar))
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// The first sentences of the first paragraph of `text`, at most about `limit` characters, cut after a
    /// sentence end when one falls in the second half of the window. Works on scalars: the text is already
    /// cleaned, and counting grapheme clusters of a long paragraph is slow.
    static func leadingSentences(_ text: String, limit: Int) -> String {
        var window = String.UnicodeScalarView()
        var lastSentenceEnd: String.UnicodeScalarView.Index?
        var count = 0
        var complete = true
        for scalar in text.unicodeScalars {
            if scalar == "\n" { break }
            if count == limit {
                complete = false
                break
            }
            window.append(scalar)
            count += 1
            if isSentenceEnd(scalar), count >= limit / 2 { lastSentenceEnd = window.endIndex }
        }
        if complete { return String(window) }
        if let lastSentenceEnd { return String(window[..<lastSentenceEnd]) }
        return String(window) + "…"
    }
}
