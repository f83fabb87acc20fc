import Foundation
import SluiceCore
import SluiceTestSupport
import Synchronization
import Testing
@testable import SluiceFetch

@Suite struct FetchConcurrencyTests {
    @Test func requestsFromManyThreadsCompleteExactlyOnceEach() throws {
        let server = try TestHTTPServer { request in (try? .html("<html>\(request.path)</html>")) ?? .status(500) }
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.perHostConcurrency = 16
        let fetcher = try Fetcher(options: options)
        defer { fetcher.shutdown() }
        let outcomes = Outcomes()
        let group = DispatchGroup()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<50 {
                let id = Int64(thread * 50 + index)
                group.enter()
                fetcher.enqueue(FetchRequest(id: id, url: server.baseURL + "/item/\(id)")) { request, result in
                    outcomes.add(request.id, result)
                    group.leave()
                }
            }
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        let all = outcomes.all
        #expect(all.count == 200)
        #expect(Set(all.map(\.0)) == Set(0..<200))
        for (id, result) in all {
            #expect((try? result.get())?.body == Data("<html>/item/\(id)</html>".utf8))
        }
    }

    @Test func aHostWithALongQueueDoesNotHoldEveryFreeSlot() throws {
        let arrivals = Outcomes()
        let busy = try TestHTTPServer { request in
            Thread.sleep(forTimeInterval: 0.05)
            arrivals.add(0, .failure(Problem(.other, stage: .fetch, message: request.path)))
            return .status(204)
        }
        let quiet = try TestHTTPServer { request in
            arrivals.add(1, .failure(Problem(.other, stage: .fetch, message: request.path)))
            return .status(204)
        }
        defer {
            busy.stop()
            quiet.stop()
        }
        let options = FetchOptions(concurrency: 2, perHostConcurrency: 2, perHostDelayMilliseconds: 0, retries: 0,
                                   respectRobots: false, allowHosts: ["127.0.0.1/32"])
        let fetcher = try Fetcher(options: options)
        defer { fetcher.shutdown() }
        let requests = (0..<12).map { FetchRequest(id: Int64($0), url: busy.baseURL + "/\($0)") }
            + [FetchRequest(id: 99, url: quiet.baseURL + "/quiet")]
        #expect(fetcher.fetchAll(requests).allSatisfy { (try? $0.get())?.status == 204 })
        let order = arrivals.all.map(\.0)
        let quietPosition = try #require(order.firstIndex(of: 1))
        #expect(quietPosition < 6, "the quiet host waited behind \(quietPosition) requests to the busy one")
    }

    @Test func shutdownWhileRequestsArriveLosesNone() throws {
        let server = try TestHTTPServer { _ in TestHTTPReply(status: 204, delay: .milliseconds(20)) }
        defer { server.stop() }
        let fetcher = try Fetcher(options: loopbackOptions(server))
        let outcomes = Outcomes()
        let feeding = DispatchGroup()
        DispatchQueue.global().async(group: feeding) {
            for id in 0..<300 {
                fetcher.enqueue(FetchRequest(id: Int64(id), url: server.baseURL + "/\(id)")) { request, result in
                    outcomes.add(request.id, result)
                }
            }
        }
        Thread.sleep(forTimeInterval: 0.05)
        fetcher.shutdown()
        feeding.wait()
        let ids = outcomes.all.map(\.0)
        #expect(ids.count == 300)
        #expect(Set(ids).count == 300)
    }
}

@Suite struct ContentSniffTests {
    @Test func htmlIsRecognisedUnderVagueTypesAndBinaryUnderAnyType() {
        let page = Data("<!DOCTYPE html><html><head><title>副业</title></head></html>".utf8)
        #expect(!ContentSniff.isClearlyNotHTML(contentType: "text/html; charset=gbk", body: page))
        #expect(!ContentSniff.isClearlyNotHTML(contentType: nil, body: page))
        #expect(!ContentSniff.isClearlyNotHTML(contentType: "application/octet-stream", body: page))
        #expect(!ContentSniff.isClearlyNotHTML(contentType: "text/plain", body: page))
        #expect(ContentSniff.isClearlyNotHTML(contentType: "text/plain", body: Data("just words".utf8)))
        #expect(ContentSniff.isClearlyNotHTML(contentType: "application/json", body: Data("{\"a\":1}".utf8)))
        #expect(ContentSniff.isClearlyNotHTML(contentType: "video/mp4", body: page))
        #expect(ContentSniff.isClearlyNotHTML(contentType: "text/html", body: Data([0xFF, 0xD8, 0xFF, 0xE0])))
        #expect(ContentSniff.isClearlyNotHTML(contentType: "text/html", body: Data([0, 0, 0, 0x18]) + Data("ftypmp42".utf8)))
        #expect(ContentSniff.isClearlyNotHTML(contentType: "text/html", body: Data("<html>\u{0}\u{0}".utf8)))
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() throws {
        #expect(RetryAfter.seconds("120") == 120)
        #expect(RetryAfter.seconds(" 0 ") == 0)
        #expect(RetryAfter.seconds("-5") == 0)
        #expect(RetryAfter.seconds("soon") == nil)
        #expect(RetryAfter.seconds(nil) == nil)
        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-25T12:00:00Z"))
        #expect(RetryAfter.seconds("Wed, 25 Nov 2026 12:01:30 GMT", now: now) == 90)
        #expect(RetryAfter.seconds("Wed, 25 Nov 2026 11:00:00 GMT", now: now) == 0)
    }
}
