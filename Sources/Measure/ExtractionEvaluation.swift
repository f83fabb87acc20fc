import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

public import Foundation

/// Extraction quality on a corpus in the `../shared/corpus` layout (`<set>/<id>.html` beside `<set>/<id>.json`
/// ground truth). Synthetic pages and non-HTML formats are left out; each page is scored only on the
/// fields its ground truth has.
public enum ExtractionEvaluation {
    /// Runs the extractor over the pages of `corpus` in `split` (see `CorpusSplit.assign`). `decode` turns the
    /// stored bytes into text and names the charset it chose (the fetch stage's decoder in production).
    public static func run(corpus: URL, split: CorpusSplit = .all,
                           decode: @Sendable (Data) -> (text: String, charset: String),
                           extractor: Extractor = Extractor()) throws -> ExtractionReport {
        var scores: [PageScore] = []
        let pages = try CorpusPage.all(in: corpus)
        for (page, half) in zip(pages, CorpusSplit.assign(pages)) where page.isScored && split.includes(half) {
            let decoded = decode(page.bytes)
            let extracted: Page
            do {
                extracted = try extractor.extract(html: decoded.text, baseURL: page.url)
            } catch {
                extracted = Page(warnings: ["\(error)"])
            }
            scores.append(PageScore(page: page, split: half, extracted: extracted, charset: decoded.charset))
        }
        return ExtractionReport(split: split, scores: scores)
    }
}

/// One corpus page with its ground truth.
struct CorpusPage {
    var set: String
    var id: String
    var bytes: Data
    var truth: [String: Any]

    var url: String? { truth["url"] as? String }
    /// Hand-written test pages and feeds or text files are not real HTML pages.
    var isScored: Bool {
        truth["synthetic"] as? Bool != true && (truth["format"] as? String ?? "html") == "html"
    }

    /// Every page of the corpus, in set and id order.
    static func all(in corpus: URL) throws -> [CorpusPage] {
        let files = FileManager.default
        var pages: [CorpusPage] = []
        let sets = try files.contentsOfDirectory(at: corpus, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for set in sets {
            let truthFiles = try files.contentsOfDirectory(at: set, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
            for truthFile in truthFiles {
                let htmlFile = truthFile.deletingPathExtension().appendingPathExtension("html")
                guard files.fileExists(atPath: htmlFile.path) else { continue }
                let truthData = try Data(contentsOf: truthFile)
                guard let truth = try JSONSerialization.jsonObject(with: truthData) as? [String: Any] else {
                    throw CorpusError(file: truthFile.path, reason: "ground truth is not a JSON object")
                }
                pages.append(CorpusPage(set: set.lastPathComponent, id: truthFile.deletingPathExtension().lastPathComponent,
                                        bytes: try Data(contentsOf: htmlFile), truth: truth))
            }
        }
        return pages
    }
}

/// A corpus file that could not be read as expected.
public struct CorpusError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "\(file): \(reason)" }
}

/// Scores of one page; nil where the ground truth has no value for the field.
public struct PageScore: Codable, Sendable {
    public var set: String
    public var id: String
    /// The half of the corpus the page belongs to: `tune` or `held-out`.
    public var split: CorpusSplit
    public var expectedTitle: String?
    public var title: String?
    public var titleMatches: Bool?
    public var bodyPrecision: Double?
    public var bodyRecall: Double?
    public var bodyF1: Double?
    public var expectedDate: String?
    public var date: String?
    public var dateMatches: Bool?
    public var expectedCharset: String?
    public var charset: String
    public var charsetMatches: Bool?

    enum CodingKeys: String, CodingKey {
        case set, id, split, title, date, charset
        case expectedTitle = "expected_title"
        case titleMatches = "title_matches"
        case bodyPrecision = "body_precision"
        case bodyRecall = "body_recall"
        case bodyF1 = "body_f1"
        case expectedDate = "expected_date"
        case dateMatches = "date_matches"
        case expectedCharset = "expected_charset"
        case charsetMatches = "charset_matches"
    }

    init(page: CorpusPage, split: CorpusSplit, extracted: Page, charset: String) {
        set = page.set
        id = page.id
        self.split = split
        self.charset = charset
        title = extracted.title
        date = extracted.publishedDate
        if let truth = page.truth["title"] as? String {
            expectedTitle = TextCleaning.line(truth)
            titleMatches = expectedTitle == TextCleaning.line(extracted.title ?? "")
        }
        if let body = page.truth["body"] as? String {
            let overlap = TokenOverlap(expected: body, found: extracted.mainText)
            bodyPrecision = overlap.precision
            bodyRecall = overlap.recall
            bodyF1 = overlap.f1
        }
        if let truth = page.truth["date"] as? String {
            if let day = PublishedDate.normalize(truth) {
                expectedDate = day
                dateMatches = extracted.publishedDate == day
            } else if truth.count == 4, Int(truth) != nil {
                expectedDate = truth
                dateMatches = extracted.publishedDate?.hasPrefix(truth) == true
            }
        }
        if let truth = page.truth["encoding"] as? String {
            expectedCharset = truth
            charsetMatches = CharsetFamily.same(truth, charset)
        }
    }
}

/// Bag-of-tokens overlap: each CJK character is one token, other scripts count words.
struct TokenOverlap {
    var precision: Double
    var recall: Double
    var f1: Double

    init(expected: String, found: String) {
        var counts: [String: Int] = [:]
        let expectedTokens = Script.tokens(expected)
        for token in expectedTokens { counts[token, default: 0] += 1 }
        let foundTokens = Script.tokens(found)
        var common = 0
        for token in foundTokens {
            if let remaining = counts[token], remaining > 0 {
                counts[token] = remaining - 1
                common += 1
            }
        }
        precision = foundTokens.isEmpty ? (expectedTokens.isEmpty ? 1 : 0) : Double(common) / Double(foundTokens.count)
        recall = expectedTokens.isEmpty ? 1 : Double(common) / Double(expectedTokens.count)
        f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
}

/// Charset labels that name the same decoding (WHATWG: gb2312 and gbk read as gb18030, latin1 as
/// windows-1252; ASCII is read correctly by any ASCII-compatible decoder).
enum CharsetFamily {
    static func canonical(_ label: String) -> String {
        let compact = label.lowercased().filter { $0.isLetter || $0.isNumber }
        switch compact {
        case "gb2312", "gbk", "gb18030", "cp936", "xgbk", "euccn": return "gb18030"
        case "ascii", "usascii", "utf8", "utf8sig": return "utf8"
        case "iso88591", "latin1", "windows1252", "cp1252": return "windows1252"
        case "big5", "cp950", "big5hkscs": return "big5"
        case "shiftjis", "sjis", "cp932", "windows31j": return "shiftjis"
        case "euckr", "cp949", "uhc": return "euckr"
        default: return compact
        }
    }

    static func same(_ expected: String, _ found: String) -> Bool {
        canonical(expected) == canonical(found)
    }
}

/// Figures per set and overall.
public struct ExtractionReport: Codable, Sendable, CustomStringConvertible {
    public struct Figures: Codable, Sendable {
        public var name: String
        public var pages: Int
        public var titlePages: Int
        public var titleExactRate: Double?
        public var bodyPages: Int
        public var bodyPrecision: Double?
        public var bodyRecall: Double?
        public var bodyF1: Double?
        public var datePages: Int
        public var dateAccuracy: Double?
        public var charsetPages: Int
        public var charsetAccuracy: Double?

        enum CodingKeys: String, CodingKey {
            case name, pages
            case titlePages = "title_pages"
            case titleExactRate = "title_exact_rate"
            case bodyPages = "body_pages"
            case bodyPrecision = "body_precision"
            case bodyRecall = "body_recall"
            case bodyF1 = "body_f1"
            case datePages = "date_pages"
            case dateAccuracy = "date_accuracy"
            case charsetPages = "charset_pages"
            case charsetAccuracy = "charset_accuracy"
        }

        init(name: String, scores: [PageScore]) {
            func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
            func rate(_ flags: [Bool]) -> Double? { mean(flags.map { $0 ? 1 : 0 }) }
            self.name = name
            pages = scores.count
            let titles = scores.compactMap(\.titleMatches)
            titlePages = titles.count
            titleExactRate = rate(titles)
            let f1s = scores.compactMap(\.bodyF1)
            bodyPages = f1s.count
            bodyPrecision = mean(scores.compactMap(\.bodyPrecision))
            bodyRecall = mean(scores.compactMap(\.bodyRecall))
            bodyF1 = mean(f1s)
            let dates = scores.compactMap(\.dateMatches)
            datePages = dates.count
            dateAccuracy = rate(dates)
            let charsets = scores.compactMap(\.charsetMatches)
            charsetPages = charsets.count
            charsetAccuracy = rate(charsets)
        }
    }

    /// The half of the corpus measured.
    public var split: CorpusSplit
    public var sets: [Figures]
    public var overall: Figures
    public var pages: [PageScore]

    init(split: CorpusSplit, scores: [PageScore]) {
        self.split = split
        var names: [String] = []
        for score in scores where !names.contains(score.set) { names.append(score.set) }
        sets = names.map { name in Figures(name: name, scores: scores.filter { $0.set == name }) }
        overall = Figures(name: "overall", scores: scores)
        pages = scores
    }

    public var description: String {
        func cell(_ value: Double?, _ count: Int) -> String {
            guard let value else { return "-".padding(toLength: 12, withPad: " ", startingAt: 0) }
            return "\(String(format: "%.3f", value)) (\(count))".padding(toLength: 12, withPad: " ", startingAt: 0)
        }
        var lines = ["split: \(split.rawValue)",
                     "set                             pages  title       body P      body R      body F1     date        charset"]
        for figures in sets + [overall] {
            lines.append(figures.name.padding(toLength: 32, withPad: " ", startingAt: 0)
                + String(figures.pages).padding(toLength: 7, withPad: " ", startingAt: 0)
                + cell(figures.titleExactRate, figures.titlePages) + cell(figures.bodyPrecision, figures.bodyPages)
                + cell(figures.bodyRecall, figures.bodyPages) + cell(figures.bodyF1, figures.bodyPages)
                + cell(figures.dateAccuracy, figures.datePages) + cell(figures.charsetAccuracy, figures.charsetPages))
        }
        return lines.joined(separator: "\n")
    }
}
