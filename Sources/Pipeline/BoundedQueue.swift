import Foundation

/// A first-in first-out hand-off between pipeline stages that holds at most `capacity` elements.
///
/// `push` blocks while the queue is full: a slow stage holds back the stages feeding it (backpressure), and
/// memory stays bounded however many items wait in the store. `pop` blocks while the queue is empty and
/// returns nil once the queue is closed and drained.
///
/// `@unchecked Sendable`: the buffer and flags are touched only while holding `condition`'s lock.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    public let capacity: Int
    private let condition = NSCondition()
    private var buffer: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false

    public init(capacity: Int) {
        precondition(capacity > 0, "a queue bound is validated when the pipeline file is read")
        self.capacity = capacity
        buffer = Array(repeating: nil, count: capacity)
    }

    /// Waits for room, then appends. Returns false (dropping the element) if the queue is closed.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == capacity && !closed { condition.wait() }
        guard !closed else { return false }
        buffer[(head + count) % capacity] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Waits for an element; nil when the queue is closed and empty.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !closed { condition.wait() }
        guard count > 0 else { return nil }
        let element = buffer[head]
        buffer[head] = nil
        head = (head + 1) % capacity
        count -= 1
        condition.broadcast()
        return element
    }

    /// Takes everything waiting without blocking (the writer batches with it).
    public func drainAvailable(max limit: Int) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        var taken: [Element] = []
        while count > 0 && taken.count < limit {
            if let element = buffer[head] { taken.append(element) }
            buffer[head] = nil
            head = (head + 1) % capacity
            count -= 1
        }
        if !taken.isEmpty { condition.broadcast() }
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
}
