import Foundation

/// A first-in first-out hand-off between pipeline stages that holds at most `capacity` elements.
///
/// `push` blocks while the queue is full: a slow stage holds back the stages feeding it (backpressure), and
/// memory stays bounded however many items wait in the store. `pop` blocks while the queue is empty and
/// returns nil once the queue is closed and drained.
///
/// A producer that must never block where it delivers (the libcurl thread, in a transfer's completion) takes a
/// place first with `reserve`, which blocks instead, and later fills it with `push(reserved:)`, which never
/// does. Reserved places count against `capacity` like elements.
///
/// The queue also measures itself for the run's statistics: the most places ever taken, and how long
/// producers waited for room and consumers for elements.
///
/// `@unchecked Sendable`: the buffer, the counters and the flags are touched only while holding `condition`'s lock.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    public let capacity: Int
    private let condition = NSCondition()
    private var buffer: [Element?]
    private var head = 0
    private var count = 0
    private var reserved = 0
    private var closed = false
    private var figures = QueueStatistics()

    public init(capacity: Int) {
        precondition(capacity > 0, "a queue bound is validated when the pipeline file is read")
        self.capacity = capacity
        buffer = Array(repeating: nil, count: capacity)
        figures.capacity = capacity
    }

    /// Waits for room, then appends. Returns false (dropping the element) if the queue is closed.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard waitForRoom() else { return false }
        append(element)
        return true
    }

    /// Waits for room and holds one place for a later `push(reserved:)`. False if the queue is closed.
    public func reserve() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard waitForRoom() else { return false }
        reserved += 1
        figures.highWater = max(figures.highWater, count + reserved)
        return true
    }

    /// Fills a place taken with `reserve`; never waits. Returns false (dropping the element, freeing the
    /// place) if the queue was closed meanwhile.
    @discardableResult
    public func push(reserved element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        precondition(reserved > 0, "push(reserved:) without a reservation")
        reserved -= 1
        guard !closed else {
            condition.broadcast()
            return false
        }
        append(element)
        return true
    }

    /// Gives back a place taken with `reserve` that will not be filled.
    public func cancelReservation() {
        condition.lock()
        defer { condition.unlock() }
        precondition(reserved > 0, "cancelReservation() without a reservation")
        reserved -= 1
        condition.broadcast()
    }

    /// Waits for an element; nil when the queue is closed and empty.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        if count == 0 && !closed {
            let started = ContinuousClock.now
            figures.waitingConsumers += 1
            while count == 0 && !closed { condition.wait() }
            figures.waitingConsumers -= 1
            figures.consumerWait += ContinuousClock.now - started
        }
        guard count > 0 else { return nil }
        return removeHead()
    }

    /// Takes up to `limit` elements, waiting for more as they arrive until `limit` is reached, `seconds` have
    /// passed or the queue is closed (a stage that batches its work into one transaction gathers a batch with it);
    /// with no wait, only what is queued now.
    public func drain(max limit: Int, waitingUpTo seconds: Double = 0) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        var taken: [Element] = []
        while taken.count < limit {
            if count > 0 {
                if let element = removeHead() { taken.append(element) }
            } else if closed || seconds <= 0 || !condition.wait(until: deadline) {
                break
            }
        }
        return taken
    }

    /// No more pushes; waiting pushers give up, poppers drain what is left and then get nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public var currentCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }

    /// The figures so far, taken under the lock so they agree with each other.
    public var statistics: QueueStatistics {
        condition.lock()
        defer { condition.unlock() }
        return figures
    }

    /// With the lock held: waits while every place is taken. False once closed.
    private func waitForRoom() -> Bool {
        if count + reserved == capacity && !closed {
            let started = ContinuousClock.now
            figures.waitingProducers += 1
            while count + reserved == capacity && !closed { condition.wait() }
            figures.waitingProducers -= 1
            figures.producerWait += ContinuousClock.now - started
        }
        return !closed
    }

    private func append(_ element: Element) {
        buffer[(head + count) % capacity] = element
        count += 1
        figures.pushed += 1
        figures.highWater = max(figures.highWater, count + reserved)
        condition.broadcast()
    }

    private func removeHead() -> Element? {
        let element = buffer[head]
        buffer[head] = nil
        head = (head + 1) % capacity
        count -= 1
        condition.broadcast()
        return element
    }
}

/// What a `BoundedQueue` saw: its bound, the most places taken at once, and the time spent waiting on it.
public struct QueueStatistics: Sendable, Equatable {
    public var capacity = 0
    /// The most places (elements and reservations) taken at once.
    public var highWater = 0
    public var pushed = 0
    /// Summed over producers: time spent waiting for room (the consumers were the slower side).
    public var producerWait = Duration.zero
    /// Summed over consumers: time spent waiting for an element (the producers were the slower side).
    public var consumerWait = Duration.zero
    /// Producers and consumers blocked right now.
    public var waitingProducers = 0
    public var waitingConsumers = 0
}
