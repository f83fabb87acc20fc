import Foundation
import SluiceCore
import SluiceParse

/// Pages shaped to expose work that grows faster than the input: each is generated at a size (a count of its
/// repeated unit) and measured at that size and four times it. Linear work grows about 4×; quadratic 16×.
public enum HostileShape: String, CaseIterable, Codable, Sendable {
    /// Distinct attributes on one element.
    case attributesOnOneElement = "attributes-on-one-element"
    /// Attributes ten to an element.
    case attributesSpread = "attributes-spread"
    /// Sibling paragraphs in one container.
    case siblingParagraphs = "sibling-paragraphs"
    /// Tiny text nodes, each followed by a line break, in one paragraph.
    case tinyTextNodes = "tiny-text-nodes"
    /// One text node of this many bytes (Latin words and CJK text with its punctuation).
    case singleTextNode = "single-text-node"
    /// Inline tags nested 200 deep (under libxml2's depth limit of 256), run after run.
    case nestedInlineTags = "nested-inline-tags"

    /// The size each shape is reported at: 100,000 attributes, 50,000 paragraphs, 200,000 text nodes,
    /// a 1 MB text node, 10,000 nested tags.
    public var reportedCount: Int {
        switch self {
        case .attributesOnOneElement, .attributesSpread: 100_000
        case .siblingParagraphs: 50_000
        case .tinyTextNodes: 200_000
        case .singleTextNode: 1_000_000
        case .nestedInlineTags: 10_000
        }
    }

    /// The page with `count` units of the shape.
    public func html(count: Int) -> String {
        let head = "<html><head><title>Hostile page</title></head><body>"
        let tail = "</body></html>"
        switch self {
        case .attributesOnOneElement:
            return head + "<div " + (0..<count).map { "a\($0)=\"v\"" }.joined(separator: " ") + ">text</div>" + tail
        case .attributesSpread:
            let element = { (index: Int) in
                "<span " + (0..<10).map { "d\($0)-\(index)=\"x\"" }.joined(separator: " ") + ">w</span>"
            }
            return head + "<div>" + (0..<max(1, count / 10)).map(element).joined() + "</div>" + tail
        case .siblingParagraphs:
            return head + "<div>" + String(repeating: "<p>A short paragraph, with a comma in it.</p>", count: count)
                + "</div>" + tail
        case .tinyTextNodes:
            return head + "<p>" + String(repeating: "w<br>", count: count) + "</p>" + tail
        case .singleTextNode:
            let unit = "word 中文，字。"
            return head + "<p>" + String(repeating: unit, count: max(1, count / unit.utf8.count)) + "</p>" + tail
        case .nestedInlineTags:
            let depth = 200
            let run = String(repeating: "<span><b>", count: depth / 2) + "x"
                + String(repeating: "</b></span>", count: depth / 2)
            return head + "<div>" + String(repeating: run, count: max(1, count / depth)) + "</div>" + tail
        }
    }
}

/// Time of extraction (charset decoding, parsing and every field, as `sluice extract`) and of parsing alone
/// for each hostile shape at a size and at four times it.
public enum ScalingBenchmark {
    /// Each shape at a quarter of its reported count and at the full count; the best of `repetitions` runs.
    public static func run(repetitions: Int, shapes: [HostileShape] = HostileShape.allCases) -> ScalingReport {
        ScalingReport(repetitions: repetitions, rows: shapes.map {
            measure($0, count: $0.reportedCount / 4, repetitions: repetitions)
        })
    }

    /// The shape at `count` and `4 × count`; the fastest of `repetitions` runs of each, alternating, so a
    /// spell of machine load weighs on both sizes.
    public static func measure(_ shape: HostileShape, count: Int, repetitions: Int) -> ScalingReport.Row {
        let small = Data(shape.html(count: count).utf8)
        let large = Data(shape.html(count: count * 4).utf8)
        var times = (small: Double.infinity, large: Double.infinity, smallParse: Double.infinity,
                     largeParse: Double.infinity)
        let extractor = Extractor()
        for _ in 0..<max(1, repetitions) {
            times.small = min(times.small, ParseBenchmark.measure { extract(small, extractor) })
            times.large = min(times.large, ParseBenchmark.measure { extract(large, extractor) })
            times.smallParse = min(times.smallParse, ParseBenchmark.measure { parse(small) })
            times.largeParse = min(times.largeParse, ParseBenchmark.measure { parse(large) })
        }
        return ScalingReport.Row(shape: shape, count: count, bytes: small.count, largeBytes: large.count,
                                 seconds: times.small, largeSeconds: times.large,
                                 parseSeconds: times.smallParse, largeParseSeconds: times.largeParse)
    }

    private static func extract(_ bytes: Data, _ extractor: Extractor) {
        let decoded = CharsetDecoder.decode(bytes, contentType: nil)
        _ = try? extractor.extract(html: decoded.text, baseURL: nil)
    }

    private static func parse(_ bytes: Data) {
        HTMLDocument.parseAlone(html: String(decoding: bytes, as: UTF8.self))
    }
}

/// How extraction time grows with the input for each hostile shape.
public struct ScalingReport: Codable, Sendable, CustomStringConvertible {
    /// One shape at two sizes.
    public struct Row: Codable, Sendable {
        public var shape: HostileShape
        public var count: Int
        public var bytes: Int
        public var largeBytes: Int
        public var seconds: Double
        public var largeSeconds: Double
        public var parseSeconds: Double
        public var largeParseSeconds: Double

        /// Extraction time at four times the size over the time at the size: about 4 when linear.
        public var growth: Double
        public var parseGrowth: Double

        enum CodingKeys: String, CodingKey {
            case shape, count, bytes, seconds, growth
            case largeBytes = "large_bytes"
            case largeSeconds = "large_seconds"
            case parseSeconds = "parse_seconds"
            case largeParseSeconds = "large_parse_seconds"
            case parseGrowth = "parse_growth"
        }

        init(shape: HostileShape, count: Int, bytes: Int, largeBytes: Int, seconds: Double,
             largeSeconds: Double, parseSeconds: Double, largeParseSeconds: Double) {
            self.shape = shape
            self.count = count
            self.bytes = bytes
            self.largeBytes = largeBytes
            self.seconds = seconds
            self.largeSeconds = largeSeconds
            self.parseSeconds = parseSeconds
            self.largeParseSeconds = largeParseSeconds
            growth = largeSeconds / max(seconds, 1e-9)
            parseGrowth = largeParseSeconds / max(parseSeconds, 1e-9)
        }
    }

    public var repetitions: Int
    public var rows: [Row]

    public var description: String {
        func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        func milliseconds(_ value: Double) -> String { String(format: "%.1f ms", value * 1000) }
        func megabytes(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1_048_576) }
        var lines = [
            "hostile shapes at N and 4N units, best of \(repetitions); growth = time(4N) / time(N): about 4 when linear, 16 when quadratic",
            cell("shape", 27) + cell("N", 9) + cell("bytes N", 10) + cell("bytes 4N", 10) + cell("extract N", 12)
                + cell("extract 4N", 12) + cell("growth", 8) + cell("parse N", 11) + cell("parse 4N", 11) + "parse growth",
        ]
        for row in rows {
            lines.append(cell(row.shape.rawValue, 27) + cell(String(row.count), 9) + cell(megabytes(row.bytes), 10)
                + cell(megabytes(row.largeBytes), 10) + cell(milliseconds(row.seconds), 12)
                + cell(milliseconds(row.largeSeconds), 12) + cell(String(format: "%.1f", row.growth), 8)
                + cell(milliseconds(row.parseSeconds), 11) + cell(milliseconds(row.largeParseSeconds), 11)
                + String(format: "%.1f", row.parseGrowth))
        }
        return lines.joined(separator: "\n")
    }
}
