import Foundation
import SluiceCore

/// One WARC/1.1 record: its named header fields and its content block as stored.
public struct WARCRecord: Sendable, Equatable {
    /// `WARC-Type`: `warcinfo`, `request`, `response`, `resource`, `metadata`, …
    public var type: String
    /// `WARC-Record-ID`, angle brackets included (`<urn:uuid:…>`).
    public var recordID: String
    public var targetURI: String?
    public var date: Date?
    /// Every header field in file order, the ones above included.
    public var headers: [HTTPHeader]
    public var block: Data

    public init(type: String, recordID: String, targetURI: String?, date: Date?, headers: [HTTPHeader], block: Data) {
        self.type = type
        self.recordID = recordID
        self.targetURI = targetURI
        self.date = date
        self.headers = headers
        self.block = block
    }

    /// The first header field with this name, compared case-insensitively.
    public func header(_ name: String) -> String? { headers.value(named: name) }

    /// The HTTP response a `response` record carries; nil for other records or a block that is not HTTP.
    public func httpResponse() -> RecordedHTTPResponse? {
        guard type == "response" else { return nil }
        return RecordedHTTPResponse(block)
    }
}

/// An HTTP response as stored in a WARC `response` block: status line, header lines, body bytes as received.
public struct RecordedHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: Data

    /// Parses `HTTP/1.x NNN reason`, header lines up to the blank line (CRLF or bare LF), then the body.
    init?(_ block: Data) {
        let bytes = [UInt8](block)
        guard let (headEnd, bodyStart) = RecordedHTTPResponse.endOfHead(bytes) else { return nil }
        let lines = String(decoding: bytes[..<headEnd], as: UTF8.self)
            .split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/") else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]), (100...999).contains(status) else { return nil }
        self.status = status
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return HTTPHeader(name: String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                              value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        body = Data(bytes[bodyStart...])
    }

    /// Where the header lines end and where the body starts.
    private static func endOfHead(_ bytes: [UInt8]) -> (Int, Int)? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A { return (index, index + 3) }
            }
            index += 1
        }
        return bytes.isEmpty ? nil : (bytes.count, bytes.count)
    }

    public func header(_ name: String) -> String? { headers.value(named: name) }
}

/// WARC dates: `2026-11-25T12:00:00Z`, with optional fractional seconds (WARC/1.1 allows them).
enum WARCDate {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .current))
    }

    static func parse(_ text: String) -> Date? {
        let plain = Date.ISO8601FormatStyle()
        if let date = try? plain.parse(text) { return date }
        return try? plain.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted).parse(text)
    }
}

extension Array where Element == HTTPHeader {
    /// The first field with this name, compared case-insensitively as HTTP and WARC field names are.
    func value(named name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
