import Foundation

/// URL slugs for published items, as static-site generators take them from front matter (`slug:`).
/// A slug is a pure function of the title, the id and the slugs already taken, so republishing gives the
/// same slug; it never serves as a file name (files are named by id, see `ContentDirectory`).
public enum Slug {
    /// The longest slug, in characters, before a collision suffix.
    public static let maximumLength = 60

    /// Lowercase ASCII letters and digits, CJK ideographs, kana and hangul kept (after NFKC, so full-width
    /// letters become ASCII, and with accents removed); every other run of characters becomes one hyphen.
    /// An empty result becomes `item-<id>`; a taken slug gets `-<id>`, then `-<id>-2`, `-<id>-3`, ….
    public static func make(title: String, id: Int64, taken: Set<String>) -> String {
        var base = ""
        var pendingHyphen = false
        for original in title.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            guard base.unicodeScalars.count < maximumLength else { break }
            let scalar = isKept(original) ? original : withoutAccent(original)
            if isKept(scalar) {
                if pendingHyphen && !base.isEmpty { base.unicodeScalars.append("-") }
                pendingHyphen = false
                base.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        if base.isEmpty { base = "item-\(id)" }
        guard taken.contains(base) else { return base }
        var candidate = "\(base)-\(id)"
        var counter = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(id)-\(counter)"
            counter += 1
        }
        return candidate
    }

    /// Whether `slug` has the form `make` produces, for checking slugs that come back from a store.
    public static func isWellFormed(_ slug: String) -> Bool {
        !slug.isEmpty && !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
            && slug.unicodeScalars.allSatisfy { $0 == "-" || isKept($0) }
    }

    /// "é" → "e": the first scalar of the canonical decomposition, used only for characters not kept as
    /// they are (hangul syllables decompose too, so they are kept before this is tried).
    private static func withoutAccent(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first ?? scalar
    }

    private static func isKept(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A: true                       // ASCII digits and lowercase letters
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,   // CJK ideographs and compatibility ideographs
             0x20000...0x3134F:                                   // CJK extensions B to G
            true
        case 0x3041...0x3096, 0x30A1...0x30FA, 0xAC00...0xD7A3: true // hiragana, katakana, hangul syllables
        default: false
        }
    }
}
