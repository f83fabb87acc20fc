internal import CCurl

/// A URL as libcurl parses it, so scheduling, robots.txt and loop detection see the same host and path
/// the transfer will use.
struct URLParts: Sendable, Equatable {
    var scheme: String
    var host: String
    var port: Int
    /// Path with query, as sent in the request line.
    var target: String
    /// The whole URL as libcurl normalises it.
    var normalized: String
    /// A user name or password in the URL: never sent.
    var hasCredentials: Bool

    /// Scheme, host and port: the unit of per-host limits and of the robots.txt cache.
    var origin: String { "\(scheme)://\(host):\(port)" }

    /// Parses with `curl_url()`; throws a message naming what is wrong.
    init(_ url: String) throws(URLPartsError) {
        let parsed = CurlURL()
        guard let handle = parsed.handle else { throw URLPartsError(reason: "libcurl could not allocate a URL handle") }
        let code = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard code == CURLUE_OK else {
            throw URLPartsError(reason: String(cString: curl_url_strerror(code)))
        }
        scheme = parsed.part(CURLUPART_SCHEME, flags: 0)?.lowercased() ?? ""
        host = parsed.part(CURLUPART_HOST, flags: 0)?.lowercased() ?? ""
        port = parsed.part(CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) } ?? 0
        let path = parsed.part(CURLUPART_PATH, flags: 0) ?? "/"
        target = parsed.part(CURLUPART_QUERY, flags: 0).map { "\(path)?\($0)" } ?? path
        normalized = parsed.part(CURLUPART_URL, flags: 0) ?? url
        hasCredentials = parsed.part(CURLUPART_USER, flags: 0) != nil || parsed.part(CURLUPART_PASSWORD, flags: 0) != nil
    }
}

/// libcurl's reason for refusing a URL; the caller names the URL in the failure it records.
struct URLPartsError: Error {
    var reason: String
}

/// Owns one `CURLU` handle, freed with `curl_url_cleanup`; used and dropped within `URLParts.init`.
private final class CurlURL {
    let handle: OpaquePointer?

    init() { handle = curl_url() }
    deinit { curl_url_cleanup(handle) }

    /// One part, copied into Swift; libcurl's string goes back through `curl_free`.
    func part(_ which: CURLUPart, flags: UInt32) -> String? {
        var text: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &text, flags) == CURLUE_OK, let text else { return nil }
        defer { curl_free(text) }
        return String(cString: text)
    }
}

@available(*, unavailable)
extension CurlURL: Sendable {}
