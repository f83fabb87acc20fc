import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

/// The charset measurement on the shared corpus: per set, how many pages got the right charset and how many
/// still show mojibake after decoding, plus decoding speed against plain iconv with the known charset.
public struct CharsetReport: Codable, Sendable, CustomStringConvertible {
    /// Figures for one corpus set.
    public struct SetFigures: Codable, Sendable {
        public var set: String
        public var pages: Int
        public var charsetCorrect: Int
        public var repaired: Int
        /// Pages whose text has more U+FFFD than their damaged bytes explain, or UTF-8-as-Latin-1 traces.
        public var mojibakePages: Int
        public var titleMojibake: Int
        public var bodyPrefixChecked: Int
        public var bodyPrefixFound: Int
    }

    /// The outcome for one page.
    public struct PageResult: Codable, Sendable {
        public var set: String
        public var id: String
        public var trueEncoding: String
        public var declaredCharset: String?
        public var decodedCharset: String
        public var basis: CharsetBasis
        public var repaired: Bool
        public var charsetCorrect: Bool
        public var replacementCharacters: Int
        /// U+FFFD the ground truth expects (damaged bytes named in `encoding_basis`).
        public var allowedReplacementCharacters: Int
        public var mojibakeMarks: Int
        public var titleClean: Bool
        /// nil when the ground truth has no body to look for.
        public var bodyPrefixFound: Bool?

        public var hasMojibake: Bool { replacementCharacters > allowedReplacementCharacters || mojibakeMarks > 0 }
    }

    public var sets: [SetFigures]
    public var pages: [PageResult]
    public var bytes: Int
    public var decodeSeconds: Double
    /// The same bytes through iconv (or Foundation for UTF-8) with the true charset already known.
    public var referenceSeconds: Double

    public var description: String {
        var lines = ["set                              pages  charset-ok  repaired  mojibake  title-mojibake  body-prefix"]
        for figures in sets {
            let prefix = figures.bodyPrefixChecked == 0 ? "-" : "\(figures.bodyPrefixFound)/\(figures.bodyPrefixChecked)"
            lines.append(figures.set.padding(toLength: 32, withPad: " ", startingAt: 0)
                         + String(format: " %5d  %10d  %8d  %8d  %14d  %11@", figures.pages, figures.charsetCorrect,
                                  figures.repaired, figures.mojibakePages, figures.titleMojibake, prefix))
        }
        for page in pages where !page.charsetCorrect || page.hasMojibake || page.bodyPrefixFound == false {
            lines.append("  \(page.set)/\(page.id): true \(page.trueEncoding), declared \(page.declaredCharset ?? "none"), "
                         + "decoded \(page.decodedCharset) (\(page.basis.rawValue)), U+FFFD \(page.replacementCharacters)"
                         + "/\(page.allowedReplacementCharacters), marks \(page.mojibakeMarks)")
        }
        let megabytes = Double(bytes) / 1_000_000
        lines.append(String(format: "decoding %.2f MB: %.3f s (%.1f MB/s); iconv with the known charset %.3f s; ratio %.2f",
                            megabytes, decodeSeconds, megabytes / max(decodeSeconds, 1e-9), referenceSeconds,
                            decodeSeconds / max(referenceSeconds, 1e-9)))
        return lines.joined(separator: "\n")
    }
}

/// Runs the charset measurement over `<corpus>/<set>/<id>.html` with the ground truth beside each page.
public enum CharsetEvaluation {
    /// The sets with legacy-encoded pages; the other sets are UTF-8 and count only where a declaration lies.
    public static let legacySets = ["chinese-web-content-extraction", "chardet-encodings"]

    /// `sets` nil: the legacy sets in full, plus the pages of other sets whose declaration disagrees with their bytes.
    public static func run(corpus: URL, sets: [String]? = nil) -> CharsetReport {
        let chosenSets = sets ?? ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.contains(".") }.sorted()
        var report = CharsetReport(sets: [], pages: [], bytes: 0, decodeSeconds: 0, referenceSeconds: 0)
        for set in chosenSets {
            let directory = corpus.appendingPathComponent(set)
            let ids = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
            var figures = CharsetReport.SetFigures(set: set, pages: 0, charsetCorrect: 0, repaired: 0, mojibakePages: 0,
                                                   titleMojibake: 0, bodyPrefixChecked: 0, bodyPrefixFound: 0)
            for id in ids {
                guard let truth = try? JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: directory.appendingPathComponent(id + ".json"))),
                      let body = try? Data(contentsOf: directory.appendingPathComponent(id + ".html")) else { continue }
                let includeAll = sets != nil || legacySets.contains(set)
                guard includeAll || truth.declarationDisagrees else { continue }
                let page = evaluate(set: set, id: id, body: body, truth: truth, report: &report)
                report.pages.append(page)
                figures.pages += 1
                figures.charsetCorrect += page.charsetCorrect ? 1 : 0
                figures.repaired += page.repaired ? 1 : 0
                figures.mojibakePages += page.hasMojibake ? 1 : 0
                figures.titleMojibake += page.titleClean ? 0 : 1
                if let found = page.bodyPrefixFound {
                    figures.bodyPrefixChecked += 1
                    figures.bodyPrefixFound += found ? 1 : 0
                }
            }
            if figures.pages > 0 { report.sets.append(figures) }
        }
        return report
    }

    private static func evaluate(set: String, id: String, body: Data, truth: GroundTruth,
                                 report: inout CharsetReport) -> CharsetReport.PageResult {
        let clock = ContinuousClock()
        var decoded = DecodedText(text: "", charset: "", basis: .fallback, repaired: false)
        let decodeTime = clock.measure { decoded = CharsetDecoder.decode(body, contentType: nil) }
        let trueCharset = canonicalTrueCharset(truth.encoding)
        var reference = ""
        let referenceTime = clock.measure {
            reference = trueCharset.map { referenceText(body, charset: $0) } ?? ""
        }
        report.bytes += body.count
        report.decodeSeconds += decodeTime.seconds
        report.referenceSeconds += referenceTime.seconds
        let correct = decoded.charset == trueCharset || (trueCharset != nil && decoded.text == reference)
        let replacements = decoded.text.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) }
        let title = titleText(decoded.text)
        return CharsetReport.PageResult(
            set: set, id: id, trueEncoding: truth.encoding, declaredCharset: truth.declaredCharset,
            decodedCharset: decoded.charset, basis: decoded.basis, repaired: decoded.repaired, charsetCorrect: correct,
            replacementCharacters: replacements, allowedReplacementCharacters: truth.damagedSequences,
            mojibakeMarks: CharsetDecoder.mojibakeMarks(in: decoded.text),
            titleClean: !title.unicodeScalars.contains("\u{FFFD}") && CharsetDecoder.mojibakeMarks(in: title) == 0,
            bodyPrefixFound: truth.bodyProbe.map { decoded.text.contains($0) })
    }

    /// Whether we decode this true encoding at all (Johab and EUC-TW are out of scope).
    public static func decodable(_ encoding: String) -> Bool { canonicalTrueCharset(encoding) != nil }

    /// The corpus names true encodings the way Python does; GB2312 and GBK bytes are GB18030 bytes, and
    /// ASCII is UTF-8. nil for encodings we do not decode (Johab, EUC-TW).
    static func canonicalTrueCharset(_ encoding: String) -> String? {
        switch encoding.lowercased() {
        case "ascii": "utf-8"
        case "cp932": "shift_jis"
        case "cp949": "euc-kr"
        case "cp950": "big5"
        case "utf-16be", "utf-16le", "utf-32be", "utf-32le": encoding.lowercased()
        default: CharsetDecoder.canonicalLabel(encoding)
        }
    }

    /// The text of the page read with its true charset, byte order mark removed.
    private static func referenceText(_ body: Data, charset: String) -> String {
        let start = CharsetSniffing.byteOrderMark(body)?.length ?? 0
        return CharsetReading.decodeOnly(body.dropFirst(start), charset: charset).text
    }

    private static func titleText(_ text: String) -> String {
        guard let open = text.range(of: "<title", options: .caseInsensitive),
              let start = text.range(of: ">", range: open.upperBound..<text.endIndex),
              let end = text.range(of: "</title", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
        else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }

    private struct GroundTruth: Decodable {
        var encoding: String
        var declaredCharset: String?
        var encodingBasis: String?
        var body: String?

        enum CodingKeys: String, CodingKey {
            case encoding, body
            case declaredCharset = "declared_charset"
            case encodingBasis = "encoding_basis"
        }

        /// "gb2312 leaves 12 invalid byte sequence(s)" → 12.
        var damagedSequences: Int {
            guard let basis = encodingBasis, let range = basis.range(of: "leaves ") else { return 0 }
            return Int(basis[range.upperBound...].prefix { $0.isNumber }) ?? 0
        }

        var declarationDisagrees: Bool {
            guard let declaredCharset else { return false }
            return CharsetDecoder.canonicalLabel(declaredCharset) != CharsetEvaluation.canonicalTrueCharset(encoding)
        }

        /// The first run of four to eight Han characters in the body: markup never splits such a run.
        var bodyProbe: String? {
            guard let body else { return nil }
            var run = ""
            for scalar in body.unicodeScalars {
                if (0x4E00...0x9FFF).contains(scalar.value) {
                    run.unicodeScalars.append(scalar)
                    if run.unicodeScalars.count == 8 { return run }
                } else {
                    if run.unicodeScalars.count >= 4 { return run }
                    run = ""
                }
            }
            return run.unicodeScalars.count >= 4 ? run : nil
        }
    }
}
