import Foundation
import SluiceCore

/// Folds the differences reposts introduce without changing the words: full-width and compatibility forms
/// (NFKC), letter case, punctuation variants (every punctuation mark and symbol is a word break), and white
/// space (one space between words, none next to CJK characters, which are not space-separated).
///
/// Most page text is ASCII, CJK ideographs and full-width punctuation. NFKC and lowercasing leave the first two
/// as they are and map full-width forms to ASCII one character for one: such text skips both (the mapping and
/// the ASCII lowercasing are done on the way), and those characters skip the Unicode property lookups.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingBreak = false
        var previousIsCJK = false
        func append<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) {
            for unmapped in scalars {
                let original = fullWidthASCII(unmapped) ?? unmapped
                let value = original.value
                let scalar = value < 0x80 ? asciiLowercase[Int(value)] : original
                let breaks = value < 0x80 ? asciiBreaks[Int(value)] : (0x4E00...0x9FFF).contains(value) ? false : nil
                if breaks == nil && TextCleaning.isInvisibleControl(scalar) { continue }
                if breaks ?? isBreak(scalar) {
                    pendingBreak = !output.isEmpty
                    continue
                }
                let cjk = isCJK(scalar)
                if pendingBreak && !cjk && !previousIsCJK { output.append(0x20) }
                pendingBreak = false
                appendUTF8(scalar, to: &output)
                previousIsCJK = cjk
            }
        }
        // NFKC and lowercasing go only over the stretches that need them. A stable character never combines
        // with or reorders around the one before it, so the text can be cut before each one and each piece
        // folded alone, as the whole text would be: a stretch runs from the stable character before a character
        // that needs folding (which may combine with it) to the next stable character. Folding the whole page
        // text when it held one such character (a `·`, an `é`) was most of the time spent here.
        let scalars = text.unicodeScalars
        var (emitted, chunk, index) = (scalars.startIndex, scalars.startIndex, scalars.startIndex)
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if isStable(scalar) { chunk = index }
            if isStable(scalar) || fullWidthASCII(scalar) != nil {
                index = scalars.index(after: index)
                continue
            }
            var end = scalars.index(after: index)
            while end < scalars.endIndex && !isStable(scalars[end]) { end = scalars.index(after: end) }
            append(scalars[emitted..<chunk])
            append(String(scalars[chunk..<end]).precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
            (emitted, chunk, index) = (end, end, end)
        }
        append(scalars[emitted..<scalars.endIndex])
        return String(decoding: output, as: UTF8.self)
    }

    /// Appending scalars to a `String.UnicodeScalarView` one at a time was a third of the normalizer's time.
    private static func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case ..<0x80:
            output.append(UInt8(value))
        case ..<0x800:
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        case ..<0x10000:
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        default:
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | value >> 12 & 0x3F))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
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

    /// Characters that NFKC and lowercasing leave unchanged, alone and in any sequence (none combines or is
    /// reordered): ASCII (its letters lowercased here instead), CJK ideographs, CJK punctuation without
    /// compatibility forms, and the common quotes and dashes.
    package static func isStable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x7F, 0x4E00...0x9FFF, 0x3001...0x3029, 0x3030...0x3035,
             0x2010, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022:
            true
        default:
            false
        }
    }

    /// The ASCII character NFKC makes of a full-width form (U+FF01 to U+FF5E, `＂` to `～`) or of the ideographic
    /// space; nil for any other character.
    package static func fullWidthASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0xFF01...0xFF5E: Unicode.Scalar(scalar.value - 0xFEE0)
        case 0x3000: " "
        default: nil
        }
    }

    private static let asciiLowercase: [Unicode.Scalar] = (0..<128).map { value in
        Unicode.Scalar(UInt8(value >= 0x41 && value <= 0x5A ? value | 0x20 : value))
    }

    private static let asciiBreaks: [Bool] = (0..<128).map { isBreak(Unicode.Scalar(UInt8($0))) }

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
