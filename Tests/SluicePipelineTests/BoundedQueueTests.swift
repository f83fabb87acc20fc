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

    /// `drain(max:waitingUpTo:)` takes what arrives while it waits, up to its limit; it returns with what it has
    /// when the time is up, and at once on a closed queue.
    @Test func drainGathersArrivalsUntilTheLimitTheDeadlineOrClose() {
        let queue = BoundedQueue<Int>(capacity: 8)
        queue.push(0)
        Thread {
            for value in 1...3 {
                Thread.sleep(forTimeInterval: 0.02)
                queue.push(value)
            }
        }.start()
        #expect(queue.drain(max: 3, waitingUpTo: 10) == [0, 1, 2], "returns as soon as the limit is reached")
        #expect(eventually { queue.currentCount == 1 })
        let started = Date()
        #expect(queue.drain(max: 5, waitingUpTo: 0.1) == [3])
        #expect(Date().timeIntervalSince(started) >= 0.09, "waited for more until the time was up")
        queue.push(4)
        queue.close()
        let closing = Date()
        #expect(queue.drain(max: 5, waitingUpTo: 10) == [4])
        #expect(Date().timeIntervalSince(closing) < 5, "a closed queue is not waited on")
    }

    /// A gathering consumer whose batch is larger than the queue takes what is queued as soon as the queue fills,
    /// so a producer blocked on the full queue goes on long before the gatherer's deadline.
    @Test func aFullQueueEndsTheGatherersWait() {
        let queue = BoundedQueue<Int>(capacity: 4)
        let gathered = Mutex<[Int]>([])
        let done = DispatchSemaphore(value: 0)
        Thread {
            let batch = queue.drain(max: 100, waitingUpTo: 30)
            gathered.withLock { $0 = batch }
            done.signal()
        }.start()
        let started = Date()
        for value in 0..<6 { queue.push(value) }
        #expect(Date().timeIntervalSince(started) < 10, "the producer waited on the gatherer's deadline")
        queue.close()
        #expect(done.wait(timeout: .now() + 10) == .success)
        var taken = gathered.withLock { $0 }
        while let value = queue.pop() { taken.append(value) }
        #expect(taken == Array(0..<6))
    }

    /// Producers racing a consumer that gathers with a wait: every element arrives once, in each producer's order.
    @Test func gatheringConsumersLoseNothing() {
        let queue = BoundedQueue<Int>(capacity: 8)
        let taken = Mutex<[Int]>([])
        let consumer = DispatchGroup()
        DispatchQueue(label: "gatherer").async(group: consumer) {
            while let first = queue.pop() {
                let batch = [first] + queue.drain(max: 15, waitingUpTo: 0.005)
                taken.withLock { $0.append(contentsOf: batch) }
            }
        }
        let producers = DispatchGroup()
        for producer in 0..<3 {
            DispatchQueue(label: "producer").async(group: producers) {
                for value in 0..<400 { queue.push(producer * 1000 + value) }
            }
        }
        producers.wait()
        queue.close()
        consumer.wait()
        let all = taken.withLock { $0 }
        #expect(all.count == 1200)
        for producer in 0..<3 {
            #expect(all.filter { $0 / 1000 == producer } == (0..<400).map { producer * 1000 + $0 })
        }
    }

    /// With no wait, `drain` takes only what is queued, up to its limit, and never blocks on an open queue.
    @Test func drainWithoutWaitingTakesWhatIsQueued() {
        let queue = BoundedQueue<Int>(capacity: 8)
        #expect(queue.drain(max: 4).isEmpty)
        for value in 0..<6 { queue.push(value) }
        #expect(queue.drain(max: 4) == [0, 1, 2, 3])
        #expect(queue.drain(max: 4) == [4, 5])
    }

    /// Waits (up to 10 s) until `condition` holds; the waiting decides nothing, the caller's expectations do.
    func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        return condition()
    }

    /// The producer's third push is seen blocked inside the queue (not merely slow): it has not returned while
    /// the queue is full, and it returns once, and only once, a consumer takes one element.
    @Test func fullQueueBlocksTheProducerUntilAConsumerTakes() {
        let queue = BoundedQueue<Int>(capacity: 2)
        queue.push(0)
        queue.push(1)
        let returned = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        Thread {
            queue.push(2)
            returned.store(true, ordering: .sequentiallyConsistent)
            done.signal()
        }.start()
        #expect(eventually { queue.statistics.waitingProducers == 1 })
        #expect(returned.load(ordering: .sequentiallyConsistent) == false, "push returned while the queue was full")
        #expect(queue.currentCount == 2)
        #expect(queue.pop() == 0)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(returned.load(ordering: .sequentiallyConsistent) == true)
        #expect(queue.statistics.waitingProducers == 0)
        #expect(queue.currentCount == 2)
        #expect(queue.statistics.highWater == 2)
        #expect(queue.statistics.producerWait > .zero)
        #expect([queue.pop(), queue.pop()] == [1, 2])
    }

    /// A reservation takes a place like an element: with every place held, a producer blocks until the
    /// reservation is given back; filling a reservation never waits, even while another producer is blocked.
    @Test func reservationsCountAgainstTheBoundAndFillWithoutWaiting() {
        let queue = BoundedQueue<Int>(capacity: 2)
        #expect(queue.reserve())
        queue.push(10)
        let returned = Atomic<Bool>(false)
        let done = DispatchSemaphore(value: 0)
        Thread {
            queue.push(11)
            returned.store(true, ordering: .sequentiallyConsistent)
            done.signal()
        }.start()
        #expect(eventually { queue.statistics.waitingProducers == 1 })
        #expect(returned.load(ordering: .sequentiallyConsistent) == false)
        #expect(queue.push(reserved: 20))
        #expect(queue.currentCount == 2)
        #expect(returned.load(ordering: .sequentiallyConsistent) == false, "a filled reservation is still a taken place")
        #expect(queue.pop() == 10)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect([queue.pop(), queue.pop()] == [20, 11])

        #expect(queue.reserve())
        #expect(queue.reserve())
        let reserver = DispatchSemaphore(value: 0)
        Thread {
            _ = queue.reserve()
            reserver.signal()
        }.start()
        #expect(eventually { queue.statistics.waitingProducers == 1 })
        queue.cancelReservation()
        #expect(reserver.wait(timeout: .now() + 10) == .success)
        queue.close()
        #expect(!queue.push(reserved: 1), "a closed queue drops what fills a reservation")
        #expect(!queue.reserve())
        #expect(queue.pop() == nil)
    }

    @Test func aConsumerWaitingOnAnEmptyQueueIsCountedAndTimed() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let got = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let value = queue.pop()
            got.withLock { $0 = value }
            done.signal()
        }.start()
        #expect(eventually { queue.statistics.waitingConsumers == 1 })
        queue.push(7)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(got.withLock { $0 } == 7)
        #expect(queue.statistics.consumerWait > .zero)
        #expect(queue.statistics.waitingConsumers == 0)
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
