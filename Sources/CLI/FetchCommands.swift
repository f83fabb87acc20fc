import Foundation
import SluiceFetch
import SluiceMeasure
import SluicePipeline

/// `sluice bench fetch`: the fetcher's throughput and peak memory over a list of URLs.
enum FetchCommands {
    static let help = """
        usage: sluice bench fetch --urls FILE [--allow-host HOST[:PORT]]... [--pipeline FILE] [--json]

        Fetches every URL in FILE (one a line; blank lines and lines starting with # are skipped) once
        through the pipeline's fetcher, counts the bodies and drops them, and prints pages/s, successes,
        failures by problem code, wall time and peak RSS. Nothing is stored.

        Without --pipeline the options match `curl --parallel --parallel-max 64`: 64 transfers at once,
        no per-host limit or delay, no retries, no robots.txt. With --pipeline the file's "fetch" options
        apply as `sluice run` would use them.

        options
          --urls FILE        the URLs to fetch; required
          --allow-host H:P   an address the fetcher may reach although it is private (repeatable;
                             IP, IP:PORT, [IPv6]:PORT or CIDR), e.g. 127.0.0.1:8080 for a local server
          --pipeline FILE    take the fetch options from this pipeline file
          --json             print {"pages","succeeded","failures","wall_seconds","pages_per_second",
                             "body_bytes","peak_rss_kib"} (peak_rss_kib absent where unknown)
        """

    /// The report as `--json` prints it.
    struct Report: Encodable {
        var pages: Int
        var succeeded: Int
        var failures: [String: Int]
        var wallSeconds: Double
        var pagesPerSecond: Double
        var bodyBytes: Int
        var peakRSSKiB: Int?

        enum CodingKeys: String, CodingKey {
            case pages, succeeded, failures
            case wallSeconds = "wall_seconds"
            case pagesPerSecond = "pages_per_second"
            case bodyBytes = "body_bytes"
            case peakRSSKiB = "peak_rss_kib"
        }

        init(_ report: FetchBenchmarkReport) {
            pages = report.pages
            succeeded = report.succeeded
            failures = Dictionary(uniqueKeysWithValues: report.failures.map { ($0.key.rawValue, $0.value) })
            wallSeconds = report.wallSeconds
            pagesPerSecond = report.pagesPerSecond
            bodyBytes = report.bodyBytes
            peakRSSKiB = report.peakResidentKilobytes
        }
    }

    /// `bench fetch`; any other `bench` subcommand goes on to the dedup and classify benchmarks.
    static func bench(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let file = try arguments.option("--urls") else { throw UsageError("bench fetch: --urls FILE is required") }
        let allowHosts = try arguments.options("--allow-host")
        let pipeline = try arguments.option("--pipeline")
        let json = arguments.flag("--json")
        try arguments.finish()
        let urls = try readURLs(file)
        var options: FetchOptions
        if let pipeline {
            options = try PipelineDefinition.load(path: pipeline).fetch
            options.allowHosts += allowHosts
        } else {
            options = FetchBenchmark.comparableOptions(allowHosts: allowHosts)
        }
        // A bad allow-list entry or option is named here rather than counted as every page failing.
        _ = try Fetcher(options: options)
        let report = FetchBenchmark.run(urls: urls, options: options)
        if json {
            try context.printJSON(Report(report))
        } else {
            context.console.print(report.summary)
        }
        return report.succeeded == report.pages ? 0 : 1
    }

    static func readURLs(_ file: String) throws -> [String] {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw UsageError("bench fetch: cannot read the URL list \(TerminalSafe.text(file)) as UTF-8 text")
        }
        let urls = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !urls.isEmpty else { throw UsageError("bench fetch: \(TerminalSafe.text(file)) lists no URLs") }
        return urls
    }
}
