import Foundation
import Synchronization
import SluiceCore

/// A clock a test sets and moves forward, so schedules are tested without sleeping.
public final class ManualClock: TimeSource {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    /// `2026-12-01T01:10:00Z`-style text; the epoch when it does not parse (the test then fails on its dates).
    public convenience init(_ text: String) {
        self.init(Timestamp.date(text) ?? ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0))
    }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(by seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
