import Dispatch
import Foundation
import Synchronization
import Testing
import SluicePipeline

@Suite struct BoundedQueueTests {
    @Test func keepsOrderAcrossWrapAround() {
        let queue = BoundedQueue<Int>(capacity: 3)
        var popped: [Int] = []
        for value in 0..<10 {
            queue.push(value)
            if queue.currentCount == 3 { popped.append(queue.pop()!) }
        }
        queue.close()
        while let value = queue.pop() { popped.append(value) }
        #expect(popped == Array(0..<10))
    }

    @Test func fullQueueBlocksTheProducerUntilAConsumerTakes() {
        let queue = BoundedQueue<Int>(capacity: 2)
        let pushed = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue(label: "producer").async {
            for value in 0..<5 {
                queue.push(value)
                pushed.add(1, ordering: .sequentiallyConsistent)
            }
            done.signal()
        }
        let deadline = Date().addingTimeInterval(5)
        while pushed.load(ordering: .sequentiallyConsistent) < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut)
        #expect(pushed.load(ordering: .sequentiallyConsistent) == 2)
        #expect(queue.currentCount == 2)
        for expected in 0..<5 { #expect(queue.pop() == expected) }
        #expect(done.wait(timeout: .now() + 5) == .success)
    }

    @Test func closeReleasesBlockedProducersAndConsumers() {
        let queue = BoundedQueue<Int>(capacity: 1)
        queue.push(1)
        let results = Mutex<[String]>([])
        let group = DispatchGroup()
        DispatchQueue(label: "pusher").async(group: group) {
            let accepted = queue.push(2)
            results.withLock { $0.append("push \(accepted)") }
        }
        let emptyQueue = BoundedQueue<Int>(capacity: 1)
        DispatchQueue(label: "popper").async(group: group) {
            let value = emptyQueue.pop()
            results.withLock { $0.append("pop \(String(describing: value))") }
        }
        Thread.sleep(forTimeInterval: 0.1)
        queue.close()
        emptyQueue.close()
        #expect(group.wait(timeout: .now() + 5) == .success)
        #expect(results.withLock { $0.sorted() } == ["pop nil", "push false"])
        #expect(queue.pop() == 1)
        #expect(queue.pop() == nil)
    }

    @Test func manyProducersAndConsumersLoseNothing() {
        let queue = BoundedQueue<Int>(capacity: 4)
        let total = Mutex<Int>(0)
        let consumers = DispatchGroup()
        for _ in 0..<3 {
            DispatchQueue(label: "consumer").async(group: consumers) {
                while let value = queue.pop() { total.withLock { $0 += value } }
            }
        }
        let producers = DispatchGroup()
        for producer in 0..<4 {
            DispatchQueue(label: "producer").async(group: producers) {
                for value in 1...250 { queue.push(producer * 1000 + value) }
            }
        }
        producers.wait()
        queue.close()
        consumers.wait()
        let expected = (0..<4).reduce(0) { sum, producer in sum + (1...250).reduce(0) { $0 + producer * 1000 + $1 } }
        #expect(total.withLock { $0 } == expected)
    }
}
