import Foundation
import Glibc
import Synchronization

/// An HTTP/1.1 server for tests on a loopback address and an ephemeral port. Blocking BSD sockets, one
/// thread accepting and one thread per connection; every answer closes its connection.
///
/// It records every request target it reads, so a test can prove that a fetcher never connected.
public final class TestHTTPServer: Sendable {
    private struct State {
        var listening: Int32
        var requests: [TestHTTPRequest] = []
        var connections: Set<Int32> = []
        var stopped = false
    }

    public let port: UInt16
    /// The address listened on: `127.0.0.1` or `::1`.
    public let host: String
    private let handler: @Sendable (TestHTTPRequest) -> TestHTTPReply
    private let state: Mutex<State>

    /// Listens on `host` (an IPv4 or IPv6 loopback literal) and answers every request with `handler`.
    public init(host: String = "127.0.0.1", _ handler: @escaping @Sendable (TestHTTPRequest) -> TestHTTPReply) throws {
        let (socket, port) = try Self.listen(on: host)
        self.host = host
        self.port = port
        self.handler = handler
        self.state = Mutex(State(listening: socket))
        let thread = Thread { [self] in acceptLoop(socket) }
        thread.name = "TestHTTPServer accept"
        thread.start()
    }

    /// Serves fixed replies by request target (path with query); anything else is a 404.
    public convenience init(host: String = "127.0.0.1", routes: [String: TestHTTPReply]) throws {
        try self.init(host: host) { request in routes[request.path] ?? .status(404) }
    }

    deinit { stop() }

    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// Every request target seen, in arrival order.
    public var requestedPaths: [String] { state.withLock { $0.requests.map(\.path) } }

    /// Every request seen, in arrival order.
    public var requests: [TestHTTPRequest] { state.withLock { $0.requests } }

    /// Closes the listening socket and every open connection; idempotent.
    public func stop() {
        let sockets: [Int32] = state.withLock { state in
            guard !state.stopped else { return [] }
            state.stopped = true
            return [state.listening] + Array(state.connections)
        }
        for socket in sockets { _ = Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private static func listen(on host: String) throws -> (Int32, UInt16) {
        let isIPv6 = host.contains(":")
        let family = isIPv6 ? AF_INET6 : AF_INET
        let socket = Glibc.socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestHTTPServerError(description: "socket(): errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        let length: socklen_t
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            withUnsafeBytes(of: address) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, host, &address.sin_addr)
            withUnsafeBytes(of: address) { bytes in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) }
        }
        guard bound == 0, Glibc.listen(socket, 128) == 0 else {
            close(socket)
            throw TestHTTPServerError(description: "cannot listen on \(host): errno \(errno)")
        }
        var actual = sockaddr_storage()
        var actualLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &actualLength) }
        }
        let networkPort = withUnsafeBytes(of: actual) { bytes in
            isIPv6 ? bytes.load(as: sockaddr_in6.self).sin6_port : bytes.load(as: sockaddr_in.self).sin_port
        }
        return (socket, UInt16(bigEndian: networkPort))
    }

    private func acceptLoop(_ listening: Int32) {
        while true {
            let connection = accept(listening, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            let admitted = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections.insert(connection)
                return true
            }
            guard admitted else {
                close(connection)
                break
            }
            let thread = Thread { [self] in serve(connection) }
            thread.name = "TestHTTPServer connection"
            thread.start()
        }
        close(listening)
    }

    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        guard let request = Self.readRequest(connection) else { return }
        state.withLock { $0.requests.append(request) }
        let reply = handler(request)
        if reply.delay > .zero { Thread.sleep(forTimeInterval: reply.delay.seconds) }
        switch reply.delivery {
        case .raw:
            _ = Self.send(reply.body, on: connection)
        case .complete:
            _ = Self.send(reply.head() + reply.body, on: connection)
        case .trickle(let bytes, let interval):
            guard Self.send(reply.head(), on: connection) else { return }
            var offset = 0
            while offset < reply.body.count, !isStopped {
                let end = min(offset + max(bytes, 1), reply.body.count)
                guard Self.send(reply.body.subdata(in: offset..<end), on: connection) else { return }
                offset = end
                Thread.sleep(forTimeInterval: interval.seconds)
            }
        case .endless:
            guard Self.send(reply.head(), on: connection) else { return }
            let chunk = reply.body.isEmpty ? Data(repeating: 0x61, count: 16_384) : reply.body
            while !isStopped, Self.send(chunk, on: connection) {}
        }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Reads the request line and headers (at most 64 KiB); the body, if any, is ignored.
    private static func readRequest(_ connection: Int32) -> TestHTTPRequest? {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while received.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            received.append(contentsOf: buffer.prefix(count))
            // Not a request line (a TLS ClientHello, say): hang up, as a plain HTTP server would.
            guard let first = received.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return nil }
            if let end = received.firstRange(of: terminator) {
                return parse(String(decoding: received[..<end.lowerBound], as: UTF8.self))
            }
        }
        return nil
    }

    private static func parse(_ head: String) -> TestHTTPRequest? {
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return TestHTTPRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers)
    }

    private static func send(_ data: Data, on connection: Int32) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = Glibc.send(connection, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
