import Foundation
import SluiceCore

/// Answers fetches from recorded responses (the demo machine has no internet).
///
/// Built once from a `.warc` or `.warc.gz`; immutable afterwards, so it is shared freely between threads.
/// Lookups try the exact URL, then the URL without its fragment and tracking parameters (`utm_*`, `spm`,
/// `share_source`, WeChat's `chksm`/`scene`, …) so a submission's share-link variant finds the recorded page.
public struct ReplayArchive: Sendable {
    /// One recorded response, bodies already stripped of transfer and content encoding.
    struct Entry: Sendable {
        var url: String
        var status: Int
        var headers: [HTTPHeader]
        var body: Data
        var date: Date
    }

    public let path: String
    private let exact: [String: Entry]
    private let relaxed: [String: Entry]

    /// The number of distinct URLs with a recorded response.
    public var count: Int { exact.count }

    public init(path: String) throws {
        self.path = path
        var exact: [String: Entry] = [:]
        var relaxed: [String: Entry] = [:]
        for (number, record) in try WARCReader(path: path).records().enumerated() {
            // Crawlers also store `dns:` lookups and other non-HTTP exchanges as response records.
            guard record.type == "response", let url = record.targetURI,
                  record.header("Content-Type")?.lowercased().hasPrefix("application/http") ?? true else { continue }
            guard let response = record.httpResponse() else {
                throw ArchiveError(file: path, record: number, reason: "response record for \(url) holds no HTTP response")
            }
            let body: Data
            do {
                body = try ReplayArchive.decodedBody(response)
            } catch {
                throw ArchiveError(file: path, record: number, reason: "body of \(url): \(error.reason)")
            }
            let entry = Entry(url: url, status: response.status, headers: response.headers, body: body,
                              date: record.date ?? Date(timeIntervalSince1970: 0))
            // The first recording of a URL is what the submitter saw; later ones are refetches.
            if exact[url] == nil { exact[url] = entry }
            let key = ReplayArchive.relaxedKey(url)
            if relaxed[key] == nil { relaxed[key] = entry }
        }
        self.exact = exact
        self.relaxed = relaxed
    }

    /// The recorded response for this URL as a Capture, as the network fetcher hands one over (no decoded
    /// text, no problem: the caller sniffs, decodes and judges it), following recorded redirects (3xx with
    /// `Location`) so the chain is kept; nil when the archive has no record of the URL. A redirect to a URL the
    /// archive lacks ends the chain at the 3xx response.
    public func capture(for url: String) -> Capture? {
        guard var entry = lookup(url) else { return nil }
        var chain = [url]
        while (300..<400).contains(entry.status), chain.count <= ReplayArchive.maximumRedirects,
              let location = entry.headers.value(named: "Location"),
              let next = (try? HTTPURL(location, relativeTo: try? HTTPURL(entry.url)))?.href,
              !chain.contains(next), let nextEntry = lookup(next) {
            chain.append(next)
            entry = nextEntry
        }
        let contentType = entry.headers.value(named: "Content-Type")
        return Capture(requestedURL: url, finalURL: chain.last ?? url, redirectChain: chain, status: entry.status,
                       headers: entry.headers, contentType: contentType, body: entry.body, text: nil, charset: nil,
                       charsetBasis: nil, problem: nil, attempts: [], fetchedAt: entry.date)
    }

    static let maximumRedirects = 10

    private func lookup(_ url: String) -> Entry? {
        exact[url] ?? relaxed[ReplayArchive.relaxedKey(url)]
    }

    /// Query parameters that only say who shared a link or from where; they never select content.
    static let trackingParameters: Set<String> = [
        "spm", "share_source", "share_medium", "share_from", "share_token", "sharer_sharetime", "sharer_shareid",
        "from", "scene", "srcid", "chksm", "clicktime", "enterid", "isappinstalled", "nsukey", "wfr", "exportkey",
        "pass_ticket", "xhsshare", "app_platform", "appuid", "apptime", "fbclid", "gclid", "ref", "ref_src",
    ]

    /// The URL as the parser serializes it, fragment and tracking parameters dropped, remaining parameters sorted.
    static func relaxedKey(_ url: String) -> String {
        guard let parsed = try? HTTPURL(url) else { return url }
        let kept = (parsed.query ?? "").split(separator: "&").filter { pair in
            let name = String(decoding: PercentEncoding.decode(Array((pair.split(separator: "=").first ?? "").utf8)),
                              as: UTF8.self).lowercased()
            return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
        }.sorted()
        let query = kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
        return parsed.scheme + "://" + parsed.authority + parsed.path + query
    }

    /// The body as the fetch stage would have handed it on: chunked transfer coding removed, then gzip or
    /// deflate content coding undone (other tools' WARCs store bodies as they came off the wire).
    static func decodedBody(_ response: RecordedHTTPResponse) throws(BodyCodingFailure) -> Data {
        var body = response.body
        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            body = try dechunked(body)
        }
        switch response.header("Content-Encoding")?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "gzip", "x-gzip", "deflate":
            body = try ZlibStream(.decompress).decompressMembers(body).data
        default:
            break
        }
        return body
    }

    static func dechunked(_ data: Data) throws(BodyCodingFailure) -> Data {
        let bytes = [UInt8](data)
        var output = Data()
        var offset = 0
        while true {
            guard let lineEnd = WARCReader.find([0x0D, 0x0A], in: bytes, from: offset) else {
                throw BodyCodingFailure(offset: offset, reason: "chunked body without a chunk-size line")
            }
            let sizeText = String(decoding: bytes[offset..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw BodyCodingFailure(offset: offset, reason: "bad chunk size \(String(sizeText.prefix(20)).debugDescription)")
            }
            if size == 0 { return output }
            let start = lineEnd + 2
            guard size <= bytes.count - start else { throw BodyCodingFailure(offset: start, reason: "chunk is truncated") }
            output.append(contentsOf: bytes[start..<start + size])
            offset = start + size + 2
        }
    }
}
