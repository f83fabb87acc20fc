import Foundation
import Glibc
import SluiceCore

/// One request as the test server read it.
public struct TestHTTPRequest: Sendable, Equatable {
    public var method: String
    /// The request target as sent: path with query.
    public var path: String
    /// Header names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]

    public init(method: String, path: String, headers: [String: String]) {
        self.method = method
        self.path = path
        self.headers = headers
    }
}

/// What the test server answers, including hostile behaviours a fetcher must survive.
public struct TestHTTPReply: Sendable {
    /// How the body leaves the server.
    public enum Delivery: Sendable {
        /// Status line, headers (with Content-Length unless given) and body at once.
        case complete
        /// Headers at once, then `bytes` of the body every `interval`; no Content-Length.
        case trickle(bytes: Int, interval: Duration)
        /// Headers, then the body repeated until the client hangs up; no Content-Length.
        case endless
        /// `body` is the whole response, status line included, written as is.
        case raw
    }

    public var status: Int
    public var headers: [HTTPHeader]
    public var body: Data
    public var delivery: Delivery
    /// Silence before the first byte of the answer.
    public var delay: Duration

    public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data(), delivery: Delivery = .complete,
                delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delivery = delivery
        self.delay = delay
    }

    /// An HTML page encoded in `charset` (any iconv name: UTF-8, GBK, GB18030, BIG5) and labelled in the
    /// Content-Type with `label`, which defaults to the true charset and may lie; an empty label omits it.
    public static func html(_ text: String, charset: String = "UTF-8", label: String? = nil) throws -> TestHTTPReply {
        let declared = label ?? charset
        let type = declared.isEmpty ? "text/html" : "text/html; charset=\(declared)"
        return TestHTTPReply(status: 200, headers: [HTTPHeader(name: "Content-Type", value: type)],
                             body: try TextEncoder.encode(text, to: charset))
    }

    /// A body served with the given Content-Type.
    public static func bytes(_ body: Data, contentType: String, status: Int = 200) -> TestHTTPReply {
        TestHTTPReply(status: status, headers: [HTTPHeader(name: "Content-Type", value: contentType)], body: body)
    }

    public static func redirect(_ status: Int, to location: String) -> TestHTTPReply {
        TestHTTPReply(status: status, headers: [HTTPHeader(name: "Location", value: location)])
    }

    public static func status(_ status: Int, headers: [HTTPHeader] = []) -> TestHTTPReply {
        TestHTTPReply(status: status, headers: headers, body: Data("status \(status)\n".utf8))
    }

    /// The bytes this reply starts with: status line and headers (and the body when delivered complete).
    func head() -> Data {
        var lines = ["HTTP/1.1 \(status) \(Self.reason(status))"]
        for header in headers { lines.append("\(header.name): \(header.value)") }
        let names = Set(headers.map { $0.name.lowercased() })
        if case .complete = delivery, !names.contains("content-length") {
            lines.append("Content-Length: \(body.count)")
        }
        lines.append("Connection: close")
        return Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// A test server could not start, or a test fixture could not be built.
public struct TestHTTPServerError: Error, CustomStringConvertible {
    public var description: String
}

/// Encodes test pages into legacy charsets through glibc's iconv.
/// Text in any charset iconv knows, for tests that need legacy-encoded bytes.
public enum TextEncoder {
    public static func encode(_ text: String, to charset: String) throws -> Data {
        if charset.uppercased() == "UTF-8" { return Data(text.utf8) }
        let converter = iconv_open(charset, "UTF-8")
        guard let converter, converter != iconv_t(bitPattern: -1) else {
            throw TestHTTPServerError(description: "iconv cannot encode to \(charset)")
        }
        defer { iconv_close(converter) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 4 + 16)
        let written: Int? = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer = inputBuffer.baseAddress
                var inLeft = inputBuffer.count
                var outPointer = outputBuffer.baseAddress
                var outLeft = outputBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
                return outputBuffer.count - outLeft
            }
        }
        guard let written else {
            throw TestHTTPServerError(description: "\(charset) cannot represent the test text")
        }
        return Data(output.prefix(written).map { UInt8(bitPattern: $0) })
    }
}

extension TestHTTPReply {
    /// `data` compressed by the system's gzip, served as `Content-Encoding: gzip` HTML.
    public static func gzipped(_ data: Data) throws -> TestHTTPReply {
        TestHTTPReply(status: 200, headers: [HTTPHeader(name: "Content-Type", value: "text/html; charset=utf-8"),
                                             HTTPHeader(name: "Content-Encoding", value: "gzip")],
                      body: try Gzip.compress(data))
    }

    /// A small gzip body that expands to `decodedBytes` zero bytes: a decompression bomb.
    public static func gzipBomb(decodedBytes: Int) throws -> TestHTTPReply {
        try gzipped(Data(count: decodedBytes))
    }
}

/// Runs `gzip -c` over the data: the real tool, so the test does not trust our own encoder.
enum Gzip {
    static func compress(_ data: Data) throws -> Data {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-gzip-\(UUID().uuidString)")
        try data.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-9", input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestHTTPServerError(description: "gzip exited with \(process.terminationStatus)")
        }
        return compressed
    }
}
