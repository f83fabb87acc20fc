import Foundation

/// An answer as it came over the socket.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}

/// HTTP/1.1 written by hand over a loopback socket, so tests can send what no client library would: broken
/// request lines, bytes that are not UTF-8, bodies larger than they say, requests that never finish.
final class RawConnection {
    let socket: Int32

    init(port: UInt16, receiveTimeout: Double = 10) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawHTTPError(description: "socket() failed") }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - receiveTimeout.rounded(.down)) * 1_000_000))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw RawHTTPError(description: "cannot connect to 127.0.0.1:\(port)")
        }
    }

    /// Sends bytes; false when the server has closed the connection.
    @discardableResult
    func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Data(text.utf8)) }

    /// Everything until the server closes (or the receive timeout passes: then nil).
    func readToEnd() -> Data? {
        var collected = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { return collected }
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK ? nil : collected }
            collected.append(contentsOf: buffer[0..<count])
        }
    }

    /// Whether the server has closed the connection (reads EOF within the receive timeout).
    func isClosedByServer() -> Bool {
        readToEnd() != nil
    }

    deinit {
        close(socket)
    }

    static func parse(_ data: Data) throws -> RawResponse {
        guard let split = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
            throw RawHTTPError(description: "no complete response: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        let head = String(decoding: data[data.startIndex..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawHTTPError(description: "bad status line \(head.first ?? "")")
        }
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return RawResponse(status: status, headers: headers, body: Data(data[split.upperBound...]))
    }
}

enum RawHTTP {
    /// Sends raw bytes on a new connection and reads the answer to the end.
    static func exchange(port: UInt16, _ bytes: Data) throws -> RawResponse {
        let connection = try RawConnection(port: port)
        connection.send(bytes)
        guard let data = connection.readToEnd() else { throw RawHTTPError(description: "no answer within the timeout") }
        return try RawConnection.parse(data)
    }

    /// One well-formed request with `Connection: close`.
    static func request(port: UInt16, _ method: String, _ path: String, headers: [(String, String)] = [],
                        body: Data? = nil) throws -> RawResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        return try exchange(port: port, Data((head + "\r\n").utf8) + (body ?? Data()))
    }

    /// `application/x-www-form-urlencoded` of the fields, in order.
    static func form(_ fields: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(fields.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") + "="
                + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&").utf8)
    }
}
