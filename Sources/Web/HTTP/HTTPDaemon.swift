import Foundation
import Synchronization
internal import CMicroHTTPD

/// How the daemon accepts and bounds connections. Every limit is a defence: slow or hostile clients hold
/// a connection slot, never a thread, and never more than their share of slots.
public struct HTTPDaemonOptions: Sendable, Equatable {
    /// A numeric address: `127.0.0.1`, `::1`, `0.0.0.0`.
    public var host: String
    /// 0 lets the system choose (tests); `HTTPDaemon.port` tells which.
    public var port: UInt16
    /// Polling threads; each serves many connections through epoll, so a slow client blocks none.
    public var threads: Int = 4
    public var connectionLimit: Int = 512
    public var connectionsPerAddress: Int = 64
    /// Seconds a connection may stay idle (mid-request or between requests) before the daemon closes it.
    public var idleTimeoutSeconds: Int = 15
    /// Memory per connection for the request line, the headers and buffered data.
    public var connectionMemoryBytes: Int = 32 * 1024
    /// The largest request body read; a bigger one is answered 413 before it is read.
    public var maxBodyBytes: Int = 16 * 1024
    /// PEM text of a key and certificate for HTTPS served by libmicrohttpd itself (GnuTLS).
    public var tls: TLSFiles?

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
}

/// A TLS key and certificate, as PEM text.
public struct TLSFiles: Sendable, Equatable {
    public var key: String
    public var certificate: String

    public init(key: String, certificate: String) {
        self.key = key
        self.certificate = certificate
    }
}

/// Answers requests. Called on the daemon's polling threads, several at once: implementations are Sendable
/// and keep shared state behind locks.
public protocol HTTPHandler: Sendable {
    func respond(to request: HTTPRequest) -> HTTPResponse
}

/// Why the daemon could not start.
public struct HTTPDaemonError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
}

/// Owns one libmicrohttpd daemon (`struct MHD_Daemon *`): started in `init` on threads of its own (the
/// caller's thread returns at once, so the daemon can run inside another command), stopped by `stop()` or
/// in `deinit` with `MHD_stop_daemon`, which waits for every callback to return. Callbacks reach Swift
/// through an `Unmanaged` pointer to `DaemonContext`, which the daemon object keeps alive until the C
/// daemon has stopped; request state lives in the connection's `con_cls`, retained on the first callback
/// and released in the completion callback. No C pointer leaves this file.
public final class HTTPDaemon: Sendable {
    private let handle: Mutex<OpaquePointer?>
    private let context: Unmanaged<DaemonContext>
    /// The port listened on (the chosen one when asked for 0).
    public let port: UInt16

    public init(options: HTTPDaemonOptions, handler: any HTTPHandler) throws(HTTPDaemonError) {
        var storage = sockaddr_storage()
        let length = sluice_mhd_socket_address(options.host, options.port, &storage)
        guard length > 0 else {
            throw HTTPDaemonError(message: "\"\(options.host)\" is not a numeric IPv4 or IPv6 address")
        }
        let context = Unmanaged.passRetained(DaemonContext(handler: handler, maxBodyBytes: options.maxBodyBytes))
        let flags = UInt32(MHD_USE_AUTO_INTERNAL_THREAD.rawValue)
        let started: OpaquePointer? = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Self.start(flags: flags, address: address, context: context.toOpaque(), options: options)
            }
        }
        guard let started else {
            context.release()
            throw HTTPDaemonError(message: "cannot listen on \(options.host):\(options.port) (address in use, not this machine's, or the TLS key and certificate do not match)")
        }
        self.context = context
        port = options.port != 0 ? options.port : sluice_mhd_bound_port(started)
        handle = Mutex(started)
    }

    private static func start(flags: UInt32, address: UnsafePointer<sockaddr>, context: UnsafeMutableRawPointer,
                              options: HTTPDaemonOptions) -> OpaquePointer? {
        let threads = UInt32(max(1, options.threads))
        let limit = UInt32(max(1, options.connectionLimit))
        let perAddress = UInt32(max(0, options.connectionsPerAddress))
        let timeout = UInt32(max(1, options.idleTimeoutSeconds))
        let memory = max(4096, options.connectionMemoryBytes)
        guard let tls = options.tls else {
            return sluice_mhd_start(flags, address, accessHandler, context, completedHandler, threads, limit, perAddress,
                                    timeout, memory, nil, nil)
        }
        return tls.key.withCString { key in
            tls.certificate.withCString { certificate in
                sluice_mhd_start(flags, address, accessHandler, context, completedHandler, threads, limit, perAddress,
                                 timeout, memory, key, certificate)
            }
        }
    }

    /// Stops listening, closes every connection and waits for the handlers that are running; idempotent.
    public func stop() {
        let daemon = handle.withLock { handle -> OpaquePointer? in
            defer { handle = nil }
            return handle
        }
        if let daemon { MHD_stop_daemon(daemon) }
    }

    deinit {
        stop()
        context.release()
    }
}

/// What the C callbacks reach: the handler and the body limit. Immutable, so any polling thread may read it.
final class DaemonContext: Sendable {
    let handler: any HTTPHandler
    let maxBodyBytes: Int

    init(handler: any HTTPHandler, maxBodyBytes: Int) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
    }
}

/// One request's body as it arrives. Touched only by the polling thread that serves its connection.
final class RequestBody {
    var data = Data()
    /// Bytes of body received so far, kept or not.
    var received = 0
    /// Answered already (413 before the body was read): later callbacks only let libmicrohttpd finish.
    var refused = false
    /// How much of an unannounced oversized body is read and dropped before the connection is closed.
    static let discardLimit = 1 << 20
}

/// libmicrohttpd calls this once when the headers are in (`*con_cls` is NULL), once per piece of body, and a
/// last time with no data: the request is answered then, or as soon as the body is known to be too large.
private let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, version, upload, uploadSize, state in
    guard let cls, let connection, let uploadSize, let state else { return .NO }
    let context = Unmanaged<DaemonContext>.fromOpaque(cls).takeUnretainedValue()
    guard let pointer = state.pointee else {
        let body = RequestBody()
        state.pointee = Unmanaged.passRetained(body).toOpaque()
        if let declared = header(connection, "Content-Length"), let length = Int(declared), length > context.maxBodyBytes {
            body.refused = true
            return queue(HTTPResponse.tooLarge(limit: context.maxBodyBytes), on: connection)
        }
        return .YES
    }
    let body = Unmanaged<RequestBody>.fromOpaque(pointer).takeUnretainedValue()
    if uploadSize.pointee > 0 {
        let count = uploadSize.pointee
        uploadSize.pointee = 0
        body.received += count
        // libmicrohttpd takes a response only once the headers are in or the body is complete, so a body
        // that grows past the limit without announcing its length (chunked) is read and dropped, and
        // answered 413 at its end; one that goes on far past it loses its connection instead.
        guard body.received <= context.maxBodyBytes else {
            body.data = Data()
            return body.received > RequestBody.discardLimit ? .NO : .YES
        }
        if let upload { body.data.append(UnsafeRawPointer(upload).assumingMemoryBound(to: UInt8.self), count: count) }
        return .YES
    }
    if body.refused { return .YES }
    if body.received > context.maxBodyBytes {
        body.refused = true
        return queue(HTTPResponse.tooLarge(limit: context.maxBodyBytes), on: connection)
    }
    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "", path: url.map { String(cString: $0) } ?? "",
        version: version.map { String(cString: $0) } ?? "", headers: values(connection, .HEADER_KIND),
        query: values(connection, .GET_ARGUMENT_KIND), body: body.data, peerAddress: peerAddress(connection))
    return queue(context.handler.respond(to: request), on: connection)
}

/// Releases the request state the first callback retained, however the request ended.
private let completedHandler: MHD_RequestCompletedCallback = { _, _, state, _ in
    guard let state, let pointer = state.pointee else { return }
    Unmanaged<RequestBody>.fromOpaque(pointer).release()
    state.pointee = nil
}

private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    response.body.withUnsafeBytes { bytes -> MHD_Result in
        guard let handle = MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                                           .RESPMEM_MUST_COPY) else { return .NO }
        defer { MHD_destroy_response(handle) }
        for (name, value) in response.headers where HTTPResponse.isSafeHeader(name: name, value: value) {
            _ = MHD_add_response_header(handle, name, value)
        }
        return MHD_queue_response(connection, UInt32(response.status), handle)
    }
}

private func header(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).flatMap { String(validatingCString: $0) }
}

/// Every header or query argument, in order. A value that is not UTF-8 is kept as nil text so the router can
/// refuse the request by name instead of reading a damaged value.
private func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [HTTPField] {
    final class Collected {
        var fields: [HTTPField] = []
    }
    let collected = Collected()
    withExtendedLifetime(collected) {
        _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
            guard let cls, let key else { return .YES }
            let collected = Unmanaged<Collected>.fromOpaque(cls).takeUnretainedValue()
            collected.fields.append(HTTPField(name: String(validatingCString: key),
                                              value: value.map { String(validatingCString: $0) } ?? ""))
            return .YES
        }, Unmanaged.passUnretained(collected).toOpaque())
    }
    return collected.fields
}

private func peerAddress(_ connection: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    guard sluice_mhd_client_address(connection, &buffer, socklen_t(buffer.count)) == 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
