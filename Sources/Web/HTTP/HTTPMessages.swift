import Foundation

/// A header or query argument as received. `name` or `value` is nil when the client sent bytes that are not
/// UTF-8, so the request can be refused naming the field instead of reading a damaged value.
public struct HTTPField: Sendable, Equatable {
    public var name: String?
    public var value: String?

    public init(name: String?, value: String?) {
        self.name = name
        self.value = value
    }
}

/// One request as the daemon read it: the path and query as sent (percent escapes kept, so they are decoded
/// once, strictly, by the router), the headers in order, the body (at most the daemon's limit) and the
/// address of the peer that connected.
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var version: String
    public var headers: [HTTPField]
    public var query: [HTTPField]
    public var body: Data
    public var peerAddress: String

    public init(method: String, path: String, version: String = "HTTP/1.1", headers: [HTTPField] = [],
                query: [HTTPField] = [], body: Data = Data(), peerAddress: String = "127.0.0.1") {
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers
        self.query = query
        self.body = body
        self.peerAddress = peerAddress
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name?.lowercased() == lowered }?.value
    }

    /// The first header whose name or value is not UTF-8, if any.
    public var undecodableHeader: String? {
        headers.first { $0.name == nil || $0.value == nil }.map { $0.name ?? "(a header name)" }
    }
}

/// An answer: status, headers and the whole body (pages and feeds are small).
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (left: HTTPResponse, right: HTTPResponse) -> Bool {
        left.status == right.status && left.body == right.body
            && left.headers.map { "\($0.0): \($0.1)" } == right.headers.map { "\($0.0): \($0.1)" }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        headers.append((name, value))
    }

    /// Answered by the daemon itself, before the handler sees the request: the body is not read.
    static func tooLarge(limit: Int) -> HTTPResponse {
        let sentence = "The request body is larger than \(limit / 1024) KiB; send less. 请求内容超过 \(limit / 1024) KiB，请减少内容。\n"
        return HTTPResponse(status: 413, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")]
                            + SecurityHeaders.common, body: Data(sentence.utf8))
    }

    /// Header names are tokens and values hold no line break, so nothing a handler builds can split a response.
    static func isSafeHeader(name: String, value: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            && !value.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 }
    }
}

/// Headers every answer carries: nothing may be framed or sniffed into another type, no referrer leaves.
enum SecurityHeaders {
    static let common: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    ]
}
