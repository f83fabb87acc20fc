import Foundation
import SluiceCore
import SluiceTestSupport
import Testing
@testable import SluiceFetch

/// Every spelling of a blocked address must be refused at the socket. Where a spelling would reach a live
/// loopback server, the server proves no connection was made; the same spelling with an allow-list entry
/// reaches the server, so the refusal is the gate's doing and not an unreachable address.
@Suite struct AddressGateTests {
    /// Host spellings that libcurl resolves to an address of the IPv4 loopback server, with the allow-list
    /// entry that admits the address actually connected to.
    static let loopbackSpellings: [(host: String, allow: [String])] = [
        ("127.0.0.1", ["127.0.0.1"]),
        ("127.1", ["127.0.0.0/8"]),
        ("127.0.1", ["127.0.0.0/8"]),
        ("0x7f.1", ["127.0.0.0/8"]),
        ("0x7f.0.0.1", ["127.0.0.0/8"]),
        ("0x7f000001", ["127.0.0.0/8"]),
        ("2130706433", ["127.0.0.0/8"]),
        ("0177.0.0.1", ["127.0.0.0/8"]),
        ("017700000001", ["127.0.0.0/8"]),
        ("localhost", ["127.0.0.0/8", "::1"]),
        ("[::ffff:127.0.0.1]", ["127.0.0.0/8"]),
        ("[::ffff:7f00:1]", ["127.0.0.0/8"]),
        ("0.0.0.0", ["0.0.0.0/32"]),
        ("0", ["0.0.0.0/32"]),
    ]

    static let ipv6LoopbackSpellings = ["[::1]", "[0:0:0:0:0:0:0:1]", "[::0:1]", "[0000::0001]"]

    /// Addresses nothing listens on here: without the gate each would fail as `connect` or `timeout`.
    static let unreachableBlocked = [
        "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "192.0.0.170", "198.18.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "0xa9.0xfe.0xa9.0xfe", "2852039166", "012.0.0.1",
        "[fd00:ec2::254]", "[fc00::1]", "[fe80::1]", "[ff02::1]", "[::]", "[::a00:1]",
        "[::ffff:10.0.0.1]", "[::ffff:a9fe:a9fe]", "[64:ff9b::a00:1]", "[64:ff9b::7f00:1]", "[64:ff9b:1::1]",
        "[2002:a00:1::1]", "[2002:7f00:1::1]", "[2001::1]", "[2001:db8::1]",
    ]

    static func gatedOptions(allow: [String] = []) -> FetchOptions {
        FetchOptions(perHostDelayMilliseconds: 0, connectTimeoutSeconds: 1, totalTimeoutSeconds: 3, retries: 0,
                     respectRobots: false, allowHosts: allow)
    }

    @Test(arguments: loopbackSpellings)
    func aLoopbackSpellingIsRefusedWithoutConnecting(_ spelling: (host: String, allow: [String])) throws {
        let server = try TestHTTPServer(routes: ["/secret": try .html("<html>internal</html>")])
        defer { server.stop() }
        let url = "http://\(spelling.host):\(server.port)/secret"
        let problem = expectFailure(try fetchOne(url, Self.gatedOptions()), .blockedAddress)
        #expect(problem?.message.contains("refused") == true)
        #expect(server.requestedPaths.isEmpty, "\(url) reached the server")

        let allowed = try fetchOne(url, Self.gatedOptions(allow: spelling.allow))
        #expect(expectCapture(allowed)?.status == 200, "\(url) with \(spelling.allow) should reach the server")
        #expect(server.requestedPaths == ["/secret"])
    }

    @Test(arguments: ipv6LoopbackSpellings)
    func anIPv6LoopbackSpellingIsRefusedWithoutConnecting(_ host: String) throws {
        let server = try TestHTTPServer(host: "::1", routes: ["/": try .html("<html>internal</html>")])
        defer { server.stop() }
        let url = "http://\(host):\(server.port)/"
        _ = expectFailure(try fetchOne(url, Self.gatedOptions()), .blockedAddress)
        #expect(server.requestedPaths.isEmpty, "\(url) reached the server")
        #expect(expectCapture(try fetchOne(url, Self.gatedOptions(allow: ["[::1]:\(server.port)"]))) != nil)
    }

    @Test(arguments: unreachableBlocked)
    func aPrivateOrSpecialAddressIsRefusedAtTheSocket(_ host: String) throws {
        let problem = expectFailure(try fetchOne("http://\(host)/latest/meta-data/", Self.gatedOptions()), .blockedAddress)
        #expect(problem?.message.contains("http://\(host)/latest/meta-data/") == true)
    }

    @Test func anAllowEntryForAnotherPortDoesNotOpenThisOne() throws {
        let server = try TestHTTPServer(routes: [:])
        defer { server.stop() }
        let otherPort = server.port == 65535 ? 1 : server.port + 1
        let options = Self.gatedOptions(allow: ["127.0.0.1:\(otherPort)", "10.0.0.0/8", "[::1]:\(server.port)"])
        _ = expectFailure(try fetchOne(server.baseURL + "/", options), .blockedAddress)
        #expect(server.requestedPaths.isEmpty)
    }

    @Test func aRedirectToAPrivateAddressIsRefusedAtTheNextHop() throws {
        let inside = try TestHTTPServer(host: "::1", routes: ["/admin": try .html("<html>admin</html>")])
        defer { inside.stop() }
        let outside = try TestHTTPServer(routes: [
            "/to-metadata": .redirect(302, to: "http://169.254.169.254/latest/meta-data/"),
            "/to-inside": .redirect(307, to: "http://[::1]:\(inside.port)/admin"),
            "/to-decimal": .redirect(301, to: "http://2130706433:\(inside.port)/admin"),
        ])
        defer { outside.stop() }
        let options = loopbackOptions(outside)
        for path in ["/to-metadata", "/to-inside", "/to-decimal"] {
            let problem = expectFailure(try fetchOne(outside.baseURL + path, options), .blockedAddress)
            #expect(problem?.message.contains(outside.baseURL + path) == true, "\(problem?.message ?? "")")
        }
        #expect(inside.requestedPaths.isEmpty)
        #expect(outside.requestedPaths == ["/to-metadata", "/to-inside", "/to-decimal"])
    }

    @Test func aHostNameAnsweringWithABlockedAddressIsRefusedAtConnect() throws {
        let server = try TestHTTPServer(routes: ["/": try .html("<html>internal</html>")])
        defer { server.stop() }
        let resolving = ["rebind.hostile.test:\(server.port):127.0.0.1",
                         "mixed.hostile.test:\(server.port):127.0.0.1,::1"]
        for host in ["rebind.hostile.test", "mixed.hostile.test"] {
            let fetcher = try Fetcher(options: Self.gatedOptions(), resolving: resolving)
            let result = fetcher.fetchAll([FetchRequest(id: 1, url: "http://\(host):\(server.port)/")])[0]
            fetcher.shutdown()
            let problem = expectFailure(result, .blockedAddress)
            #expect(problem?.message.contains("127.0.0.1") == true || problem?.message.contains("::1") == true)
        }
        #expect(server.requestedPaths.isEmpty)

        let allowed = try Fetcher(options: Self.gatedOptions(allow: ["127.0.0.1:\(server.port)"]), resolving: resolving)
        defer { allowed.shutdown() }
        let reached = allowed.fetchAll([FetchRequest(id: 2, url: "http://rebind.hostile.test:\(server.port)/")])[0]
        #expect(expectCapture(reached)?.status == 200)
        #expect(server.requests.first?.headers["host"] == "rebind.hostile.test:\(server.port)")
    }

    @Test func publicAddressesPassAndEmbeddedOnesAreJudgedByTheirIPv4() throws {
        let gate = try AddressGate(allowHosts: [])
        for text in ["8.8.8.8", "1.1.1.1", "223.5.5.5", "2606:4700::1111", "2400:3200::1", "::ffff:8.8.8.8",
                     "64:ff9b::808:808", "2002:808:808::1"] {
            let address = try #require(IPAddress(literal: text))
            #expect(gate.refusal(address, port: 80) == nil, "\(text)")
        }
        for text in ["127.0.0.1", "::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "::7f00:1",
                     "fd00:ec2::254", "100.127.255.255", "169.254.169.254", "192.168.0.1", "3fff::1"] {
            let address = try #require(IPAddress(literal: text))
            #expect(gate.refusal(address, port: 80) != nil, "\(text)")
        }
    }

    @Test func allowEntriesParseEveryDocumentedForm() throws {
        let rules = try ["127.0.0.1", "127.0.0.1:8080", "10.0.0.0/8", "[::1]:443", "::1", "fd00::/8"]
            .map(AllowRule.init(parsing:))
        let loopback = try #require(IPAddress(literal: "127.0.0.1"))
        #expect(rules[0].admits(loopback, port: 1))
        #expect(rules[1].admits(loopback, port: 8080) && !rules[1].admits(loopback, port: 8081))
        #expect(rules[2].admits(try #require(IPAddress(literal: "10.200.0.1")), port: 80))
        #expect(!rules[2].admits(loopback, port: 80))
        #expect(rules[3].admits(try #require(IPAddress(literal: "::1")), port: 443))
        #expect(rules[5].admits(try #require(IPAddress(literal: "fd12::1")), port: 80))
    }
}
