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

/// Turns a URL into its dedup key: read by `HTTPURL` (scheme and host case, default port, dot segments, IDN to
/// punycode, as the URL Standard does), then RFC 3986 percent-encoding normalization, the trailing dot of the host
/// and empty queries dropped, then the rules: tracking parameters removed, per-site identifying parameters kept,
/// mirror hosts and alternative paths folded.
/// Canonicalizing a key again changes nothing.
public struct URLCanonicalizer: Sendable {
    public let rules: URLRules

    public init(rules: URLRules) {
        self.rules = rules
    }

    public static func load(path: String) throws -> URLCanonicalizer {
        URLCanonicalizer(rules: try URLRules.load(path: path))
    }

    public static func load(_ file: ConfigurationFile) throws -> URLCanonicalizer {
        URLCanonicalizer(rules: try URLRules.load(file))
    }

    public var rulesVersion: String { rules.version }

    /// Throws `DedupError.invalidURL` naming the URL and the problem. The URL is read by `HTTPURL`, the parser
    /// every stage uses, so whatever intake accepted has a key and whatever it refused has none.
    public func canonicalize(_ url: String) throws -> CanonicalURL {
        let parsed: HTTPURL
        var steps: [String]
        do throws(URLProblem) {
            (parsed, steps) = try HTTPURL.parseExplained(url)
        } catch {
            throw DedupError.invalidURL(url, error.reason.description)
        }
        var scheme = parsed.scheme
        if rules.foldHTTPToHTTPS && scheme == "http" {
            scheme = "https"
            steps.append("http folded into https")
        }
        var host = parsed.host.serialized
        if host.hasSuffix(".") {
            host.removeLast()
            steps.append("trailing dot removed from the host")
        }
        var port = parsed.port
        if let explicit = port, explicit == (scheme == "http" ? 80 : 443) {
            steps.append("default port \(explicit) removed")
            port = nil
        }

        var path = PercentEncoding.normalize(parsed.path, allowed: PercentEncoding.pathCharacters)
        if path != parsed.path { steps.append("percent-encoding normalized in the path") }

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

        let query = canonicalQuery(parsed.query, site: site, steps: &steps)
        let fragment = canonicalFragment(parsed.fragment, site: site, steps: &steps)

        var value = scheme + "://" + host
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
        let parameters = [("__biz", identity.biz), ("mid", identity.mid), ("idx", identity.idx), ("sn", identity.sn)]
        let query = parameters.map { "\($0)=\(PercentEncoding.normalize($1, allowed: PercentEncoding.unreserved))" }
        var key = try canonicalize("https://mp.weixin.qq.com/s?" + query.joined(separator: "&"))
        key.steps = ["made from the WeChat identity the page declares"]
        return key
    }

    /// Every key an item is known by: the submitted URL, each URL of its redirect chain, the page's own
    /// declarations (`rel=canonical`, `og:url`) when within the registrable domain where the fetch ended (Public
    /// Suffix List, private section included: a page on `alice.github.io` cannot claim `bob.github.io`'s story), and
    /// the WeChat identity. A short link and its target therefore share the target's key; the redirect chain is what
    /// the servers said, so it joins across sites. URLs that cannot be keys are left out; the submitted URL's error
    /// is the one that matters and is reported by `canonicalize`.
    public func identityKeys(submitted: String, redirectChain: [String] = [], declared: [String] = [],
                             weChat: WeChatIdentity? = nil) -> [CanonicalURL] {
        var keys: [CanonicalURL] = []
        func add(_ key: CanonicalURL?) {
            if let key, !keys.contains(where: { $0.value == key.value }) { keys.append(key) }
        }
        add(try? canonicalize(submitted))
        for url in redirectChain { add(try? canonicalize(url)) }
        let landing = keys.last
        let landingHost = landing.flatMap { try? HTTPURL($0.value).host }
        for url in declared {
            guard let key = try? canonicalize(url), let landingHost, let host = try? HTTPURL(key.value).host else { continue }
            if RegistrableDomain.sameSite(host, landingHost) { add(key) }
        }
        if let weChat { add(try? weChatKey(weChat)) }
        return keys
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

    private static func list(_ names: [String]) -> String {
        var seen: [String] = []
        for name in names where !seen.contains(name) { seen.append(name) }
        return seen.joined(separator: ", ")
    }
}
