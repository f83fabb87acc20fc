import Foundation

/// The WHATWG Encoding Standard's label table (encoding.spec.whatwg.org, "Names and labels"), restricted to the
/// encodings glibc iconv can decode, with the iconv name used for each. Big5 is read as CP950, the form
/// Taiwanese sites write: glibc's BIG5-HKSCS rejects common CP950 punctuation such as A1FE (／).
///
/// Deviations from the table, on purpose: the GBK labels (gb2312, gbk, x-gbk, …) name the GB18030 decoder,
/// which is what the standard's gbk decoder is; the "replacement" labels (iso-2022-kr, hz-gb-2312, …) and
/// UTF-7 are refused and treated as no declaration at all (HTML: "UTF-7 must not be supported").
enum CharsetLabels {
    struct Encoding {
        /// The WHATWG name, lowercased; what `DecodedText.charset` reports.
        let name: String
        let iconvName: String
        let labels: [String]
    }

    static let encodings: [Encoding] = {
        var table: [Encoding] = [
            Encoding(name: "utf-8", iconvName: "UTF-8",
                     labels: ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"]),
            Encoding(name: "ibm866", iconvName: "IBM866", labels: ["866", "cp866", "csibm866", "ibm866"]),
            Encoding(name: "koi8-r", iconvName: "KOI8-R", labels: ["cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"]),
            Encoding(name: "koi8-u", iconvName: "KOI8-U", labels: ["koi8-ru", "koi8-u"]),
            Encoding(name: "macintosh", iconvName: "MACINTOSH", labels: ["csmacintosh", "mac", "macintosh", "x-mac-roman"]),
            Encoding(name: "windows-874", iconvName: "CP874",
                     labels: ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"]),
            Encoding(name: "gb18030", iconvName: "GB18030",
                     labels: ["gb18030", "chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80",
                              "gbk", "iso-ir-58", "x-gbk"]),
            Encoding(name: "big5", iconvName: "CP950", labels: ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"]),
            Encoding(name: "euc-jp", iconvName: "EUC-JP", labels: ["cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"]),
            Encoding(name: "iso-2022-jp", iconvName: "ISO-2022-JP", labels: ["csiso2022jp", "iso-2022-jp"]),
            Encoding(name: "shift_jis", iconvName: "CP932",
                     labels: ["csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"]),
            Encoding(name: "euc-kr", iconvName: "CP949",
                     labels: ["cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
                              "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"]),
            Encoding(name: "utf-16be", iconvName: "UTF-16BE", labels: ["unicodefffe", "utf-16be"]),
            Encoding(name: "utf-16le", iconvName: "UTF-16LE",
                     labels: ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"]),
            // Not WHATWG labels: reached only through a byte order mark or the null-byte pattern.
            Encoding(name: "utf-32be", iconvName: "UTF-32BE", labels: []),
            Encoding(name: "utf-32le", iconvName: "UTF-32LE", labels: []),
        ]
        let latin1Labels = ["ansi_x3.4-1968", "ascii", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100",
                            "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii"]
        let latin5Labels = ["csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
                            "iso_8859-9:1989", "l5", "latin5"]
        for page in 1250...1258 {
            var labels = ["cp\(page)", "windows-\(page)", "x-cp\(page)"]
            if page == 1252 { labels += latin1Labels }
            if page == 1254 { labels += latin5Labels }
            table.append(Encoding(name: "windows-\(page)", iconvName: "CP\(page)", labels: labels))
        }
        let isoExtraLabels: [Int: [String]] = [
            2: ["csisolatin2", "iso-ir-101", "l2", "latin2"], 3: ["csisolatin3", "iso-ir-109", "l3", "latin3"],
            4: ["csisolatin4", "iso-ir-110", "l4", "latin4"], 5: ["csisolatincyrillic", "cyrillic", "iso-ir-144"],
            6: ["arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114", "iso-8859-6-e",
                "iso-8859-6-i", "iso-ir-127"],
            7: ["csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-ir-126", "sun_eu_greek"],
            8: ["csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8-e", "iso-ir-138", "visual", "iso-8859-8-i",
                "csiso88598i", "logical"],
            10: ["csisolatin6", "iso-ir-157", "l6", "latin6"], 13: [], 14: [],
            15: ["csisolatin9", "l9", "latin9"], 16: [],
        ]
        for (part, extra) in isoExtraLabels.sorted(by: { $0.key < $1.key }) {
            let labels = ["iso-8859-\(part)", "iso8859-\(part)", "iso8859\(part)", "iso_8859-\(part)"] + extra
            table.append(Encoding(name: "iso-8859-\(part)", iconvName: "ISO-8859-\(part)", labels: labels))
        }
        return table
    }()

    static let byLabel: [String: Encoding] = {
        var index: [String: Encoding] = [:]
        for encoding in encodings {
            for label in encoding.labels { index[label] = encoding }
        }
        return index
    }()

    static let byName: [String: Encoding] = Dictionary(encodings.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// Labels are compared after trimming ASCII white space and lowercasing, as the standard says.
    static func encoding(forLabel label: String) -> Encoding? {
        let trimmed = label.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return byLabel[trimmed]
    }
}
