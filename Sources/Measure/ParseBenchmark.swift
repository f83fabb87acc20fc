import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

public import Foundation

/// Speed of parsing plus full extraction over a corpus, beside libxml2 parsing alone measured in the same
/// run and process (the ceiling for extraction). Decoding happens before timing starts.
public enum ParseBenchmark {
    /// Runs every `.html` file of `corpus` (`<set>/<id>.html`) `repetitions` times through both paths.
    public static func run(corpus: URL, repetitions: Int,
                           decode: @Sendable (Data) -> (text: String, charset: String)) throws -> ParseBenchmarkReport {
        let pages = try CorpusPage.all(in: corpus)
        let texts = pages.map { decode($0.bytes).text }
        let bytes = pages.reduce(0) { $0 + $1.bytes.count }
        let rounds = max(1, repetitions)
        let extractor = Extractor()

        // Rounds alternate between the two paths, so a change in machine load weighs on both alike.
        var parseOnly = 0.0, extraction = 0.0
        var failures = 0
        for _ in 0..<rounds {
            parseOnly += measure {
                for text in texts { HTMLDocument.parseAlone(html: text) }
            }
            failures = 0
            extraction += measure {
                for (text, page) in zip(texts, pages) {
                    do {
                        _ = try extractor.extract(html: text, baseURL: page.url)
                    } catch {
                        failures += 1
                    }
                }
            }
        }
        return ParseBenchmarkReport(pages: pages.count, bytes: bytes, repetitions: rounds,
                                    extractionSeconds: extraction, parseOnlySeconds: parseOnly, failures: failures)
    }

    /// Seconds `body` takes, on the monotonic clock.
    static func measure(_ body: () -> Void) -> Double {
        let elapsed = ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Throughput of extraction and of libxml2 parsing alone; `ratio` is extraction speed over parse speed.
public struct ParseBenchmarkReport: Codable, Sendable, CustomStringConvertible {
    public var pages: Int
    public var bytes: Int
    public var repetitions: Int
    public var extractionSeconds: Double
    public var parseOnlySeconds: Double
    /// Pages that gave a parse problem instead of a page.
    public var failures: Int

    public let extractionPagesPerSecond: Double
    public let extractionMegabytesPerSecond: Double
    public let parseOnlyPagesPerSecond: Double
    public let parseOnlyMegabytesPerSecond: Double
    /// Extraction speed over parse-only speed.
    public let ratio: Double

    enum CodingKeys: String, CodingKey {
        case pages, bytes, repetitions, failures, ratio
        case extractionSeconds = "extraction_seconds"
        case parseOnlySeconds = "parse_only_seconds"
        case extractionPagesPerSecond = "extraction_pages_per_second"
        case extractionMegabytesPerSecond = "extraction_megabytes_per_second"
        case parseOnlyPagesPerSecond = "parse_only_pages_per_second"
        case parseOnlyMegabytesPerSecond = "parse_only_megabytes_per_second"
    }

    init(pages: Int, bytes: Int, repetitions: Int, extractionSeconds: Double, parseOnlySeconds: Double, failures: Int) {
        self.pages = pages
        self.bytes = bytes
        self.repetitions = repetitions
        self.extractionSeconds = extractionSeconds
        self.parseOnlySeconds = parseOnlySeconds
        self.failures = failures
        let megabytes = Double(bytes * repetitions) / 1_048_576
        extractionPagesPerSecond = Double(pages * repetitions) / extractionSeconds
        extractionMegabytesPerSecond = megabytes / extractionSeconds
        parseOnlyPagesPerSecond = Double(pages * repetitions) / parseOnlySeconds
        parseOnlyMegabytesPerSecond = megabytes / parseOnlySeconds
        ratio = parseOnlySeconds / extractionSeconds
    }

    public var description: String {
        func figure(_ value: Double) -> String { String(format: "%.1f", value) }
        return """
        \(pages) pages, \(figure(Double(bytes) / 1_048_576)) MB, \(repetitions) repetitions, \(failures) failures
        parse + extraction:       \(figure(extractionPagesPerSecond)) pages/s  \(figure(extractionMegabytesPerSecond)) MB/s
        libxml2 parse only (in process): \(figure(parseOnlyPagesPerSecond)) pages/s  \(figure(parseOnlyMegabytesPerSecond)) MB/s
        extraction speed / parse-only speed: \(String(format: "%.2f", ratio))
        """
    }
}
