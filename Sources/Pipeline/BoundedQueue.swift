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
/// Waking is targeted: a change wakes waiters only when one of them can act on it (a push when a consumer
/// waits or a gathering consumer's batch is complete, a removal when a producer waits for room). Broadcasting on
/// every push and pop woke every thread of every stage a few times per page: a fifth of a run's context switches.
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
    /// Consumers inside `drain` waiting for their batch to fill, and the fewest elements that would fill one.
    private var gatherers = 0
    private var smallestGatherNeed = Int.max

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
        wakeGatherersIfReady()
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
            wakeProducers()
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
        wakeProducers()
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

    /// Takes up to `limit` elements, waiting for more until `limit` is reached, `seconds` have passed or the
    /// queue is closed (a stage that batches its work into one transaction gathers a batch with it); with no
    /// wait, only what is queued now. It also takes what is queued whenever the queue fills, so a gathering
    /// consumer never holds its producers back for the rest of its wait.
    public func drain(max limit: Int, waitingUpTo seconds: Double = 0) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        var taken: [Element] = []
        taken.reserveCapacity(min(limit, capacity))
        while taken.count < limit {
            while count > 0 && taken.count < limit {
                if let element = removeHead() { taken.append(element) }
            }
            guard taken.count < limit, !closed, seconds > 0 else { break }
            guard waitForBatch(of: limit - taken.count, until: deadline) else { break }
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

    /// With the lock held: waits until `need` elements are queued, the queue closes or `deadline` passes. A
    /// full queue ends the wait early too, so producers never wait on a consumer that is itself waiting. False
    /// when the deadline passed with nothing queued (the caller stops gathering).
    private func waitForBatch(of need: Int, until deadline: Date) -> Bool {
        gatherers += 1
        smallestGatherNeed = min(smallestGatherNeed, need)
        defer {
            gatherers -= 1
            if gatherers == 0 { smallestGatherNeed = .max }
        }
        while !isBatchReady(need: need) && !closed {
            if !condition.wait(until: deadline) { return count > 0 }
        }
        return true
    }

    private func append(_ element: Element) {
        buffer[(head + count) % capacity] = element
        count += 1
        figures.pushed += 1
        figures.highWater = max(figures.highWater, count + reserved)
        if figures.waitingConsumers > 0 {
            condition.broadcast()
        } else {
            wakeGatherersIfReady()
        }
    }

    private func isBatchReady(need: Int) -> Bool {
        count >= need || (count > 0 && count + reserved == capacity)
    }

    private func wakeGatherersIfReady() {
        if gatherers > 0 && isBatchReady(need: smallestGatherNeed) { condition.broadcast() }
    }

    private func removeHead() -> Element? {
        let element = buffer[head]
        buffer[head] = nil
        head = (head + 1) % capacity
        count -= 1
        wakeProducers()
        return element
    }

    private func wakeProducers() {
        if figures.waitingProducers > 0 { condition.broadcast() }
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
