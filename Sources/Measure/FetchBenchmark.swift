import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse
import Synchronization

/// What one benchmark run measured.
public struct FetchBenchmarkReport: Sendable, Equatable {
    public var pages: Int
    public var succeeded: Int
    /// Failures by problem code.
    public var failures: [ProblemCode: Int]
    public var wallSeconds: Double
    public var bodyBytes: Int
    /// The process's peak resident set (VmHWM in /proc/self/status), in KiB; nil where unavailable.
    public var peakResidentKilobytes: Int?

    public var pagesPerSecond: Double { wallSeconds > 0 ? Double(pages) / wallSeconds : 0 }

    /// One line per figure, for a terminal or a log.
    public var summary: String {
        let failed = failures.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }
        return """
            pages: \(pages)  ok: \(succeeded)  failed: \(failed.isEmpty ? "0" : failed.joined(separator: " "))
            wall: \(String(format: "%.3f", wallSeconds)) s  rate: \(String(format: "%.1f", pagesPerSecond)) pages/s  \
            body: \(bodyBytes) bytes
            peak RSS: \(peakResidentKilobytes.map { "\($0) KiB" } ?? "unknown")
            """
    }
}

/// Fetches a list of URLs once through `Fetcher` and reports throughput and peak memory. Bodies are
/// counted and dropped, as the pipeline would after handing them on.
public enum FetchBenchmark {
    /// Options comparable to `curl --parallel --parallel-max 64` against one local server: 64 transfers,
    /// no per-host limit or delay, no robots.txt (curl fetches none).
    public static func comparableOptions(allowHosts: [String]) -> FetchOptions {
        FetchOptions(concurrency: 64, perHostConcurrency: 64, perHostDelayMilliseconds: 0, retries: 0,
                     respectRobots: false, allowHosts: allowHosts)
    }

    public static func run(urls: [String], options: FetchOptions) -> FetchBenchmarkReport {
        let tally = Tally()
        let started = ContinuousClock.now
        do {
            let fetcher = try Fetcher(options: options)
            let group = DispatchGroup()
            for (index, url) in urls.enumerated() {
                group.enter()
                fetcher.enqueue(FetchRequest(id: Int64(index), url: url)) { _, result in
                    tally.add(result)
                    group.leave()
                }
            }
            group.wait()
            fetcher.shutdown()
        } catch {
            for _ in urls { tally.add(.failure(Problem(.other, stage: .fetch, message: "\(error)"))) }
        }
        let wall = ContinuousClock.now - started
        return tally.report(pages: urls.count,
                            wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
                            peakResidentKilobytes: peakResidentKilobytes())
    }

    static func peakResidentKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}

/// Completion counts, filled from the fetcher thread. An HTTP error status counts as a failure, though
/// the fetcher hands it on as a capture.
private final class Tally: Sendable {
    private struct Counts {
        var succeeded = 0
        var failures: [ProblemCode: Int] = [:]
        var bodyBytes = 0
    }

    private let counts = Mutex(Counts())

    func add(_ result: Result<Capture, Problem>) {
        counts.withLock { counts in
            switch result {
            case .success(let capture) where capture.status >= 400:
                counts.failures[capture.status >= 500 ? .http5xx : .http4xx, default: 0] += 1
                counts.bodyBytes += capture.body.count
            case .success(let capture):
                counts.succeeded += 1
                counts.bodyBytes += capture.body.count
            case .failure(let problem):
                counts.failures[problem.code, default: 0] += 1
            }
        }
    }

    func report(pages: Int, wallSeconds: Double, peakResidentKilobytes: Int?) -> FetchBenchmarkReport {
        counts.withLock { counts in
            FetchBenchmarkReport(pages: pages, succeeded: counts.succeeded, failures: counts.failures,
                                 wallSeconds: wallSeconds, bodyBytes: counts.bodyBytes,
                                 peakResidentKilobytes: peakResidentKilobytes)
        }
    }
}
