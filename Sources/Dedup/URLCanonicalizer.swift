import Foundation
import SluiceCore

/// A URL in its dedup-key form, with the normalization steps that produced it (for `why-dup`).
public struct CanonicalURL: Sendable, Equatable, Codable {
    public var value: String
    /// Human-readable steps, in the order applied; empty when the input was already canonical.
    public var steps: [String]
    /// The rules version that made this key; a key from another version is stale.
    public var rulesVersion: String
    /// The host is a short-link service: the key only identifies the item once linked to its redirect target.
    public var isShortLink: Bool

    public init(value: String, steps: [String], rulesVersion: String, isShortLink: Bool) {
        self.value = value
        self.steps = steps
        self.rulesVersion = rulesVersion
        self.isShortLink = isShortLink
    }
}

/// Turns a URL into its dedup key: RFC 3986 normalization (scheme and host case, default port,
/// percent-encoding, dot segments, empty query, IDN to punycode), then the rules: tracking parameters
/// removed, per-site identifying parameters kept, mirror hosts and alternative paths folded.
/// Canonicalizing a key again changes nothing.
public struct URLCanonicalizer: Sendable {
    public let rules: URLRules

    public init(rules: URLRules) {
        self.rules = rules
    }

    public static func load(path: String) throws -> URLCanonicalizer {
        URLCanonicalizer(rules: try URLRules.load(path: path))
    }

    public var rulesVersion: String { rules.version }

    /// Throws `DedupError.invalidURL` naming the URL and the problem.
    public func canonicalize(_ url: String) throws -> CanonicalURL {
        var steps: [String] = []
        func fail(_ reason: String) -> DedupError { .invalidURL(url, reason) }

        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed != url { steps.append("surrounding white space trimmed") }
        guard !trimmed.isEmpty else { throw fail("the URL is empty") }
        if let control = trimmed.unicodeScalars.first(where: { TextCleaning.isControl($0) }) {
            throw fail("contains the control character U+\(String(control.value, radix: 16, uppercase: true))")
        }
        var parts = try RawURL.split(trimmed, fail: fail)
        if parts.assumedScheme { steps.append("no scheme: https assumed") }

        let originalScheme = parts.scheme
        parts.scheme = parts.scheme.lowercased()
        if parts.scheme != originalScheme { steps.append("scheme lowercased") }
        let schemeBeforeFolding = parts.scheme
        if rules.foldHTTPToHTTPS && parts.scheme == "http" {
            parts.scheme = "https"
            steps.append("http folded into https")
        }
        if parts.userInfo != nil { steps.append("user information removed") }

        var host = try canonicalHost(parts.host, steps: &steps, fail: fail)
        let port = try canonicalPort(parts.port, schemes: [schemeBeforeFolding, parts.scheme], steps: &steps,
                                     fail: fail)

        var path = PercentEncoding.normalize(parts.path, allowed: PercentEncoding.pathCharacters)
        if path != parts.path { steps.append("percent-encoding normalized in the path") }
        if path.isEmpty {
            path = "/"
            steps.append("empty path made /")
        }
        let withoutDots = removeDotSegments(path)
        if withoutDots != path { steps.append("dot segments removed: \(path) → \(withoutDots)") }
        path = withoutDots

        let site = rules.site(host: host, path: path)
        if let site {
            if let target = site.canonicalHost, target != host {
                steps.append("site rule \(site.name): host \(host) → \(target)")
                host = target
            }
            if let rewrite = site.pathRewrites.first(where: { path.hasPrefix($0.from) }) {
                let rewritten = rewrite.to + path.dropFirst(rewrite.from.count)
                steps.append("site rule \(site.name): path \(path) → \(rewritten)")
                path = rewritten
            }
            if site.stripTrailingSlash && path.count > 1 && path.hasSuffix("/") {
                while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
                steps.append("site rule \(site.name): trailing slash removed")
            }
        }

        let query = canonicalQuery(parts.query, site: site, steps: &steps)
        let fragment = canonicalFragment(parts.fragment, site: site, steps: &steps)

        var value = parts.scheme + "://" + host
        if let port { value += ":\(port)" }
        value += path
        if let query { value += "?" + query }
        if let fragment { value += "#" + fragment }
        return CanonicalURL(value: value, steps: steps, rulesVersion: rules.version,
                            isShortLink: site?.shortLink ?? false)
    }

    /// The key of a WeChat article from the identity the parse stage read from the page, so `/s/<id>`
    /// and `/s?__biz=…&mid=…&idx=…&sn=…` links to one article meet.
    public func weChatKey(_ identity: WeChatIdentity) throws -> CanonicalURL {
        var components = URLComponents()
        components.scheme = "https"
        components.host = "mp.weixin.qq.com"
        components.path = "/s"
        components.queryItems = [URLQueryItem(name: "__biz", value: identity.biz),
                                 URLQueryItem(name: "mid", value: identity.mid),
                                 URLQueryItem(name: "idx", value: identity.idx),
                                 URLQueryItem(name: "sn", value: identity.sn)]
        guard let url = components.string else {
            throw DedupError.invalidURL("WeChat \(identity.biz)/\(identity.mid)", "the identity does not form a URL")
        }
        var key = try canonicalize(url)
        key.steps = ["made from the WeChat identity the page declares"]
        return key
    }

    /// Every key an item is known by: the submitted URL, each URL of its redirect chain, the page's own
    /// declarations (`rel=canonical`, `og:url`) when on the same site as where the fetch ended, and the WeChat
    /// identity. A short link and its target therefore share the target's key. URLs that cannot be keys are
    /// left out; the submitted URL's error is the one that matters and is reported by `canonicalize`.
    public func identityKeys(submitted: String, redirectChain: [String] = [], declared: [String] = [],
                             weChat: WeChatIdentity? = nil) -> [CanonicalURL] {
        var keys: [CanonicalURL] = []
        func add(_ key: CanonicalURL?) {
            if let key, !keys.contains(where: { $0.value == key.value }) { keys.append(key) }
        }
        add(try? canonicalize(submitted))
        for url in redirectChain { add(try? canonicalize(url)) }
        let landing = keys.last
        for url in declared {
            guard let key = try? canonicalize(url), let landing else { continue }
            if Self.site(of: key.value) == Self.site(of: landing.value) { add(key) }
        }
        if let weChat { add(try? weChatKey(weChat)) }
        return keys
    }

    /// The registrable part of a key's host, roughly: the last two labels, or three under a two-letter
    /// country code with a generic second level (`sina.com.cn`, `bbc.co.uk`).
    package static func site(of key: String) -> String {
        guard let host = URLComponents(string: key)?.host else { return key }
        let labels = host.split(separator: ".")
        guard labels.count > 2, let topLevel = labels.last else { return host }
        let generic: Set<Substring> = ["com", "net", "org", "gov", "edu", "co", "ac"]
        let keep = topLevel.count == 2 && generic.contains(labels[labels.count - 2]) ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }

    private func canonicalHost(_ raw: String, steps: inout [String],
                               fail: (String) -> DedupError) throws -> String {
        guard !raw.isEmpty else { throw fail("the host is empty") }
        if raw.hasPrefix("[") {
            guard raw.hasSuffix("]"), raw.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { throw fail("the IPv6 address \(raw) is malformed") }
            let lowered = raw.lowercased()
            if lowered != raw { steps.append("host lowercased") }
            return lowered
        }
        var host = raw
        if host.unicodeScalars.contains(where: { !$0.isASCII }) {
            let mapped = host.precomposedStringWithCompatibilityMapping.lowercased()
                .replacingOccurrences(of: "\u{3002}", with: ".")
                .replacingOccurrences(of: "\u{FF61}", with: ".")
            guard let ascii = Punycode.asciiHost(mapped) else { throw fail("the host \(raw) cannot be punycoded") }
            steps.append("international host to punycode: \(raw) → \(ascii)")
            host = ascii
        }
        let lowered = host.lowercased()
        if lowered != host { steps.append("host lowercased") }
        host = lowered
        if host.hasSuffix(".") {
            host.removeLast()
            steps.append("trailing dot removed from the host")
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard host.count <= 253, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }) else {
            throw fail("the host \(raw) has an empty or over-long label")
        }
        guard host.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit || ("g"..."z").contains($0)
                || $0 == "-" || $0 == "." || $0 == "_" }) else {
            throw fail("the host \(raw) contains characters a host name cannot have")
        }
        // A host whose last label is a number is an IPv4 address to resolvers and browsers (`1.2.3`, `0x7f.1`
        // are read as addresses), so it must be the one dotted-quad form.
        if let last = labels.last, last.allSatisfy(\.isNumber) || last.hasPrefix("0x") {
            let octets = labels.compactMap { label in label.allSatisfy(\.isNumber) ? Int(label) : nil }
            guard labels.count == 4, octets.count == 4, octets.allSatisfy({ $0 <= 255 }),
                  zip(labels, octets).allSatisfy({ String($1) == $0 }) else {
                throw fail("the numeric host \(raw) is not a dotted-quad IPv4 address")
            }
        }
        return host
    }

    private func canonicalPort(_ raw: String?, schemes: [String], steps: inout [String],
                               fail: (String) -> DedupError) throws -> Int? {
        guard let raw else { return nil }
        if raw.isEmpty {
            steps.append("empty port removed")
            return nil
        }
        guard raw.count <= 5, raw.allSatisfy(\.isASCII), raw.allSatisfy(\.isNumber), let port = Int(raw),
              port <= 65535 else { throw fail("the port \(raw) is not a number from 0 to 65535") }
        let defaults = schemes.map { $0 == "http" ? 80 : 443 }
        if defaults.contains(port) {
            steps.append("default port \(port) removed")
            return nil
        }
        if String(port) != raw { steps.append("leading zeros removed from the port") }
        return port
    }

    private func canonicalQuery(_ raw: String?, site: SiteRule?, steps: inout [String]) -> String? {
        guard let raw else { return nil }
        guard !raw.isEmpty else {
            steps.append("empty query removed")
            return nil
        }
        var parameters: [(name: String, value: String?)] = []
        for piece in raw.split(separator: "&", omittingEmptySubsequences: false) where !piece.isEmpty {
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.normalize(String(pair[0]), allowed: PercentEncoding.queryNameCharacters)
            let value = pair.count > 1
                ? PercentEncoding.normalize(String(pair[1]), allowed: PercentEncoding.queryValueCharacters) : nil
            parameters.append((name, value))
        }
        if Self.join(parameters) != raw {
            steps.append("percent-encoding and separators normalized in the query")
        }
        let tracking = parameters.filter { rules.isTracking($0.name) }.map(\.name)
        if !tracking.isEmpty {
            parameters.removeAll { rules.isTracking($0.name) }
            steps.append("tracking parameters removed: \(Self.list(tracking))")
        }
        if let site {
            let siteTracking = parameters.filter { rules.isTracking($0.name, site: site) }.map(\.name)
            if !siteTracking.isEmpty {
                parameters.removeAll { rules.isTracking($0.name, site: site) }
                steps.append("site rule \(site.name): tracking parameters removed: \(Self.list(siteTracking))")
            }
        }
        if let site, let keep = site.keepParameters {
            let dropped = parameters.filter { !keep.contains($0.name) }.map(\.name)
            if !dropped.isEmpty {
                parameters.removeAll { !keep.contains($0.name) }
                let kept = keep.isEmpty ? "none" : keep.joined(separator: ", ")
                steps.append("site rule \(site.name) keeps \(kept): removed \(Self.list(dropped))")
            }
        }
        let sorted = parameters.enumerated().sorted { lhs, rhs in
            lhs.element.name != rhs.element.name ? lhs.element.name < rhs.element.name : lhs.offset < rhs.offset
        }.map(\.element)
        if sorted.map(\.name) != parameters.map(\.name) { steps.append("query parameters sorted by name") }
        guard !sorted.isEmpty else { return nil }
        return Self.join(sorted)
    }

    private static func join(_ parameters: [(name: String, value: String?)]) -> String {
        parameters.map { parameter in parameter.value.map { "\(parameter.name)=\($0)" } ?? parameter.name }
            .joined(separator: "&")
    }

    private func canonicalFragment(_ raw: String?, site: SiteRule?, steps: inout [String]) -> String? {
        guard let raw else { return nil }
        let routes = site?.keepFragment == true || rules.fragmentRoutePrefixes.contains { raw.hasPrefix($0) }
        guard routes, !raw.isEmpty else {
            steps.append(raw.isEmpty ? "empty fragment removed" : "fragment removed")
            return nil
        }
        let normalized = PercentEncoding.normalize(raw, allowed: PercentEncoding.fragmentCharacters)
        if normalized != raw { steps.append("percent-encoding normalized in the fragment") }
        return normalized
    }

    /// RFC 3986 section 5.2.4.
    private func removeDotSegments(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var output: [Substring] = []
        var trailingSlash = false
        for (offset, segment) in segments.enumerated() {
            let isLast = offset == segments.count - 1
            switch segment {
            case ".":
                trailingSlash = isLast
            case "..":
                if !output.isEmpty { output.removeLast() }
                trailingSlash = isLast
            default:
                output.append(segment)
                trailingSlash = false
            }
        }
        var result = "/" + output.joined(separator: "/")
        if trailingSlash && !result.hasSuffix("/") { result += "/" }
        return result
    }

    private static func list(_ names: [String]) -> String {
        var seen: [String] = []
        for name in names where !seen.contains(name) { seen.append(name) }
        return seen.joined(separator: ", ")
    }
}

/// A URL string cut into its RFC 3986 parts, before any normalization.
struct RawURL {
    var scheme: String
    var userInfo: String?
    var host: String
    var port: String?
    var path: String
    var query: String?
    var fragment: String?
    var assumedScheme: Bool

    static func split(_ text: String, fail: (String) -> DedupError) throws -> RawURL {
        var rest = Substring(text)
        var scheme = "https"
        var assumed = true
        if let colon = rest.firstIndex(where: { ":/?#".contains($0) }), rest[colon] == ":" {
            let candidate = rest[..<colon]
            let afterColon = rest[rest.index(after: colon)...]
            let looksLikePort = candidate.contains(".") && afterColon.first?.isNumber == true
            if !looksLikePort, let first = candidate.first, first.isASCII, first.isLetter,
               candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
                scheme = String(candidate)
                assumed = false
                rest = afterColon
            }
        }
        guard ["http", "https"].contains(scheme.lowercased()) else {
            throw fail("the scheme \(scheme.lowercased()) is not http or https")
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        } else if !assumed {
            throw fail("no // after the scheme, so there is no host")
        } else if !(rest.prefix { !"/?#".contains($0) }.contains(".")) {
            throw fail("not an absolute URL (no scheme and no host)")
        }
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = String(rest[authorityEnd...])
        var userInfo: String?
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        var host = String(authority)
        var port: String?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        return RawURL(scheme: scheme, userInfo: userInfo, host: host, port: port, path: path, query: query,
                      fragment: fragment, assumedScheme: assumed)
    }
}

/// Percent-encoding normalization (RFC 3986 section 6.2.2): encoded unreserved characters decoded, other
/// escapes in upper case, raw characters a component cannot carry (non-ASCII, space, quotes) encoded as UTF-8,
/// and a stray `%` encoded as `%25`.
enum PercentEncoding {
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    static let pathCharacters = unreserved.union("!$&'()*+,;=:@/".utf8)
    static let queryNameCharacters = unreserved.union("!$'()*+,;:@/?".utf8)
    static let queryValueCharacters = queryNameCharacters.union("=".utf8)
    static let fragmentCharacters = pathCharacters.union("?#".utf8)

    static func normalize(_ text: String, allowed: Set<UInt8>) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                let decoded = high << 4 | low
                if unreserved.contains(decoded) {
                    output.append(decoded)
                } else {
                    appendEscape(decoded, to: &output)
                }
                index += 3
                continue
            }
            if allowed.contains(byte) {
                output.append(byte)
            } else {
                appendEscape(byte, to: &output)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        let digits = Array("0123456789ABCDEF".utf8)
        output.append(contentsOf: [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
