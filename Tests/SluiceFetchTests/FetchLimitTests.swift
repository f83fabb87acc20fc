import Foundation
import SluiceCore
import SluiceTestSupport
import Synchronization
import Testing
@testable import SluiceFetch

@Suite struct FetchLimitTests {
    func limitedOptions(_ server: TestHTTPServer) -> FetchOptions {
        var options = loopbackOptions(server)
        options.retries = 0
        return options
    }

    @Test func aTricklingServerIsCutOffAsATimeout() throws {
        let body = Data(String(repeating: "<p>slow</p>", count: 100).utf8)
        let server = try TestHTTPServer(routes: [
            "/trickle": TestHTTPReply(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html")],
                                      body: body, delivery: .trickle(bytes: 1, interval: .milliseconds(200))),
        ])
        defer { server.stop() }
        var options = limitedOptions(server)
        options.lowSpeedBytesPerSecond = 100
        options.lowSpeedTimeSeconds = 1
        let started = ContinuousClock.now
        _ = expectFailure(try fetchOne(server.baseURL + "/trickle", options), .timeout)
        #expect(ContinuousClock.now - started < .seconds(6))
    }

    @Test func aSilentServerHitsTheTotalTimeout() throws {
        let server = try TestHTTPServer(routes: ["/silent": TestHTTPReply(status: 200, delay: .seconds(4))])
        defer { server.stop() }
        var options = limitedOptions(server)
        options.totalTimeoutSeconds = 1
        let started = ContinuousClock.now
        _ = expectFailure(try fetchOne(server.baseURL + "/silent", options), .timeout)
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    @Test func anEndlessBodyIsCutOffAsTooLarge() throws {
        let server = try TestHTTPServer(routes: [
            "/endless": TestHTTPReply(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html")],
                                      delivery: .endless),
        ])
        defer { server.stop() }
        var options = limitedOptions(server)
        options.maxBodyBytes = 200_000
        let problem = expectFailure(try fetchOne(server.baseURL + "/endless", options), .tooLarge)
        #expect(problem?.message.contains("200000") == true)
    }

    @Test func aDeclaredLengthOverTheCapIsRefused() throws {
        let server = try TestHTTPServer(routes: ["/big": .bytes(Data(count: 300_000), contentType: "text/html")])
        defer { server.stop() }
        var options = limitedOptions(server)
        options.maxBodyBytes = 100_000
        _ = expectFailure(try fetchOne(server.baseURL + "/big", options), .tooLarge)
    }

    @Test func aGzipBombIsCutOffWhileDecoding() throws {
        let bomb = try TestHTTPReply.gzipBomb(decodedBytes: 64 * 1024 * 1024)
        let server = try TestHTTPServer(routes: ["/bomb": bomb])
        defer { server.stop() }
        var options = limitedOptions(server)
        options.maxDecodedBytes = 1_000_000
        #expect(bomb.body.count < options.maxBodyBytes)
        let problem = expectFailure(try fetchOne(server.baseURL + "/bomb", options), .tooLarge)
        #expect(problem?.message.contains("after decoding") == true)
    }

    @Test func aCompressedBodyWithoutLengthIsCappedAsSent() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let compressed = try TestHTTPReply.gzipped(noise).body
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n"
        let server = try TestHTTPServer(routes: [
            "/noise": TestHTTPReply(status: 200, body: Data(head.utf8) + compressed, delivery: .raw),
        ])
        defer { server.stop() }
        var options = limitedOptions(server)
        options.maxBodyBytes = 100_000
        #expect(compressed.count > options.maxBodyBytes && noise.count < options.maxDecodedBytes)
        let problem = expectFailure(try fetchOne(server.baseURL + "/noise", options), .tooLarge)
        #expect(problem?.message.contains("100000 bytes before decoding") == true, "\(problem?.message ?? "")")
        options.maxBodyBytes = 1_000_000
        #expect(expectCapture(try fetchOne(server.baseURL + "/noise", options))?.body == noise)
    }

    @Test func aHeaderFloodIsCutOff() throws {
        let flood = (0..<2000).map { "X-Filler-\($0): \(String(repeating: "a", count: 60))\r\n" }.joined()
        let raw = Data("HTTP/1.1 200 OK\r\n\(flood)Content-Length: 2\r\n\r\nok".utf8)
        let server = try TestHTTPServer(routes: ["/headers": TestHTTPReply(status: 200, body: raw, delivery: .raw)])
        defer { server.stop() }
        let problem = expectFailure(try fetchOne(server.baseURL + "/headers", limitedOptions(server)), .tooLarge)
        #expect(problem?.message.contains("headers") == true)
    }

    /// Fetches 8 pages from one host whose answers take `answerTime`; returns the server's observations.
    func fetchEightPages(perHost: Int, delayMilliseconds: Int, answerTime: TimeInterval) throws -> ServerLoad {
        let load = ServerLoad()
        let server = try TestHTTPServer { _ in
            load.enter()
            Thread.sleep(forTimeInterval: answerTime)
            load.leave()
            return .status(204)
        }
        defer { server.stop() }
        var options = loopbackOptions(server)
        options.perHostConcurrency = perHost
        options.perHostDelayMilliseconds = delayMilliseconds
        let fetcher = try Fetcher(options: options)
        defer { fetcher.shutdown() }
        let results = fetcher.fetchAll((0..<8).map { FetchRequest(id: Int64($0), url: server.baseURL + "/page/\($0)") })
        #expect(results.allSatisfy { (try? $0.get())?.status == 204 })
        return load
    }

    @Test func perHostConcurrencyIsKept() throws {
        #expect(try fetchEightPages(perHost: 2, delayMilliseconds: 0, answerTime: 0.15).peak == 2)
    }

    @Test func perHostDelaySpacesTheStarts() throws {
        let starts = try fetchEightPages(perHost: 8, delayMilliseconds: 60, answerTime: 0).starts
        // The server sees each start a little late, by a varying amount: judge the span, not each gap.
        let span = try #require(starts.last) - (try #require(starts.first))
        #expect(span >= .milliseconds(7 * 60 - 100), "8 starts 60 ms apart spread over only \(span)")
    }

    @Test func optionsDecodeWithDefaultsRefuseBadValuesAndRoundTrip() throws {
        let defaults = try StrictJSON.decode(FetchOptions.self, from: Data("{}".utf8), file: "pipeline.json")
        #expect(defaults == FetchOptions())
        #expect(defaults.concurrency == 32 && defaults.perHostConcurrency == 2 && defaults.maxRedirects == 5)
        #expect(defaults.maxBodyBytes == 5 * 1024 * 1024 && defaults.respectRobots)
        let custom = try StrictJSON.decode(FetchOptions.self, from: Data("""
            {"concurrency": 8, "allow_hosts": ["127.0.0.1:8080", "10.0.0.0/8"], "respect_robots": false}
            """.utf8), file: "pipeline.json")
        #expect(custom.concurrency == 8 && custom.allowHosts.count == 2 && !custom.respectRobots)
        let encoded = try JSONEncoder().encode(custom)
        #expect(try JSONDecoder().decode(FetchOptions.self, from: encoded) == custom)
        let refused = ["{\"concurrency\": 0}": "concurrency", "{\"per_host_delay_ms\": -1}": "per_host_delay_ms",
                       "{\"total_timeout_s\": 0}": "total_timeout_s", "{\"allow_hosts\": [\"localhost\"]}": "allow_hosts",
                       "{\"user_agent\": \"a\\r\\nX-Evil: 1\"}": "user_agent", "{\"max_redirect\": 3}": "max_redirect"]
        for (json, key) in refused {
            #expect { try StrictJSON.decode(FetchOptions.self, from: Data(json.utf8), file: "pipeline.json") } throws: { error in
                (error as? ConfigurationError)?.key == key
            }
        }
    }
}

/// Counts requests the test server is answering at once, and when each began.
final class ServerLoad: Sendable {
    private struct State {
        var active = 0
        var peak = 0
        var starts: [ContinuousClock.Instant] = []
    }

    private let state = Mutex(State())

    func enter() {
        state.withLock { state in
            state.active += 1
            state.peak = max(state.peak, state.active)
            state.starts.append(.now)
        }
    }

    func leave() { state.withLock { $0.active -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
    var starts: [ContinuousClock.Instant] { state.withLock { $0.starts.sorted() } }
}
