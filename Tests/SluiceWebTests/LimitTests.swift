import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceWeb

/// Slow clients, floods and proxies: connection limits, idle timeouts, rate limits with `Retry-After`, and
/// `X-Forwarded-For` believed only from the configured proxy.
@Suite struct LimitTests {
    @Test func slowClientsHoldNoThreadAndAreClosedWhenIdle() throws {
        let web = try WebFixture {
            $0.daemon.idleTimeoutSeconds = 2
            $0.daemon.threads = 1
        }
        let slow = try (0..<6).map { _ in try RawConnection(port: web.port, receiveTimeout: 8) }
        for connection in slow { connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") }
        // Six unfinished requests and one polling thread: a whole request is still answered.
        #expect(try web.get("/").status == 200)
        for connection in slow { #expect(connection.isClosedByServer(), "an idle half request is closed after the timeout") }
        #expect(try web.get("/").status == 200)
    }

    @Test func oneAddressCannotTakeEveryConnection() throws {
        let web = try WebFixture { $0.daemon.connectionsPerAddress = 4 }
        var held = try (0..<4).map { _ in try RawConnection(port: web.port, receiveTimeout: 3) }
        for connection in held { connection.send("GET / HTTP/1.1\r\nHost: x\r\n") }
        Thread.sleep(forTimeInterval: 0.3)
        let extra = try RawConnection(port: web.port, receiveTimeout: 3)
        extra.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(extra.readToEnd()?.isEmpty == true, "the fifth connection from one address is closed unanswered")
        held.removeAll()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try web.get("/").status == 200)
    }

    @Test func floodsGet429WithRetryAfter() throws {
        let web = try WebFixture {
            $0.requestsPerMinutePerAddress = 60
            $0.addressBurst = 5
        }
        let statuses = try (0..<7).map { _ in try web.get("/").status }
        #expect(statuses.prefix(5).allSatisfy { $0 == 200 })
        let limited = try web.get("/")
        #expect(limited.status == 429)
        #expect(Int(limited.header("Retry-After") ?? "").map { $0 >= 1 && $0 <= 60 } == true)
        #expect(limited.text.contains("请") && limited.text.contains("秒后再试"))
        let api = try web.api("GET", "/api/v1/me/submissions", token: "x")
        #expect(api.status == 429 && (api.json?["error"] as? [String: Any])?["code"] as? String == "rate_limited")
    }

    @Test func aVolunteerIsLimitedPerToken() throws {
        let web = try WebFixture {
            $0.submissionsPerMinutePerVolunteer = 6
            $0.submissionBurst = 2
        }
        let token = try web.invite("小明")
        let other = try web.invite("小红")
        let statuses = try (0..<3).map { index in
            try web.api("POST", "/api/v1/submissions", token: token, json: "{\"note\": \"第 \(index) 条\"}").status
        }
        #expect(statuses == [201, 201, 429])
        let cookie = try web.signIn(token)
        let (_, csrf, key) = try web.formPage(cookie)
        let form = try web.postForm(cookie, [("csrf", csrf), ("key", key), ("note", "再来一条")])
        #expect(form.status == 429 && form.header("Retry-After") != nil && form.text.contains("再来一条"))
        #expect(try web.api("POST", "/api/v1/submissions", token: other, json: #"{"note": "别人的"}"#).status == 201)
        #expect(try web.itemCount() == 3)
    }

    @Test func forwardedAddressesAreBelievedOnlyFromTheProxy() throws {
        let direct = try WebFixture {
            $0.requestsPerMinutePerAddress = 60
            $0.addressBurst = 3
        }
        let spoofed = try (0..<4).map { index in try direct.get("/", headers: [("X-Forwarded-For", "192.0.2.\(index + 1)")]).status }
        #expect(spoofed == [200, 200, 200, 429], "without a trusted proxy the header changes nothing")
        #expect(direct.logs.allSatisfy { $0.contains(" 127.0.0.1 ") })

        let proxied = try WebFixture {
            $0.requestsPerMinutePerAddress = 60
            $0.addressBurst = 3
            $0.trustedProxy = "127.0.0.1"
        }
        let first = try (0..<4).map { _ in try proxied.get("/", headers: [("X-Forwarded-For", "203.0.113.9, 192.0.2.1")]).status }
        #expect(first == [200, 200, 200, 429], "the proxy's last entry is the client")
        #expect(try proxied.get("/", headers: [("X-Forwarded-For", "192.0.2.2")]).status == 200)
        #expect(proxied.logs.contains { $0.contains(" 192.0.2.1 ") })
        #expect(try proxied.get("/", headers: [("X-Forwarded-For", "not-an-address")]).status == 200)
    }
}

/// A short version of `scripts/bench-web.sh` in the suite: many clients at once, each retrying some requests
/// with their key; every accepted submission is stored exactly once.
@Suite struct ConcurrentClientTests {
    @Test func concurrentClientsWithRetriesStoreEachSubmissionOnce() throws {
        let web = try WebFixture()
        let clients = 16
        let perClient = 12
        let tokens = try (0..<clients).map { try web.invite("并发-\($0)") }
        let outcomes = Mutex<[(client: Int, sequence: Int, id: Int, retryID: Int?)]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            for sequence in 0..<perClient {
                let body = "{\"note\": \"并发 \(client) 第 \(sequence) 条\"}"
                let key = [("Idempotency-Key", "c\(client)-\(sequence)")]
                do {
                    let first = try web.api("POST", "/api/v1/submissions", token: tokens[client], json: body, headers: key)
                    guard first.status == 201, let id = first.json?["id"] as? Int else {
                        failures.withLock { $0.append("\(client)/\(sequence): \(first.status)") }
                        continue
                    }
                    var retryID: Int?
                    if sequence % 3 == 2 {
                        retryID = try web.api("POST", "/api/v1/submissions", token: tokens[client], json: body, headers: key)
                            .json?["id"] as? Int
                    }
                    outcomes.withLock { $0.append((client, sequence, id, retryID)) }
                } catch {
                    failures.withLock { $0.append("\(client)/\(sequence): \(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let accepted = outcomes.withLock { $0 }
        #expect(accepted.count == clients * perClient)
        #expect(accepted.allSatisfy { $0.retryID == nil || $0.retryID == $0.id }, "a retry answers with the first id")
        #expect(Set(accepted.map(\.id)).count == accepted.count)
        let records = try web.store.records(state: nil, limit: nil, after: nil)
        #expect(records.count == accepted.count, "stored exactly once")
        for outcome in accepted {
            #expect(records.first { $0.id == Int64(outcome.id) }?.note == "并发 \(outcome.client) 第 \(outcome.sequence) 条")
        }
        #expect(try web.store.integrityCheck() == "ok")
    }
}
