import Foundation
import Glibc
internal import CCurl
import SluiceCore

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// Owns one libcurl easy handle (freed with `curl_easy_cleanup`) and the request header list
/// and stand-in DNS answers (`curl_slist_free_all`), plus the buffers its callbacks fill: one attempt at one URL.
///
/// Not thread safe, by design: only the fetcher thread touches it, and libcurl calls the callbacks from
/// `curl_multi_perform` on that same thread. The callbacks reach this object through an unretained
/// pointer; the engine keeps it alive for as long as the handle is in the multi handle.
final class EasyTransfer {
    let handle: UnsafeMutableRawPointer
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private var resolveEntries: UnsafeMutablePointer<curl_slist>?
    let url: String
    let startedAt = Date()
    private let gate: AddressGate
    private let maxBodyBytes: Int
    private let maxDecodedBytes: Int
    private let maxHeaderBytes: Int

    private(set) var body = Data()
    /// The headers of the last response received (a followed redirect or a 1xx starts a new set).
    private(set) var headers: [HTTPHeader] = []
    private var headerBytes = 0
    /// The current response has a Content-Encoding: its body is capped after decoding.
    private var isContentEncoded = false
    /// The Content-Length of the response being received, when it gave one.
    private var declaredLength: Int?
    /// Set by a callback that cut the transfer off; it explains the libcurl error that follows.
    private(set) var abort: (code: ProblemCode, reason: String)?
    /// Every address the socket gate let through, in order.
    private(set) var connectedAddresses: [String] = []

    /// Sets every option; `followRedirects` is for robots.txt only (page hops are followed by the engine,
    /// so each one is recorded and scheduled).
    init(url: String, options: FetchOptions, gate: AddressGate, resolving: [String] = [],
         followRedirects: Bool = false, maxDecodedBytes: Int? = nil, validators: CacheValidators? = nil) throws(FetchError) {
        guard CurlGlobal.initialized, let handle = curl_easy_init() else {
            throw FetchError.curl(operation: "curl_easy_init", code: -1, message: "no handle for \(url)")
        }
        self.handle = handle
        self.url = url
        self.gate = gate
        self.maxBodyBytes = options.maxBodyBytes
        self.maxDecodedBytes = maxDecodedBytes ?? options.maxDecodedBytes
        self.maxHeaderBytes = options.maxHeaderBytes
        for line in ["Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                     "Accept-Language: zh-CN,zh;q=0.9,en;q=0.6"] + (validators?.headerLines ?? []) {
            requestHeaders = curl_slist_append(requestHeaders, line)
        }
        for entry in resolving { resolveEntries = curl_slist_append(resolveEntries, entry) }
        try configure(options, followRedirects: followRedirects)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(requestHeaders)
        curl_slist_free_all(resolveEntries)
    }

    private func configure(_ options: FetchOptions, followRedirects: Bool) throws(FetchError) {
        try set(CURLOPT_URL, url)
        // Only http and https, for the first request and for any redirect libcurl follows itself.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // An empty proxy ignores http_proxy and friends; .netrc stays unread; no cookie engine is enabled.
        try set(CURLOPT_PROXY, "")
        try set(CURLOPT_NETRC, Int(CURL_NETRC_IGNORED.rawValue))
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_USERAGENT, options.userAgent)
        try set(CURLOPT_ACCEPT_ENCODING, "gzip, deflate, br")
        try set(CURLOPT_FOLLOWLOCATION, followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, options.maxRedirects)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeoutSeconds * 1000))
        try set(CURLOPT_TIMEOUT_MS, Int(options.totalTimeoutSeconds * 1000))
        if options.lowSpeedBytesPerSecond > 0 {
            try set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond)
            try set(CURLOPT_LOW_SPEED_TIME, options.lowSpeedTimeSeconds)
        }
        try check(sluice_curl_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBodyBytes)),
                  "CURLOPT_MAXFILESIZE_LARGE")
        try check(sluice_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, requestHeaders), "CURLOPT_HTTPHEADER")
        if resolveEntries != nil {
            try check(sluice_curl_easy_setopt_slist(handle, CURLOPT_RESOLVE, resolveEntries), "CURLOPT_RESOLVE")
        }

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(sluice_curl_easy_setopt_write_function(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            return Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue().receiveBody(data, size * count)
        }, "CURLOPT_WRITEFUNCTION")
        try check(sluice_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(sluice_curl_easy_setopt_header_function(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            return Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(data, size * count)
        }, "CURLOPT_HEADERFUNCTION")
        try check(sluice_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        try check(sluice_curl_easy_setopt_opensocket_function(handle) { context, _, address in
            guard let context, let address else { return CURL_SOCKET_BAD }
            return Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue().openSocket(address)
        }, "CURLOPT_OPENSOCKETFUNCTION")
        try check(sluice_curl_easy_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, context), "CURLOPT_OPENSOCKETDATA")
        try check(sluice_curl_easy_setopt_xferinfo_function(handle) { context, _, received, _, _ in
            guard let context else { return 1 }
            return Unmanaged<EasyTransfer>.fromOpaque(context).takeUnretainedValue().progress(received: Int(received))
        }, "CURLOPT_XFERINFOFUNCTION")
        try check(sluice_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), "CURLOPT_XFERINFODATA")
        try set(CURLOPT_NOPROGRESS, 0)
    }

    private func set(_ option: CURLoption, _ value: Int) throws(FetchError) {
        try check(sluice_curl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(FetchError) {
        try check(sluice_curl_easy_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ operation: String) throws(FetchError) {
        guard code == CURLE_OK else {
            throw FetchError.curl(operation: "curl_easy_setopt \(operation) for \(url)", code: Int(code.rawValue),
                                  message: String(cString: curl_easy_strerror(code)))
        }
    }

    // MARK: Callbacks

    /// Counts decoded bytes: `CURLOPT_MAXFILESIZE` sees neither bodies without Content-Length nor what
    /// gzip, deflate or br expand to, so the cap is enforced here. Returning less than offered aborts.
    private func receiveBody(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let limit = isContentEncoded ? maxDecodedBytes : maxBodyBytes
        guard body.count + count <= limit else {
            abort = (.tooLarge, isContentEncoded ? "the body exceeds \(limit) bytes after decoding" : "the body exceeds \(limit) bytes")
            return 0
        }
        // Grown by doubling, a body would hold up to twice its size (and be copied at each step) for as long as
        // it waits to be parsed.
        if body.isEmpty, !isContentEncoded, let declaredLength, declaredLength <= limit { body.reserveCapacity(declaredLength) }
        body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: count)
        return count
    }

    /// Counts the body as it comes off the wire: "dlnow is the number of bytes downloaded so far", before
    /// any content decoding (CURLOPT_XFERINFOFUNCTION). The write callback only sees decoded bytes, so a
    /// compressed body without Content-Length is held to `maxBodyBytes` here. Non-zero aborts the transfer.
    private func progress(received: Int) -> Int32 {
        guard isContentEncoded, received > maxBodyBytes else { return 0 }
        abort = (.tooLarge, "the body as sent exceeds \(maxBodyBytes) bytes before decoding")
        return 1
    }

    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        headerBytes += count
        guard headerBytes <= maxHeaderBytes else {
            abort = (.tooLarge, "the response headers exceed \(maxHeaderBytes) bytes")
            return 0
        }
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        if bytes.starts(with: "HTTP/".utf8) {
            headers = []
            isContentEncoded = false
            declaredLength = nil
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let name = Self.trimmed(bytes[..<colon])
            let value = Self.trimmed(bytes[(colon + 1)...])
            switch name.lowercased() {
            case "content-encoding": isContentEncoded = value.lowercased() != "identity"
            case "content-length": declaredLength = Int(value).flatMap { $0 >= 0 ? $0 : nil }
            default: break
            }
            headers.append(HTTPHeader(name: name, value: value))
        }
        return count
    }

    /// Header text without surrounding spaces, tabs and line ends; invalid UTF-8 is repaired.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
              let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// The socket gate: libcurl asks here for every socket, after DNS resolution and for every address it
    /// tries, so the decision is on the address actually connected to and DNS rebinding cannot slip past.
    /// Once one address is refused, every later one is too: a name resolving to anything blocked is refused.
    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        guard abort == nil else { return CURL_SOCKET_BAD }
        let family = address.pointee.family
        guard let offset = MemoryLayout<curl_sockaddr>.offset(of: \.addr) else { return CURL_SOCKET_BAD }
        let socketAddress = UnsafeRawPointer(address) + offset
        let ip: IPAddress
        let port: UInt16
        switch family {
        case AF_INET:
            let v4 = socketAddress.loadUnaligned(as: sockaddr_in.self)
            ip = .v4(UInt32(bigEndian: v4.sin_addr.s_addr))
            port = UInt16(bigEndian: v4.sin_port)
        case AF_INET6:
            let v6 = socketAddress.loadUnaligned(as: sockaddr_in6.self)
            ip = .v6(IPAddress.integer(v6.sin6_addr))
            port = UInt16(bigEndian: v6.sin6_port)
        default:
            abort = (.blockedAddress, "address family \(family) is not IP")
            return CURL_SOCKET_BAD
        }
        if let reason = gate.refusal(ip, port: port) {
            abort = (.blockedAddress, "resolves to \(ip), \(reason): refused")
            return CURL_SOCKET_BAD
        }
        connectedAddresses.append("\(ip)")
        return socket(family, address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.protocol)
    }

    // MARK: Results

    var responseCode: Int {
        var code = 0
        _ = sluice_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// The value of a header of the last response, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    var contentType: String? { string(CURLINFO_CONTENT_TYPE) }

    private func string(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard sluice_curl_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// The problem a failed libcurl transfer stands for, and whether trying again may help.
    func problem(for code: CURLcode) -> (code: ProblemCode, reason: String, retryable: Bool) {
        if let abort { return (abort.code, abort.reason, false) }
        let text = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            return (.dns, "the host name does not resolve (\(text))", false)
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return (.connect, "connection failed (\(text))", true)
        case CURLE_OPERATION_TIMEDOUT:
            return (.timeout, "timed out (\(text))", true)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED:
            return (.tls, "TLS failed (\(text))", false)
        case CURLE_FILESIZE_EXCEEDED:
            return (.tooLarge, "the declared body exceeds \(maxBodyBytes) bytes", false)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return (.blockedScheme, "only http and https are fetched (\(text))", false)
        case CURLE_TOO_MANY_REDIRECTS:
            return (.redirectLoop, "too many redirects (\(text))", false)
        default:
            return (.other, "libcurl error \(code.rawValue) (\(text))", false)
        }
    }
}

@available(*, unavailable)
extension EasyTransfer: Sendable {}
