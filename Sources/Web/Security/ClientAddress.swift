import Foundation

/// Who a request comes from, for rate limits and the log: the connected peer, or, only when that peer is
/// the configured reverse proxy, the last address the proxy appended to `X-Forwarded-For` (earlier entries
/// are the client's own word and prove nothing).
struct ClientAddress: Sendable {
    let trustedProxy: String?

    func of(_ request: HTTPRequest) -> String {
        guard let trustedProxy, request.peerAddress == trustedProxy,
              let forwarded = request.header("X-Forwarded-For") else { return request.peerAddress }
        let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return Self.isNumericAddress(last) ? last : request.peerAddress
    }

    static func isNumericAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
