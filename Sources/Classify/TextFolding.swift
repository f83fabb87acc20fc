import Foundation

/// Folds text for matching so one rule matches the variants volunteers paste (full-width digits and Latin
/// letters, upper case, traditional characters).
///
/// Every scalar is replaced by exactly one scalar of the same UTF-16 width, so an offset in the folded text
/// is the same offset in the original. That is what lets a flag show the matched text as it stands in the
/// item rather than its folded form.
enum TextFolding {
    /// The text as UTF-16 code units, beside its two folded forms.
    struct Folded: Sendable {
        var original: [UInt16]
        /// Width and ASCII case folded.
        var plain: [UInt16]
        /// `plain` with traditional characters replaced by simplified ones.
        var simplified: [UInt16]

        func units(traditional: Bool) -> [UInt16] { traditional ? simplified : plain }

        /// The original text covering the folded range.
        func evidence(_ range: Range<Int>) -> String {
            original[range].withUnsafeBufferPointer(TextFolding.string)
        }
    }

    /// UTF-16 units as a String. Decoding from a buffer, not from the array itself: the array's generic path
    /// allocates for every few units, which made this most of the rule engine's allocations.
    static func string(_ units: UnsafeBufferPointer<UInt16>) -> String {
        String(decoding: units, as: UTF16.self)
    }

    static func fold(_ text: String) -> Folded {
        var original: [UInt16] = []
        var plain: [UInt16] = []
        var simplified: [UInt16] = []
        original.reserveCapacity(text.utf16.count)
        plain.reserveCapacity(text.utf16.count)
        simplified.reserveCapacity(text.utf16.count)
        for scalar in text.unicodeScalars {
            let width = UTF16.width(scalar)
            let narrow = foldWidthAndCase(scalar)
            let simple = Self.simplified(narrow)
            appendUnits(of: scalar, to: &original)
            appendUnits(of: UTF16.width(narrow) == width ? narrow : scalar, to: &plain)
            appendUnits(of: UTF16.width(simple) == width ? simple : scalar, to: &simplified)
        }
        return Folded(original: original, plain: plain, simplified: simplified)
    }

    /// A rule term in the form the folded text takes, so the two compare unit by unit.
    static func foldTerm(_ term: String, traditional: Bool) -> [UInt16] {
        fold(term).units(traditional: traditional)
    }

    /// Width, case and traditional characters folded, scalar by scalar: what the model reads.
    static func foldedScalars(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.map { simplified(foldWidthAndCase($0)) }
    }

    private static func appendUnits(of scalar: Unicode.Scalar, to units: inout [UInt16]) {
        units.append(contentsOf: scalar.utf16)
    }

    private static func foldWidthAndCase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        var value = scalar.value
        switch value {
        case 0xFF01...0xFF5E: value -= 0xFEE0
        case 0x3000: value = 0x20
        default: break
        }
        if (0x41...0x5A).contains(value) { value += 0x20 }
        return Unicode.Scalar(value) ?? scalar
    }

    /// Traditional → simplified for every ideograph in the Basic Multilingual Plane, from ICU's
    /// `Hant-Hans` transform (through Foundation, which bundles ICU on Linux too). The transform is applied
    /// once, to every ideograph on a line of its own, so each character is mapped out of context; a
    /// character whose simplified form is not exactly one scalar of the same UTF-16 width is left as it is,
    /// because offsets in folded text must stay offsets in the original. Built on first use (≈40 ms).
    static let traditionalToSimplified: [Unicode.Scalar: Unicode.Scalar] = scriptConversion(of: ideographs)

    /// The same table flat, indexed from U+3400 (0 where a character is kept): one array read per character.
    private static let simplifiedTable: [UInt16] = {
        var table = [UInt16](repeating: 0, count: Int(tableEnd - tableStart) + 1)
        for (traditional, simplified) in traditionalToSimplified { table[Int(traditional.value - tableStart)] = UInt16(simplified.value) }
        return table
    }()
    private static let tableStart: UInt32 = 0x3400
    private static let tableEnd: UInt32 = 0xFAFF

    static func simplified(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard scalar.value >= tableStart, scalar.value <= tableEnd else { return scalar }
        let image = simplifiedTable[Int(scalar.value - tableStart)]
        return image == 0 ? scalar : Unicode.Scalar(image) ?? scalar
    }

    /// Every BMP ideograph: the CJK unified blocks and the compatibility ideographs.
    static var ideographs: [Unicode.Scalar] {
        let ranges: [ClosedRange<UInt32>] = [0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF]
        return ranges.flatMap { $0 }.compactMap(Unicode.Scalar.init).filter(\.properties.isIdeographic)
    }

    /// The scalars `transform` changes, each to its one-scalar image; `reverse` runs the transform backwards
    /// (simplified → traditional, which the tests use to write rule terms the traditional way).
    static func scriptConversion(of scalars: [Unicode.Scalar], reverse: Bool = false) -> [Unicode.Scalar: Unicode.Scalar] {
        var joined = String.UnicodeScalarView()
        for scalar in scalars {
            joined.append(scalar)
            joined.append("\n")
        }
        guard let converted = String(joined).applyingTransform(StringTransform("Hant-Hans"), reverse: reverse) else { return [:] }
        let lines = converted.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == scalars.count + 1 else { return [:] }
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (scalar, line) in zip(scalars, lines) {
            let image = Array(line.unicodeScalars)
            if image.count == 1, image[0] != scalar, UTF16.width(image[0]) == UTF16.width(scalar) { table[scalar] = image[0] }
        }
        return table
    }
}
