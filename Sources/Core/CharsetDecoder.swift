import Foundation

/// A response body decoded to Unicode, with the charset used and the evidence that chose it.
public struct DecodedText: Sendable, Equatable {
    public var text: String
    /// The WHATWG name of the charset used (`utf-8`, `gb18030`, `big5`, `windows-1252`, …).
    public var charset: String
    public var basis: CharsetBasis
    /// The declared charset gave mojibake and another reading replaced it.
    public var repaired: Bool

    public init(text: String, charset: String, basis: CharsetBasis, repaired: Bool) {
        self.text = text
        self.charset = charset
        self.basis = basis
        self.repaired = repaired
    }
}

/// Decodes response bodies to Unicode before libxml2 sees them: libxml2 never gets the HTTP header and falls
/// back to Latin-1 on bad UTF-8.
///
/// Order (WHATWG and SECURITY.md 14): a byte order mark, then the HTTP `charset`, then the `<meta>`/XML
/// declaration in the first 8 KiB, then detection. Declarations lie on Chinese sites (UTF-8 pages still saying
/// gb2312, GBK pages served as ISO-8859-1), so a declared reading that looks wrong is compared with the
/// detected one and replaced when that is clearly better; a byte order mark is never second-guessed.
public enum CharsetDecoder {
    /// Never fails: undecodable bytes become U+FFFD. `contentType` is the HTTP header value, if any.
    public static func decode(_ body: Data, contentType: String?) -> DecodedText {
        if let mark = CharsetSniffing.byteOrderMark(body) {
            let reading = CharsetReading(body.dropFirst(mark.length), charset: mark.name)
            return DecodedText(text: reading.text, charset: reading.charset, basis: .bom, repaired: false)
        }
        let fromHeader = contentType.flatMap(CharsetSniffing.charsetParameter).flatMap(CharsetLabels.encoding(forLabel:))
        let declared = fromHeader.map { ($0.name, CharsetBasis.header) }
            ?? CharsetSniffing.declaredEncoding(body).map { ($0.name, CharsetBasis.meta) }
        let profile = UTF8Profile(body)
        // Well-formed UTF-8, declared as such or not declared at all, is read as UTF-8 whatever its text looks
        // like: detection of undeclared bytes picks UTF-8 for them, so judging the reading could only confirm it.
        // Only a UTF-16/32 zero-byte pattern (or ISO-2022-JP escapes, undeclared) takes the general path.
        if profile.invalidSequences == 0 && (declared == nil || declared?.0 == "utf-8") && wideUnicodeCharset(body) == nil
            && (declared != nil || !looksLikeISO2022JP(body)) {
            let basis = declared?.1 ?? (profile.highBytes == 0 ? .fallback : .detected)
            return DecodedText(text: UTF8Profile.decode(body, invalidSequences: 0), charset: "utf-8", basis: basis, repaired: false)
        }
        guard let (charset, basis) = declared else {
            let detected = detect(body, profile: profile)
            return DecodedText(text: detected.text, charset: detected.charset,
                               basis: profile.highBytes == 0 ? .fallback : .detected, repaired: false)
        }
        if charset != "utf-8" && !charset.hasPrefix("utf-") && profile.isConfidentUTF8 {
            let reading = CharsetReading(body, charset: "utf-8")
            return DecodedText(text: reading.text, charset: reading.charset, basis: .detected, repaired: true)
        }
        let reading = CharsetReading(body, charset: charset, profile: profile)
        if reading.looksWrong {
            let detected = detect(body, profile: profile)
            if detected.charset != reading.charset && detected.overrules(reading) {
                return DecodedText(text: detected.text, charset: detected.charset, basis: .detected, repaired: true)
            }
        }
        return DecodedText(text: reading.text, charset: reading.charset, basis: basis, repaired: false)
    }

    /// WHATWG label → the codec we use (nil for unknown/refused labels such as utf-7).
    public static func canonicalLabel(_ label: String) -> String? {
        CharsetLabels.encoding(forLabel: label)?.name
    }

    /// How many UTF-8-read-as-Latin-1 traces (`ä¸­`, `å¤§`, `Ã£`) a text carries; 0 for clean text.
    public static func mojibakeMarks(in text: String) -> Int {
        CharsetReading(charset: "utf-8", text: text, invalidSequences: 0).mojibakeMarks
    }

    /// Charsets detection chooses among, most likely first: ties go to the earlier one.
    static let detectionCandidates = ["gb18030", "big5", "shift_jis", "euc-jp", "euc-kr", "windows-1252"]

    /// The most believable reading of undeclared (or wrongly declared) bytes.
    static func detect(_ body: Data, profile: UTF8Profile) -> CharsetReading {
        if profile.invalidSequences == 0 && !looksLikeISO2022JP(body) {
            if let wide = wideUnicodeCharset(body) { return CharsetReading(body, charset: wide) }
            return CharsetReading(body, charset: "utf-8", profile: profile)
        }
        if looksLikeISO2022JP(body) { return CharsetReading(body, charset: "iso-2022-jp") }
        if let wide = wideUnicodeCharset(body) { return CharsetReading(body, charset: wide) }
        // UTF-8 with errors competes only when the errors look like damage, not like another charset.
        let damagedUTF8 = profile.invalidSequences * 10 <= profile.multiByteSequences
        var best: CharsetReading? = damagedUTF8 ? CharsetReading(body, charset: "utf-8", profile: profile) : nil
        for candidate in detectionCandidates {
            let reading = CharsetReading(body, charset: candidate)
            if reading.quality > best?.quality ?? -.infinity { best = reading }
        }
        return best ?? CharsetReading(body, charset: "windows-1252")
    }

    /// UTF-16 or UTF-32 without a byte order mark, recognised by where the zero bytes of ASCII text fall.
    static func wideUnicodeCharset(_ body: Data) -> String? {
        let sample = [UInt8](body.prefix(4096))
        guard sample.count >= 8 else { return nil }
        var zerosAt = [0, 0, 0, 0]
        for (index, byte) in sample.enumerated() where byte == 0 { zerosAt[index % 4] += 1 }
        let quarter = sample.count / 4
        let mostly = { (count: Int) in count * 10 >= quarter * 7 }
        if mostly(zerosAt[0]) && mostly(zerosAt[1]) && mostly(zerosAt[2]) { return "utf-32be" }
        if mostly(zerosAt[1]) && mostly(zerosAt[2]) && mostly(zerosAt[3]) { return "utf-32le" }
        if mostly(zerosAt[0]) && mostly(zerosAt[2]) { return "utf-16be" }
        if mostly(zerosAt[1]) && mostly(zerosAt[3]) { return "utf-16le" }
        return nil
    }

    /// 7-bit bytes carrying ISO-2022-JP's escape into JIS X 0208 (`ESC $ B` or `ESC $ @`).
    static func looksLikeISO2022JP(_ body: Data) -> Bool {
        let sample = [UInt8](body.prefix(65536))
        guard !sample.contains(where: { $0 >= 0x80 }) else { return false }
        for index in sample.indices.dropLast(2) where sample[index] == 0x1B && sample[index + 1] == 0x24 {
            if sample[index + 2] == 0x42 || sample[index + 2] == 0x40 { return true }
        }
        return false
    }
}
