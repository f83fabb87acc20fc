import Foundation
import Glibc
import Synchronization
internal import CCurl
import SluiceCore

/// One request on its way: the hop being fetched, the hops before it and every attempt so far.
struct FetchJob: Sendable {
    let request: FetchRequest
    let completion: @Sendable (FetchRequest, Result<Capture, Problem>) -> Void
    /// The hop being fetched, as given (the request's URL, or a redirect's target as resolved).
    var url: String
    /// `url` as the one URL parser reads it: what libcurl is given, robots.txt checks and per-host limits use.
    var parts: HTTPURL?
    /// The URLs fetched before `url`, in order.
    var chain: [String] = []
    /// Serialized forms of `chain`, to notice a redirect back to a URL already visited.
    var visited: Set<String> = []
    var attempts: [FetchAttempt] = []
    var retriesUsed = 0
    var notBefore = ContinuousClock.now

    init(request: FetchRequest, completion: @escaping @Sendable (FetchRequest, Result<Capture, Problem>) -> Void) {
        self.request = request
        self.completion = completion
        self.url = request.url
    }
}

/// What the fetcher thread shares with callers: work handed over and the request to stop.
final class Mailbox: Sendable {
    private struct State {
        var incoming: [FetchJob] = []
        var stopping = false
        var engineThread: pthread_t?
    }

    private let state = Mutex(State())
    let waker = Waker()
    /// Nanoseconds the fetcher thread spent working and waiting in `curl_multi_poll`.
    let busyNanoseconds = Atomic<Int>(0)
    let pollNanoseconds = Atomic<Int>(0)
    /// Signalled once when the fetcher thread has completed everything and released libcurl.
    let finished = DispatchSemaphore(value: 0)

    /// False once stopping: the caller completes the job itself.
    func post(_ job: FetchJob) -> Bool {
        let accepted = state.withLock { state in
            guard !state.stopping else { return false }
            state.incoming.append(job)
            return true
        }
        if accepted { waker.wake() }
        return accepted
    }

    func stop() {
        state.withLock { $0.stopping = true }
        waker.wake()
    }

    func take() -> (jobs: [FetchJob], stopping: Bool) {
        state.withLock { state in
            defer { state.incoming = [] }
            return (state.incoming, state.stopping)
        }
    }

    func registerEngineThread() {
        let current = pthread_self()
        state.withLock { $0.engineThread = current }
    }

    var isEngineThread: Bool {
        let current = pthread_self()
        return state.withLock { state in state.engineThread.map { pthread_equal($0, current) != 0 } ?? false }
    }
}

/// Drives every transfer of one `Fetcher` on one thread: a libcurl multi handle looped with
/// `curl_multi_poll`, per-host queues with a concurrency limit and a minimum delay, robots.txt per origin,
/// retries with backoff, and redirects followed hop by hop so each hop is scheduled, checked and recorded.
///
/// Lives and dies on the fetcher thread; completions are called from it.
final class TransferEngine {
    private enum Purpose {
        case page(FetchJob)
        case robots(origin: String)
    }

    private enum RobotsStatus {
        case fetching
        case known(RobotsRules)
    }

    private struct HostState {
        var queue: [FetchJob] = []
        var head = 0
        var active = 0
        var lastStart: ContinuousClock.Instant?
        var hasQueued: Bool { head < queue.count }

        mutating func dropHead() {
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
        }
    }

    private let options: FetchOptions
    private let gate: AddressGate
    private let resolving: [String]
    private let mailbox: Mailbox
    private let multi: MultiHandle?
    private let perHostDelay: Duration
    private var hosts: [String: HostState] = [:]
    /// Origins with queued jobs; each start pass walks them in order, beginning one further on each time.
    private var hostsWithWork: [String] = []
    private var nextHost = 0
    private var robots: [String: RobotsStatus] = [:]
    private var delayed: [FetchJob] = []
    private var running: [UnsafeMutableRawPointer: (transfer: EasyTransfer, purpose: Purpose, origin: String)] = [:]

    init(options: FetchOptions, gate: AddressGate, resolving: [String], mailbox: Mailbox) {
        self.options = options
        self.gate = gate
        self.resolving = resolving
        self.mailbox = mailbox
        self.multi = MultiHandle()
        self.perHostDelay = .milliseconds(options.perHostDelayMilliseconds)
    }

    func run() {
        mailbox.registerEngineThread()
        guard let multi else {
            drainWithoutLibcurl()
            return
        }
        mailbox.waker.attach(multi)
        defer { mailbox.waker.detach() }
        var working = ContinuousClock.now
        while true {
            let (incoming, stopping) = mailbox.take()
            for job in incoming { admit(job) }
            if stopping {
                cancelEverything(multi)
                return
            }
            startReadyWork(multi)
            multi.perform()
            for (easy, result) in multi.finished() { finish(easy, result, multi) }
            startReadyWork(multi)
            let polling = ContinuousClock.now
            multi.poll(timeoutMilliseconds: millisecondsUntilWorkIsDue())
            let woken = ContinuousClock.now
            mailbox.busyNanoseconds.add(Self.nanoseconds(polling - working), ordering: .relaxed)
            mailbox.pollNanoseconds.add(Self.nanoseconds(woken - polling), ordering: .relaxed)
            working = woken
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
    }

    // MARK: Scheduling

    private func admit(_ job: FetchJob) {
        var job = job
        if job.parts == nil {
            do throws(URLProblem) {
                job.parts = try HTTPURL(job.url)
            } catch {
                if case .unsupportedScheme(let scheme) = error.reason {
                    return fail(job, .blockedScheme, "the scheme \"\(scheme)\" is not fetched (only http and https)")
                }
                return fail(job, .other, "not a usable URL (\(error.reason))")
            }
        }
        guard let origin = job.parts?.origin else { return }
        if job.notBefore > .now {
            delayed.append(job)
            return
        }
        if hosts[origin]?.hasQueued != true { hostsWithWork.append(origin) }
        hosts[origin, default: HostState()].queue.append(job)
    }

    private func startReadyWork(_ multi: MultiHandle) {
        let now = ContinuousClock.now
        if !delayed.isEmpty {
            let due = delayed.filter { $0.notBefore <= now }
            delayed.removeAll { $0.notBefore <= now }
            for var job in due {
                job.notBefore = now
                admit(job)
            }
        }
        var unvisited = hostsWithWork.count
        var index = hostsWithWork.isEmpty ? 0 : nextHost % hostsWithWork.count
        while unvisited > 0, !hostsWithWork.isEmpty, running.count < options.concurrency {
            let origin = hostsWithWork[index]
            startQueued(at: origin, now: now, multi)
            unvisited -= 1
            if hosts[origin]?.hasQueued == true {
                index += 1
            } else {
                hostsWithWork.remove(at: index)
            }
            if index >= hostsWithWork.count { index = 0 }
        }
        // The next pass begins one host further on, so hosts early in the list cannot keep every free slot.
        nextHost = index + 1
    }

    private func startQueued(at origin: String, now: ContinuousClock.Instant, _ multi: MultiHandle) {
        while running.count < options.concurrency, let job = startableHead(of: origin, now: now) {
            if options.respectRobots {
                switch robots[origin] {
                case nil:
                    startRobots(origin: origin, multi)
                    return
                case .fetching:
                    return
                case .known(let rules):
                    if !rules.allows(job.parts?.requestTarget ?? "/") {
                        hosts[origin]?.dropHead()
                        fail(job, .robots, "robots.txt of \(origin) disallows it")
                        continue
                    }
                }
            }
            hosts[origin]?.dropHead()
            start(job, origin: origin, multi)
        }
    }

    /// The next job of a host when the host's limits let it start now. Holds no copy of the host's queue
    /// past the call, so `dropHead` mutates it in place.
    private func startableHead(of origin: String, now: ContinuousClock.Instant) -> FetchJob? {
        guard let host = hosts[origin], host.hasQueued, host.active < options.perHostConcurrency,
              host.lastStart.map({ now >= $0 + perHostDelay }) ?? true else { return nil }
        return host.queue[host.head]
    }

    private func begin(_ transfer: EasyTransfer, _ purpose: Purpose, origin: String, _ multi: MultiHandle) -> Bool {
        guard multi.add(transfer) else { return false }
        running[transfer.handle] = (transfer, purpose, origin)
        hosts[origin, default: HostState()].active += 1
        hosts[origin, default: HostState()].lastStart = .now
        return true
    }

    private func start(_ job: FetchJob, origin: String, _ multi: MultiHandle) {
        do {
            // Validators belong to the URL they were captured from, never to a redirect's target.
            let transfer = try EasyTransfer(url: job.parts?.withoutFragment.href ?? job.url, options: options, gate: gate,
                                            resolving: resolving,
                                            validators: job.chain.isEmpty ? job.request.validators : nil)
            if !begin(transfer, .page(job), origin: origin, multi) {
                fail(job, .other, "libcurl refused to add the transfer")
            }
        } catch {
            fail(job, .other, error.description)
        }
    }

    private func startRobots(origin: String, _ multi: MultiHandle) {
        robots[origin] = .fetching
        let started = (try? EasyTransfer(url: origin + "/robots.txt", options: options, gate: gate, resolving: resolving,
                                         followRedirects: true, maxDecodedBytes: 512 * 1024))
            .map { begin($0, .robots(origin: origin), origin: origin, multi) } ?? false
        if !started { robots[origin] = .known(.allowAll) }
    }

    private func millisecondsUntilWorkIsDue() -> Int {
        let now = ContinuousClock.now
        var earliest: ContinuousClock.Instant?
        func consider(_ instant: ContinuousClock.Instant) {
            earliest = min(earliest ?? instant, instant)
        }
        delayed.forEach { consider($0.notBefore) }
        if running.count < options.concurrency {
            for origin in hostsWithWork {
                guard let host = hosts[origin], host.active < options.perHostConcurrency else { continue }
                // Waiting for robots.txt is waiting for a transfer: libcurl's poll wakes up when it ends.
                if case .fetching? = robots[origin] { continue }
                consider(host.lastStart.map { $0 + perHostDelay } ?? now)
            }
        }
        guard let earliest else { return 1000 }
        let wait = earliest - now
        return wait <= .zero ? 0 : min(1000, Int(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000) + 1)
    }

    // MARK: Outcomes

    private func finish(_ easy: UnsafeMutableRawPointer, _ result: CURLcode, _ multi: MultiHandle) {
        guard let entry = running.removeValue(forKey: easy) else { return }
        multi.remove(entry.transfer)
        hosts[entry.origin]?.active -= 1
        switch entry.purpose {
        case .robots(let origin):
            robots[origin] = .known(robotsRules(from: entry.transfer, result))
        case .page(let job):
            pageFinished(job, entry.transfer, result)
        }
    }

    /// RFC 9309: a missing robots.txt (4xx) allows everything, an unreachable one (5xx) nothing. A transfer
    /// failure allows: the page's own transfer meets the same failure and reports it. A file cut off at the
    /// size cap is read as far as it came (section 2.5: at least 500 KiB are parsed).
    private func robotsRules(from transfer: EasyTransfer, _ result: CURLcode) -> RobotsRules {
        guard result == CURLE_OK || transfer.abort?.code == .tooLarge else { return .allowAll }
        switch transfer.responseCode {
        case 200..<300:
            return RobotsRules(parsing: transfer.body, productToken: FetchOptions.robotsToken)
        case 500...:
            return .disallowAll
        default:
            return .allowAll
        }
    }

    private func pageFinished(_ job: FetchJob, _ transfer: EasyTransfer, _ result: CURLcode) {
        var job = job
        let status = transfer.responseCode
        guard result == CURLE_OK else {
            let problem = transfer.problem(for: result)
            job.attempts.append(FetchAttempt(startedAt: transfer.startedAt, status: status == 0 ? nil : status,
                                             problem: problem.code, message: problem.reason))
            if problem.retryable { return retryOrFail(job, problem.code, problem.reason) }
            return fail(job, problem.code, problem.reason)
        }
        if (300..<400).contains(status), let next = transfer.header("location") {
            job.attempts.append(FetchAttempt(startedAt: transfer.startedAt, status: status, problem: nil,
                                             message: "redirect to \(next)"))
            return follow(job, to: next)
        }
        // An error status is retried when it may pass (429, 5xx); once retries are spent, and at once for
        // any other 4xx, the response is handed on as a capture: the pipeline keeps it as evidence and
        // looks for a challenge page in it before calling the link dead.
        if status == 429 || status >= 500 {
            let code: ProblemCode = status == 429 ? .http4xx : .http5xx
            job.attempts.append(FetchAttempt(startedAt: transfer.startedAt, status: status, problem: code,
                                             message: "HTTP \(status)"))
            if job.retriesUsed < options.retries {
                let retryAfter = RetryAfter.seconds(transfer.headers.first { $0.name.lowercased() == "retry-after" }?.value)
                    .map { Duration.seconds(min($0, options.retryAfterCapSeconds)) } ?? .zero
                return retry(job, minimumWait: retryAfter)
            }
        } else if status >= 400 {
            job.attempts.append(FetchAttempt(startedAt: transfer.startedAt, status: status, problem: .http4xx,
                                             message: "HTTP \(status)"))
        } else {
            job.attempts.append(FetchAttempt(startedAt: transfer.startedAt, status: status, problem: nil, message: nil))
        }
        // Only the transfer's own facts: sniffing, decoding and judging the page belong to the caller's
        // threads, so this one goes straight back to moving bytes.
        let capture = Capture(
            requestedURL: job.request.url, finalURL: job.parts?.href ?? job.url, redirectChain: job.chain + [job.parts?.href ?? job.url],
            status: status, headers: transfer.headers, contentType: transfer.contentType, body: transfer.body, text: nil,
            charset: nil, charsetBasis: nil, problem: nil, attempts: job.attempts, fetchedAt: Date())
        job.completion(job.request, .success(capture))
    }

    private func retryOrFail(_ job: FetchJob, _ code: ProblemCode, _ reason: String) {
        guard job.retriesUsed < options.retries else { return fail(job, code, reason) }
        retry(job, minimumWait: .zero)
    }

    private func retry(_ job: FetchJob, minimumWait: Duration) {
        var job = job
        let backoff = Duration.milliseconds(options.backoffBaseMilliseconds) * (1 << job.retriesUsed)
            * Double.random(in: 0.5...1.5)
        job.retriesUsed += 1
        job.notBefore = .now + max(backoff, minimumWait)
        delayed.append(job)
    }

    /// `location` is resolved against the URL that answered, by the one URL parser (RFC 9110 10.2.2: a relative
    /// reference is resolved against the target URI).
    private func follow(_ job: FetchJob, to location: String) {
        var job = job
        job.chain.append(job.parts?.href ?? job.url)
        job.visited.insert(job.parts?.withoutFragment.href ?? job.url)
        guard job.chain.count <= options.maxRedirects else {
            return fail(job, .redirectLoop, "more than \(options.maxRedirects) redirects")
        }
        let parts: HTTPURL
        do throws(URLProblem) {
            parts = try HTTPURL(location, relativeTo: job.parts)
        } catch {
            if case .unsupportedScheme = error.reason {
                return fail(job, .blockedScheme, "redirect to \(location): only http and https are fetched")
            }
            if case .credentials = error.reason {
                return fail(job, .other, "redirect to a URL with a user name or password: not followed")
            }
            return fail(job, .other, "redirect to an invalid URL \(location) (\(error.reason))")
        }
        let next = parts.href
        guard !job.visited.contains(parts.withoutFragment.href) else {
            return fail(job, .redirectLoop, "redirect loop back to \(next)")
        }
        job.url = next
        job.parts = parts
        job.retriesUsed = 0
        admit(job)
    }

    private func fail(_ job: FetchJob, _ code: ProblemCode, _ reason: String) {
        var message = "\(job.url): \(reason)"
        if !job.chain.isEmpty { message += " (redirected from \(job.chain.joined(separator: " → ")))" }
        message += AttemptLog.suffix(job.attempts)
        job.completion(job.request, .failure(Problem(code, stage: .fetch, message: message)))
    }

    private func cancel(_ job: FetchJob) {
        fail(job, .other, "cancelled")
    }

    private func cancelEverything(_ multi: MultiHandle) {
        for entry in running.values {
            multi.remove(entry.transfer)
            if case .page(let job) = entry.purpose { cancel(job) }
        }
        running = [:]
        for host in hosts.values { host.queue[host.head...].forEach(cancel) }
        hosts = [:]
        hostsWithWork = []
        delayed.forEach(cancel)
        delayed = []
        drainWithoutLibcurl()
    }

    /// Completes whatever is still handed over after stopping, or everything when libcurl is unusable.
    private func drainWithoutLibcurl() {
        repeat {
            let (incoming, stopping) = mailbox.take()
            for job in incoming {
                multi == nil ? fail(job, .other, "libcurl could not create a multi handle") : cancel(job)
            }
            if stopping { return }
            if multi == nil { Thread.sleep(forTimeInterval: 0.05) }
        } while true
    }
}

@available(*, unavailable)
extension TransferEngine: Sendable {}

/// The `Retry-After` header: delay seconds or an HTTP date.
enum RetryAfter {
    static func seconds(_ value: String?, now: Date = Date()) -> Int? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, Int(date.timeIntervalSince(now).rounded(.up)))
    }
}
