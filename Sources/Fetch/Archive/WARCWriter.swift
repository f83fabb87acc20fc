import Foundation
import SluiceCore

/// Writes captures as WARC/1.1 `request` + `response` record pairs, after one `warcinfo` record, to a new file;
/// with `gzip` every record is its own gzip member, as WARC readers expect of `.warc.gz`. Every record carries
/// a `WARC-Block-Digest` and every response a `WARC-Payload-Digest` (SHA-1), so readers can check them.
///
/// Owns the file handle (closed by `close()` or in `deinit`) and, when compressing, one zlib stream.
/// Not thread safe: give it one owner.
public final class WARCWriter {
    private let path: String
    private let handle: FileHandle
    private let compressor: ZlibStream?
    private var closed = false

    /// Creates or truncates the file at `path`.
    public init(path: String, gzip: Bool) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ArchiveError(file: path, reason: "cannot create the file")
        }
        self.handle = handle
        do {
            compressor = gzip ? try ZlibStream(.compress) : nil
        } catch {
            try? handle.close()
            throw ArchiveError(file: path, reason: error.reason)
        }
        let info = Data("software: sluice\r\nformat: WARC File Format 1.1\r\n".utf8)
        try append(type: "warcinfo", recordID: WARCWriter.newRecordID(), date: Date(), targetURI: nil,
                   extra: [HTTPHeader(name: "Content-Type", value: "application/warc-fields")], block: info)
    }

    deinit {
        if !closed { try? handle.close() }
    }

    /// Writes the capture's redirect hops and its final response, each as a request record and a response record
    /// pointing at each other. Hops are recorded as `302` responses whose `Location` is the next URL of the chain
    /// (the capture keeps only the chain, not each hop's headers), marked `X-Sluice-Reconstructed: redirect-chain`.
    public func write(_ capture: Capture) throws {
        let chain = capture.redirectChain.isEmpty ? [capture.finalURL] : capture.redirectChain
        for (from, to) in zip(chain, chain.dropFirst()) where from != to {
            let hop = "HTTP/1.1 302 Found\r\nLocation: \(WARCWriter.singleLine(to))\r\n"
                + "X-Sluice-Reconstructed: redirect-chain\r\nContent-Length: 0\r\n\r\n"
            try writePair(url: from, date: capture.fetchedAt, response: Data(hop.utf8), payload: Data())
        }
        try writePair(url: chain.last ?? capture.finalURL, date: capture.fetchedAt, response: WARCWriter.responseBlock(capture),
                      payload: capture.body)
    }

    public func close() throws {
        guard !closed else { return }
        closed = true
        do {
            try handle.close()
        } catch {
            throw ArchiveError(file: path, reason: "cannot close the file (\(error.localizedDescription))")
        }
    }

    /// `payload` is the response's entity body, for `WARC-Payload-Digest`.
    private func writePair(url: String, date: Date, response: Data, payload: Data) throws {
        let responseID = WARCWriter.newRecordID()
        let requestID = WARCWriter.newRecordID()
        try append(type: "request", recordID: requestID, date: date, targetURI: url,
                   extra: [HTTPHeader(name: "WARC-Concurrent-To", value: responseID),
                           HTTPHeader(name: "Content-Type", value: "application/http;msgtype=request")],
                   block: WARCWriter.requestBlock(url))
        try append(type: "response", recordID: responseID, date: date, targetURI: url,
                   extra: [HTTPHeader(name: "WARC-Concurrent-To", value: requestID),
                           HTTPHeader(name: "Content-Type", value: "application/http;msgtype=response"),
                           HTTPHeader(name: "WARC-Payload-Digest", value: SHA1.warcDigest(payload))],
                   block: response)
    }

    private func append(type: String, recordID: String, date: Date, targetURI: String?, extra: [HTTPHeader],
                        block: Data) throws {
        guard !closed else { throw ArchiveError(file: path, reason: "write after close") }
        var head = "WARC/1.1\r\nWARC-Type: \(type)\r\nWARC-Record-ID: \(recordID)\r\nWARC-Date: \(WARCDate.format(date))\r\n"
        if let targetURI { head += "WARC-Target-URI: \(WARCWriter.singleLine(targetURI))\r\n" }
        for field in extra { head += "\(field.name): \(field.value)\r\n" }
        head += "WARC-Block-Digest: \(SHA1.warcDigest(block))\r\n"
        head += "Content-Length: \(block.count)\r\n\r\n"
        var record = Data(head.utf8)
        record.append(block)
        record.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
        do {
            if let compressor {
                try handle.write(contentsOf: try compressor.compressMember(record))
            } else {
                try handle.write(contentsOf: record)
            }
        } catch let failure as BodyCodingFailure {
            throw ArchiveError(file: path, reason: failure.reason)
        } catch {
            throw ArchiveError(file: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    /// The response as received, except what no longer describes the stored body: the capture holds the body
    /// after transfer and content decoding, so `Transfer-Encoding` is dropped, `Content-Encoding` is kept under
    /// `X-Sluice-Original-Content-Encoding`, and `Content-Length` states the stored length.
    static func responseBlock(_ capture: Capture) -> Data {
        var head = "HTTP/1.1 \(capture.status) \(reasonPhrase(capture.status))\r\n"
        for field in capture.headers {
            let name = field.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(where: { $0 == ":" || $0.isWhitespace }) else { continue }
            switch name.lowercased() {
            case "transfer-encoding", "content-length": continue
            case "content-encoding": head += "X-Sluice-Original-Content-Encoding: \(singleLine(field.value))\r\n"
            default: head += "\(name): \(singleLine(field.value))\r\n"
            }
        }
        head += "Content-Length: \(capture.body.count)\r\n\r\n"
        return Data(head.utf8) + capture.body
    }

    /// The GET the fetch stage sent, as far as the capture tells it.
    static func requestBlock(_ url: String) -> Data {
        let parsed = try? HTTPURL(url)
        let target = parsed?.requestTarget ?? "/"
        let host = parsed?.authority ?? ""
        return Data("GET \(singleLine(target)) HTTP/1.1\r\nHost: \(singleLine(host))\r\nUser-Agent: sluice\r\n\r\n".utf8)
    }

    /// Header values from the network must not break the record's line structure.
    static func singleLine(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }.map(Character.init))
    }

    static func newRecordID() -> String { "<urn:uuid:\(UUID().uuidString.lowercased())>" }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

@available(*, unavailable)
extension WARCWriter: Sendable {}
