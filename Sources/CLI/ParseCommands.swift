import Foundation
import SluiceCore
import SluiceMeasure
import SluiceFetch
import SluiceParse
import SluicePipeline

/// `sluice extract`, `sluice eval extract` and `sluice bench parse`: the parse stage on one page, its
/// quality on a labelled corpus and its speed.
enum ParseCommands {
    static let extractHelp = """
        usage: sluice extract FILE|URL [--charset C] [--content-type T] [--base-url U] [--json]

        Decodes and extracts one page as the parse stage would and prints every field: title,
        description, site, author, date, language, canonical URL, charset and how it was decided,
        WeChat identity, images, links, warnings, the excerpt and the main text. A http(s) URL is
        fetched with the pipeline's fetcher (robots.txt, address gate, size limits); anything else is
        read as a file.

        options
          --content-type T        the HTTP Content-Type to decode with (a file has none; a URL's own
                                  header is used otherwise), e.g. 'text/html; charset=gbk'
          --charset C             decode as if the server declared charset C (a declaration whose
                                  reading is clearly mojibake is still repaired, as in the pipeline)
          --base-url U            resolves relative links and images (default: the URL fetched)
          --pipeline FILE         take fetch and parse options from this pipeline file
          --allow-host HOST[:PORT]  let the fetcher reach this private/loopback address (repeatable)
          --json                  print {"source","final_url","http_status","title","description",
                                  "site","author","date","lang","canonical_url","charset",
                                  "charset_basis","charset_repaired","wechat","truncated",
                                  "warnings","images","links","excerpt","text"}
        """

    static let evalHelp = """
        usage: sluice eval extract DIR [--split tune|held-out|all] [--json]

        Extraction quality on a labelled corpus (DIR/<set>/<id>.html beside <set>/<id>.json ground
        truth, as ../shared/corpus): pages are decoded with the fetch stage's charset decoder (no HTTP
        header) and extracted; per set and overall it prints the title exact-match rate, body token
        precision, recall and F1 (each CJK character one token), date accuracy and charset accuracy,
        with the number of pages scored on each. Synthetic pages and feeds are left out.

        The pages are dealt to two halves by a stable hash of set/id, evenly within each set: rules
        are tuned on the tune half and the held-out half is what the figures report.

        options
          --split S   tune, held-out or all (default all)
          --json      the whole report, per page too: {"split","sets","overall","pages"}
        """

    static let benchHelp = """
        usage: sluice bench parse DIR [--repetitions N] [--json]
               sluice bench parse --hostile [--repetitions N] [--json]

        Speed of parsing plus full extraction over every DIR/<set>/<id>.html, beside libxml2 parsing
        alone in the same process and run (rounds alternate between the two). Pages are decoded with
        the fetch stage's charset decoder before timing starts. Prints pages/s, MB/s and the ratio of
        extraction speed to parse-only speed. scripts/bench-parse.sh adds a C reference.

        With --hostile, no corpus: generated hostile pages (100,000 attributes on one element or
        spread over 10,000, 50,000 sibling paragraphs, 200,000 tiny text nodes, a 1 MB text node,
        10,000 nested inline tags), each extracted at a quarter of that size and at the full size,
        with the growth of the time between the two (about 4 when linear, 16 when quadratic), beside
        libxml2 parsing alone.

        options
          --hostile         time the hostile pages instead of a corpus
          --repetitions N   passes over the corpus, or runs of each hostile page (best kept) (default 5)
          --json            {"pages","bytes","repetitions","extraction_seconds","parse_only_seconds",
                            "failures","extraction_pages_per_second",…,"ratio"}
        """

    /// The corpus pages carry no HTTP header: the charset comes from the bytes, as for a header-less server.
    static let corpusDecoder: @Sendable (Data) -> (text: String, charset: String) = { bytes in
        let decoded = CharsetDecoder.decode(bytes, contentType: nil)
        return (decoded.text, decoded.charset)
    }

    // MARK: extract

    static func extract(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let charset = try arguments.option("--charset")
        var contentType = try arguments.option("--content-type")
        let baseURLOption = try arguments.option("--base-url")
        let pipeline = try arguments.option("--pipeline")
        let allowHosts = try arguments.options("--allow-host")
        let json = arguments.flag("--json")
        let positionals = try arguments.positionals()
        guard positionals.count == 1, let source = positionals.first else {
            throw UsageError("extract: give one FILE or URL (see sluice extract --help)")
        }
        if let charset {
            guard CharsetDecoder.canonicalLabel(charset) != nil else {
                throw UsageError("extract: --charset \"\(TerminalSafe.text(charset))\" is not a charset label we can decode")
            }
            contentType = "\(mediaType(of: contentType)); charset=\(charset)"
        }
        let definition = try pipeline.map { try PipelineDefinition.load(path: $0) }
        var fetchOptions = definition?.fetch ?? FetchOptions()
        fetchOptions.allowHosts += allowHosts

        let loaded = try load(source, fetchOptions: fetchOptions, console: context.console)
        let decoded = CharsetDecoder.decode(loaded.body, contentType: contentType ?? loaded.contentType)
        let extractor = Extractor(options: definition?.parse ?? ParseOptions())
        let page = try extractor.extract(html: decoded.text, baseURL: baseURLOption ?? loaded.finalURL)
        let report = ExtractedPage(source: source, finalURL: loaded.finalURL, httpStatus: loaded.status,
                                   decoded: decoded, page: page)
        if json {
            try context.printJSON(report)
        } else {
            context.console.print(TerminalSafe.text(report.text))
        }
        return 0
    }

    /// `text/html; charset=x` → `text/html`; nil → `text/html`.
    private static func mediaType(of contentType: String?) -> String {
        guard let contentType else { return "text/html" }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        return type.flatMap { $0.isEmpty ? nil : $0 } ?? "text/html"
    }

    private struct Loaded {
        var body: Data
        var contentType: String?
        var finalURL: String?
        var status: Int?
    }

    private static func load(_ source: String, fetchOptions: FetchOptions, console: Console) throws -> Loaded {
        let lowered = source.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            do {
                return Loaded(body: try Data(contentsOf: URL(fileURLWithPath: source)))
            } catch {
                throw ParseCommandError("\(source): cannot read the file (\((error as NSError).localizedDescription))")
            }
        }
        let fetcher = try Fetcher(options: fetchOptions)
        defer { fetcher.shutdown() }
        switch fetcher.fetchAll([FetchRequest(id: 0, url: source)])[0] {
        case .failure(let problem):
            throw ParseCommandError("\(source): fetch failed: \(problem.code.rawValue): \(problem.message)")
        case .success(let capture):
            if capture.status >= 400 {
                console.error(TerminalSafe.text("\(source): answered HTTP \(capture.status); extracting the error page"))
            }
            if let problem = capture.problem {
                console.error(TerminalSafe.text("\(source): the fetcher marked the response \(problem.rawValue)"))
            }
            return Loaded(body: capture.body, contentType: capture.contentType, finalURL: capture.finalURL,
                          status: capture.status)
        }
    }

    // MARK: eval and bench

    static func eval(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let splitName = try arguments.option("--split") ?? CorpusSplit.all.rawValue
        guard let split = CorpusSplit(rawValue: splitName) else {
            throw UsageError("eval extract: --split \"\(TerminalSafe.text(splitName))\" is not tune, held-out or all")
        }
        let corpus = try corpusDirectory(&arguments, command: "eval extract")
        let report = try ExtractionEvaluation.run(corpus: corpus, split: split, decode: corpusDecoder)
        try context.printReport(report, json: json)
        return 0
    }

    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let repetitions = try arguments.integer("--repetitions") ?? 5
        guard repetitions > 0 else { throw UsageError("bench parse: --repetitions must be at least 1") }
        let json = arguments.flag("--json")
        if arguments.flag("--hostile") {
            try arguments.finish()
            try context.printReport(ScalingBenchmark.run(repetitions: repetitions), json: json)
            return 0
        }
        let corpus = try corpusDirectory(&arguments, command: "bench parse")
        let report = try ParseBenchmark.run(corpus: corpus, repetitions: repetitions, decode: corpusDecoder)
        try context.printReport(report, json: json)
        return report.failures == 0 ? 0 : 1
    }

    private static func corpusDirectory(_ arguments: inout Arguments, command: String) throws -> URL {
        let positionals = try arguments.positionals()
        guard positionals.count == 1, let path = positionals.first else {
            throw UsageError("\(command): give one corpus directory (see sluice \(command) --help)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("\(command): \"\(TerminalSafe.text(path))\" is not a directory")
        }
        return URL(fileURLWithPath: path)
    }
}

/// A file or URL `sluice extract` could not read.
struct ParseCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What `sluice extract` prints: the page's fields with how its charset was decided. Every key is always
/// present in JSON (null when unknown), so scripts can rely on the names.
struct ExtractedPage: Encodable {
    var source: String
    var finalURL: String?
    var httpStatus: Int?
    var decoded: DecodedText
    var page: Page

    enum CodingKeys: String, CodingKey {
        case source, title, description, site, author, date, lang, charset, wechat, truncated, warnings, images
        case links, excerpt, text
        case finalURL = "final_url"
        case httpStatus = "http_status"
        case canonicalURL = "canonical_url"
        case charsetBasis = "charset_basis"
        case charsetRepaired = "charset_repaired"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(finalURL, forKey: .finalURL)
        try container.encode(httpStatus, forKey: .httpStatus)
        try container.encode(page.title, forKey: .title)
        try container.encode(page.description, forKey: .description)
        try container.encode(page.siteName, forKey: .site)
        try container.encode(page.author, forKey: .author)
        try container.encode(page.publishedDate, forKey: .date)
        try container.encode(page.language, forKey: .lang)
        try container.encode(page.canonicalURL, forKey: .canonicalURL)
        try container.encode(decoded.charset, forKey: .charset)
        try container.encode(decoded.basis.rawValue, forKey: .charsetBasis)
        try container.encode(decoded.repaired, forKey: .charsetRepaired)
        try container.encode(page.weChat, forKey: .wechat)
        try container.encode(page.truncated, forKey: .truncated)
        try container.encode(page.warnings, forKey: .warnings)
        try container.encode(page.images, forKey: .images)
        try container.encode(page.links, forKey: .links)
        try container.encode(page.excerpt, forKey: .excerpt)
        try container.encode(page.mainText, forKey: .text)
    }

    /// The terminal form: one `name: value` line per field, the lists and the main text last.
    var text: String {
        func line(_ name: String, _ value: String?) -> String {
            name.padding(toLength: 15, withPad: " ", startingAt: 0) + (value ?? "-")
        }
        var charsetLine = "\(decoded.charset) (\(Self.basisWords[decoded.basis] ?? decoded.basis.rawValue))"
        if decoded.repaired { charsetLine += ", repaired: the declared charset gave mojibake" }
        var lines = [
            line("source:", source),
            line("final url:", finalURL.map { url in httpStatus.map { "\(url) (HTTP \($0))" } ?? url }),
            line("title:", page.title),
            line("description:", page.description),
            line("site:", page.siteName),
            line("author:", page.author),
            line("date:", page.publishedDate),
            line("lang:", page.language),
            line("canonical url:", page.canonicalURL),
            line("charset:", charsetLine),
            line("wechat:", page.weChat.map { "biz=\($0.biz) mid=\($0.mid) idx=\($0.idx) sn=\($0.sn)" }),
            line("truncated:", page.truncated ? "yes" : "no"),
        ]
        lines += page.warnings.map { line("warning:", $0) }
        lines.append("images (\(page.images.count)):")
        lines += page.images.map { "  " + $0 }
        lines.append("links (\(page.links.count)):")
        lines += page.links.map { "  " + $0 }
        lines.append(line("excerpt:", page.excerpt))
        lines.append("text (\(page.mainText.count) characters):")
        lines.append(page.mainText)
        return lines.joined(separator: "\n")
    }

    private static let basisWords: [CharsetBasis: String] = [
        .header: "from the Content-Type header", .bom: "from the byte order mark",
        .meta: "from the page's <meta> or XML declaration", .detected: "detected from the bytes",
        .fallback: "no declaration and no byte above 0x7F: read as UTF-8",
    ]
}
