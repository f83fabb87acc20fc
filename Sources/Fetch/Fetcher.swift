import Foundation
import SluiceCore
import Synchronization

/// Fetches URLs concurrently over one libcurl multi handle, with per-host limits, retries, robots.txt,
/// redirects followed hop by hop and a socket gate that refuses private and special addresses.
///
/// Owns one thread, which owns the multi handle and every easy handle and loops `curl_multi_poll`; other
/// threads hand work over through a lock-guarded mailbox and wake it with `curl_multi_wakeup`.
public final class Fetcher: Sendable {
    private let mailbox: Mailbox

    /// Starts the fetcher thread. Throws `FetchError.invalidAllowHost` for an unusable allow-list entry.
    public convenience init(options: FetchOptions) throws {
        try self.init(options: options, resolving: [])
    }

    /// `resolving` entries (`HOST:PORT:ADDRESS[,ADDRESS]`, as `CURLOPT_RESOLVE`) stand in for DNS, so tests
    /// can give a host name any answer, including a hostile one; the socket gate still judges each address.
    init(options: FetchOptions, resolving: [String]) throws {
        // Validated before any stored property is set: a throwing init then never reaches `deinit`, which
        // would wait for a thread that was never started.
        let gate = try AddressGate(allowHosts: options.allowHosts)
        try Self.validate(options)
        let mailbox = Mailbox()
        self.mailbox = mailbox
        let thread = Thread {
            TransferEngine(options: options, gate: gate, resolving: resolving, mailbox: mailbox).run()
            mailbox.finished.signal()
        }
        thread.name = "sluice fetcher"
        thread.start()
    }

    deinit { shutdown() }

    /// Options built in code get the same range checks as options read from the pipeline file: a zero
    /// concurrency would otherwise leave every request waiting forever.
    private static func validate(_ options: FetchOptions) throws(FetchError) {
        do {
            _ = try JSONDecoder().decode(FetchOptions.self, from: JSONEncoder().encode(options))
        } catch DecodingError.dataCorrupted(let context) {
            throw FetchError.invalidOption(name: context.codingPath.last?.stringValue ?? "fetch",
                                           reason: context.debugDescription)
        } catch {
            throw FetchError.invalidOption(name: "fetch", reason: "\(error)")
        }
    }

    /// Thread-safe. `completion` is called exactly once per request, from the fetcher's thread (or from the
    /// caller's thread when the fetcher is already shut down). It holds up every other transfer while it runs,
    /// so it should only hand the result on; the capture is the response as received (`problem` is nil: judging
    /// the page is the caller's work).
    public func enqueue(_ request: FetchRequest,
                        completion: @escaping @Sendable (FetchRequest, Result<Capture, Problem>) -> Void) {
        guard mailbox.post(FetchJob(request: request, completion: completion)) else {
            completion(request, .failure(Problem(.other, stage: .fetch, message: "\(request.url): cancelled")))
            return
        }
    }

    /// How the fetcher thread spent its time so far: working (libcurl and the scheduling around it) or
    /// waiting in `curl_multi_poll` for sockets and timers.
    public var activity: FetcherActivity {
        FetcherActivity(busySeconds: Double(mailbox.busyNanoseconds.load(ordering: .relaxed)) / 1e9,
                        pollSeconds: Double(mailbox.pollNanoseconds.load(ordering: .relaxed)) / 1e9)
    }

    /// Blocks until every request has completed; results in request order. Must not be called from a
    /// completion handler (that runs on the fetcher thread, which would then wait for itself). `completed`
    /// hears the number of requests done so far after each one, on the fetcher's thread: it must be quick.
    public func fetchAll(_ requests: [FetchRequest],
                         completed: (@Sendable (Int) -> Void)? = nil) -> [Result<Capture, Problem>] {
        let results = ResultSlots(count: requests.count)
        let group = DispatchGroup()
        let count = CompletionCount()
        for (index, request) in requests.enumerated() {
            group.enter()
            enqueue(request) { _, result in
                results.store(result, at: index)
                completed?(count.add())
                group.leave()
            }
        }
        group.wait()
        return results.collected(requests)
    }

    /// Stops taking work; queued and in-flight requests complete with a "cancelled" problem. Returns once
    /// every completion has been called, unless called from a completion handler.
    public func shutdown() {
        mailbox.stop()
        guard !mailbox.isEngineThread else { return }
        mailbox.finished.wait()
        mailbox.finished.signal()
    }
}

/// Where the fetcher thread's time went.
public struct FetcherActivity: Sendable, Equatable {
    public var busySeconds: Double
    public var pollSeconds: Double
}

/// Results arriving from the fetcher thread in any order, kept by request index.
private final class ResultSlots: Sendable {
    private let slots: Mutex<[Result<Capture, Problem>?]>

    init(count: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
    }

    func store(_ result: Result<Capture, Problem>, at index: Int) {
        slots.withLock { $0[index] = result }
    }

    func collected(_ requests: [FetchRequest]) -> [Result<Capture, Problem>] {
        slots.withLock { slots in
            zip(slots, requests).map { slot, request in
                slot ?? .failure(Problem(.other, stage: .fetch, message: "\(request.url): no result"))
            }
        }
    }
}

/// Counts completions across the fetcher's thread and the caller's.
private final class CompletionCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds one; the new count.
    func add() -> Int { value.add(1, ordering: .relaxed).newValue }
}
