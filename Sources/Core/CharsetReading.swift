import Foundation

/// One way of reading a body: the charset tried, the text it gave, and how believable that text is.
package struct CharsetReading {
    let charset: String
    let text: String
    let invalidSequences: Int
    /// Characters at or above U+0080, replacement characters excluded.
    let nonASCII: Int
    /// Of those, the characters this charset's language would plausibly produce.
    let plausible: Int
    let mojibakeMarks: Int

    /// Decodes with the encoding named `charset` (a `CharsetLabels` name); unknown names read as windows-1252.
    /// `profile` is the body's UTF-8 profile when the caller has it already (it is one pass over the body).
    init(_ bytes: Data, charset: String, profile: UTF8Profile? = nil) {
        let decoded = CharsetReading.decodeOnly(bytes, charset: charset, profile: profile)
        self.init(charset: decoded.charset, text: decoded.text, invalidSequences: decoded.invalidSequences)
    }

    /// The decoding alone, without judging it.
    package static func decodeOnly(_ bytes: Data, charset: String) -> (charset: String, text: String, invalidSequences: Int) {
        decodeOnly(bytes, charset: charset, profile: nil)
    }

    static func decodeOnly(_ bytes: Data, charset: String,
                           profile: UTF8Profile?) -> (charset: String, text: String, invalidSequences: Int) {
        let encoding = CharsetLabels.byName[charset] ?? CharsetLabels.byName["windows-1252"]
        let name = encoding?.name ?? "windows-1252"
        if name == "utf-8" {
            let profile = profile ?? UTF8Profile(bytes)
            return (name, UTF8Profile.decode(bytes, invalidSequences: profile.invalidSequences), profile.invalidSequences)
        }
        if name == "windows-1252" {
            return (name, windows1252(bytes), 0)
        }
        if let encoding, let converted = CharsetConverterPool.shared.withConverter(from: encoding.iconvName, { $0.convert(bytes) }) {
            return (name, String(decoding: converted.bytes, as: UTF8.self), converted.invalidSequences)
        }
        return (name, String(decoding: bytes.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self),
                bytes.reduce(0) { $0 + ($1 < 0x80 ? 0 : 1) })
    }

    /// windows-1252 as WHATWG defines it: glibc's CP1252 rejects 0x81, 0x8D, 0x8F, 0x90 and 0x9D, which the
    /// standard maps to the C1 controls of the same value, so no byte is ever invalid.
    static func windows1252(_ bytes: Data) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            let value = (0x80...0x9F).contains(byte) ? windows1252High[Int(byte) - 0x80] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]

    init(charset: String, text: String, invalidSequences: Int) {
        self.charset = charset
        self.text = text
        self.invalidSequences = invalidSequences
        let language = CharsetLanguage(charset: charset)
        var nonASCII = 0
        var plausible = 0
        var marks = 0
        var beforePrevious: Unicode.Scalar = " "
        var previous: Unicode.Scalar = " "
        var previousWasHigh = false
        var pendingIsolated = false
        for scalar in text.unicodeScalars {
            let isHigh = scalar.value >= 0x80 && scalar != "\u{FFFD}"
            if CharsetReading.isMojibakeRun(beforePrevious, previous, scalar) { marks += 1 }
            if language == .singleByte {
                // A high character counts when it stands alone among ASCII: accented letters and typographic
                // quotes do, CJK bytes read one by one come in runs.
                if pendingIsolated && !isHigh { plausible += 1 }
                pendingIsolated = isHigh && !previousWasHigh
            } else if isHigh && language.accepts(scalar) {
                plausible += 1
            }
            if isHigh { nonASCII += 1 }
            beforePrevious = previous
            previous = scalar
            previousWasHigh = isHigh
        }
        if pendingIsolated { plausible += 1 }
        self.nonASCII = nonASCII
        self.plausible = plausible
        self.mojibakeMarks = marks
    }

    /// 1 for clean believable text, lower with implausible characters, negative when errors dominate.
    var quality: Double {
        guard nonASCII + invalidSequences > 0 else { return 1 }
        return Double(plausible - 3 * invalidSequences - 2 * mojibakeMarks) / Double(nonASCII + invalidSequences)
    }

    /// Worth checking against the other charsets: errors beyond the odd damaged byte, implausible text,
    /// or UTF-8 read as Latin-1.
    var looksWrong: Bool {
        invalidSequences > max(1, nonASCII / 100) || quality < 0.5 || mojibakeMarks >= 2
    }

    /// Whether this reading should replace a declared one that looks wrong: it must be clearly more believable,
    /// believable in itself, and rest on enough characters that a few stray bytes cannot overrule a declaration.
    func overrules(_ declared: CharsetReading) -> Bool {
        plausible >= 8 && !looksWrong && quality > declared.quality + 0.2
    }

    /// Whether `last` completes a UTF-8 sequence read as Latin-1: a two-byte lead (Â…ß) and one continuation
    /// byte (`Ã£`), or a three-byte lead (à…ï) and two (`ä¸­`, `å¤§`). Continuation bytes show as U+0080–U+00BF
    /// or as windows-1252's substitutes for 0x80–0x9F. Requiring the full sequence keeps real Latin text
    /// (`passé»`, `Tomáš`) out.
    static func isMojibakeRun(_ first: Unicode.Scalar, _ second: Unicode.Scalar, _ last: Unicode.Scalar) -> Bool {
        guard isContinuation(last) else { return false }
        if (0xC2...0xDF).contains(second.value) { return true }
        return (0xE0...0xEF).contains(first.value) && isContinuation(second)
    }

    /// Every character of a page goes through this: the range tests keep CJK text away from the set's hashing.
    private static func isContinuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return false }
        if value <= 0xBF { return true }
        return value >= 0x152 && value <= 0x2122 && windows1252Substitutes.contains(value)
    }

    private static let windows1252Substitutes: Set<UInt32> = Set(windows1252High.filter { $0 > 0xFF })
}

/// The script a charset is used for, which decides which characters count as plausible.
enum CharsetLanguage: Equatable {
    case chinese, japanese, korean, singleByte, unicode

    init(charset: String) {
        switch charset {
        case "gb18030", "big5": self = .chinese
        case "shift_jis", "euc-jp", "iso-2022-jp": self = .japanese
        case "euc-kr": self = .korean
        case "utf-8", "utf-16le", "utf-16be", "utf-32le", "utf-32be": self = .unicode
        default: self = .singleByte
        }
    }

    func accepts(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        let punctuation = (0x3000...0x303F).contains(value) || (0xFF01...0xFF5E).contains(value)
            || (0x2010...0x2027).contains(value)
        switch self {
        case .chinese:
            return punctuation || CharsetCommonHanzi.contains(scalar)
        case .japanese:
            return punctuation || (0x3040...0x30FF).contains(value) || CharsetCommonHanzi.contains(scalar)
        case .korean:
            return punctuation || (0xAC00...0xD7A3).contains(value) || CharsetCommonHanzi.contains(scalar)
        case .unicode:
            return !(0x80...0x9F).contains(value) && !(0xE000...0xF8FF).contains(value)
        case .singleByte:
            return true
        }
    }
}

/// A pass over the bytes as UTF-8: how many well-formed multi-byte sequences and how many invalid ones.
/// Invalid sequences are counted as WHATWG and Unicode ("maximal subpart") count them: a lead byte and the
/// continuation bytes that still fit it form one error.
struct UTF8Profile {
    private(set) var multiByteSequences = 0
    private(set) var invalidSequences = 0
    private(set) var highBytes = 0

    init(_ bytes: Data) {
        // Every byte at or above 0x80 belongs to exactly one sequence the scan visits (valid or not), and a
        // sequence holds no other bytes, so their lengths add up to the high bytes.
        bytes.withUnsafeBytes { buffer in
            UTF8Profile.scan(buffer) { isValid, start, end in
                if isValid { multiByteSequences += 1 } else { invalidSequences += 1 }
                highBytes += end - start
            }
        }
    }

    /// Clearly UTF-8: non-ASCII text whose few errors (under 2 %) look like damage, not another charset.
    /// Legacy CJK bytes form a valid UTF-8 sequence only by accident, for a small share of characters.
    var isConfidentUTF8: Bool {
        multiByteSequences > 0 && invalidSequences * 50 <= multiByteSequences
    }

    /// The text with each invalid sequence replaced by U+FFFD. Done here because the standard library's own
    /// repair takes a slow path that cost 150 ms on a 60 KB GBK page read as UTF-8.
    static func decode(_ bytes: Data, invalidSequences: Int? = nil) -> String {
        if invalidSequences == 0 { return String(decoding: bytes, as: UTF8.self) }
        return bytes.withUnsafeBytes { buffer in
            var repaired: [UInt8] = []
            var copiedUpTo = 0
            scan(buffer) { isValid, start, end in
                guard !isValid else { return }
                if repaired.isEmpty { repaired.reserveCapacity(buffer.count + 64) }
                repaired.append(contentsOf: buffer[copiedUpTo..<start])
                repaired.append(contentsOf: CharsetConverter.replacementCharacter)
                copiedUpTo = end
            }
            if copiedUpTo == 0 && repaired.isEmpty {
                return String(decoding: buffer.bindMemory(to: UInt8.self), as: UTF8.self)
            }
            repaired.append(contentsOf: buffer[copiedUpTo...])
            return String(decoding: repaired, as: UTF8.self)
        }
    }

    /// Calls `visit(isValid, start, end)` for every non-ASCII sequence, valid or not.
    private static func scan(_ buffer: UnsafeRawBufferPointer, _ visit: (Bool, Int, Int) -> Void) {
        var index = 0
        let count = buffer.count
        while index < count {
            // Markup is mostly ASCII even on CJK pages: eight bytes are checked at once while none is high.
            while index + 8 <= count && buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = buffer[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let (length, secondRange): (Int, ClosedRange<UInt8>) = switch lead {
            case 0xC2...0xDF: (2, 0x80...0xBF)
            case 0xE0: (3, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
            case 0xED: (3, 0x80...0x9F)
            case 0xF0: (4, 0x90...0xBF)
            case 0xF1...0xF3: (4, 0x80...0xBF)
            case 0xF4: (4, 0x80...0x8F)
            default: (0, 0...0)
            }
            var matched = length > 0 ? 1 : 0
            while matched > 0 && matched < length && index + matched < count {
                let range = matched == 1 ? secondRange : 0x80...0xBF
                guard range.contains(buffer[index + matched]) else { break }
                matched += 1
            }
            let isValid = length > 0 && matched == length
            visit(isValid, index, index + max(matched, 1))
            index += max(matched, 1)
        }
    }
}
