import Foundation
import SluiceCore

/// Folds the differences reposts introduce without changing the words: full-width and compatibility forms
/// (NFKC), letter case, punctuation variants (every punctuation mark and symbol is a word break), and white
/// space (one space between words, none next to CJK characters, which are not space-separated).
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var pendingBreak = false
        var previousIsCJK = false
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if TextCleaning.isInvisibleControl(scalar) { continue }
            if isBreak(scalar) {
                pendingBreak = !output.isEmpty
                continue
            }
            let cjk = isCJK(scalar)
            if pendingBreak && !cjk && !previousIsCJK { output.append(" ") }
            pendingBreak = false
            output.append(scalar)
            previousIsCJK = cjk
        }
        return String(output)
    }

    /// Scripts written without spaces between words; their shingles are runs of characters.
    package static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3100...0x312F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF,
             0xF900...0xFAFF, 0x0E00...0x0E7F, 0x20000...0x2FFFF:
            true
        default:
            false
        }
    }

    private static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace || TextCleaning.isControl(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .modifierSymbol, .otherSymbol, .format:
            return true
        default:
            return false
        }
    }
}
