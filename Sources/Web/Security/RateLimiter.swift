import Foundation
import Synchronization

/// Token buckets by key (a client address, a volunteer): `burst` requests at once, then `perMinute`. Shared
/// by every polling thread, so the buckets live in a `Mutex`; keys idle long enough to be full again are
/// forgotten when the table grows, so a flood of addresses cannot grow it without end.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let burst: Double
    private let perSecond: Double
    private let clock: @Sendable () -> Double
    private static let pruneAbove = 50_000

    init(perMinute: Int, burst: Int, clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.burst = Double(max(1, burst))
        perSecond = Double(max(1, perMinute)) / 60
        self.clock = clock
    }

    /// Takes one request's token for `key`: nil when allowed, else the whole seconds to wait (`Retry-After`).
    func admit(_ key: String) -> Int? {
        let now = clock()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if buckets.count > Self.pruneAbove { prune(&buckets, now: now) }
            guard bucket.tokens >= 1 else { return Int(((1 - bucket.tokens) / perSecond).rounded(.up)) }
            bucket.tokens -= 1
            return nil
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: Double) {
        let refill = burst / perSecond
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
