import Foundation
import SluiceCore

/// The URL canonicalization rules (`pipelines/url-rules.json`): which query parameters only track the reader,
/// and per-site rules that keep only a site's identifying parameters. Rules are data: a change bumps `version`,
/// and the store re-keys every item whose key was made under another version.
public struct URLRules: Codable, Sendable, Equatable {
    public var version: String
    /// Whether `http` and `https` links to one page make one key. Keys are for identity, not for fetching.
    public var foldHTTPToHTTPS: Bool
    /// Parameter names removed everywhere, compared case-insensitively; a trailing `*` matches a prefix.
    public var trackingParameters: [String]
    /// Fragments that start with one of these route a single-page site (`#!/item/1`, `#/detail/2`) and are kept.
    public var fragmentRoutePrefixes: [String]
    /// The first rule whose host and path match applies; order matters when rules overlap.
    public var sites: [SiteRule]

    public init(version: String, foldHTTPToHTTPS: Bool = true, trackingParameters: [String] = [],
                fragmentRoutePrefixes: [String] = [], sites: [SiteRule] = []) {
        self.version = version
        self.foldHTTPToHTTPS = foldHTTPToHTTPS
        self.trackingParameters = trackingParameters
        self.fragmentRoutePrefixes = fragmentRoutePrefixes
        self.sites = sites
    }

    enum CodingKeys: String, CodingKey {
        case version
        case foldHTTPToHTTPS = "fold_http_to_https"
        case trackingParameters = "tracking_parameters"
        case fragmentRoutePrefixes = "fragment_route_prefixes"
        case sites
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(String.self, forKey: .version)
        guard !version.isEmpty else { throw invalidValue(CodingKeys.version, in: decoder, "must not be empty") }
        foldHTTPToHTTPS = try container.decode(.foldHTTPToHTTPS, default: true)
        trackingParameters = try container.decode(.trackingParameters, default: [])
        fragmentRoutePrefixes = try container.decode(.fragmentRoutePrefixes, default: [])
        sites = try container.decode(.sites, default: [])
    }

    /// Reads and checks a rules file; unknown keys are refused so a misspelt rule cannot pass unnoticed.
    public static func load(path: String) throws -> URLRules {
        try load(ConfigurationFile.read(path: path))
    }

    public static func load(_ file: ConfigurationFile) throws -> URLRules {
        try StrictJSON.decode(URLRules.self, from: file)
    }

    /// Whether a parameter only tracks the reader, everywhere or on the site whose rule applies.
    public func isTracking(_ name: String, site: SiteRule? = nil) -> Bool {
        Self.matches(name, trackingParameters) || site.map { Self.matches(name, $0.trackingParameters) } == true
    }

    private static func matches(_ name: String, _ patterns: [String]) -> Bool {
        let lowered = name.lowercased()
        return patterns.contains { pattern in
            let pattern = pattern.lowercased()
            return pattern.hasSuffix("*") ? lowered.hasPrefix(pattern.dropLast()) : lowered == pattern
        }
    }

    func site(host: String, path: String) -> SiteRule? {
        sites.first { $0.matches(host: host, path: path) }
    }
}

/// One site's rule: the hosts it covers, the paths that identify an item, and what of the URL identifies it.
public struct SiteRule: Codable, Sendable, Equatable {
    /// Shown in the normalization steps (`why-dup`).
    public var name: String
    /// Exact host names, lower case, in punycode where international.
    public var hosts: [String]
    /// Mirror hosts (`m.`, bare domain) are rewritten to this one, so both link forms meet.
    public var canonicalHost: String?
    /// Paths the rule applies to (a prefix ending in `/`, or a whole segment); empty means every path.
    public var pathPrefixes: [String]
    /// The only parameters kept; nil keeps every parameter that is not tracking, empty keeps none.
    public var keepParameters: [String]?
    /// Alternative path forms rewritten to the one form, by prefix.
    public var pathRewrites: [PathRewrite]
    public var keepFragment: Bool
    public var stripTrailingSlash: Bool
    /// A redirecting short-link service: the key only stands until the fetch stage links it to its target.
    public var shortLink: Bool
    /// Parameters that only track on this site (YouTube's and Spotify's `si`), removed like the global list.
    public var trackingParameters: [String]

    enum CodingKeys: String, CodingKey {
        case name, hosts
        case canonicalHost = "canonical_host"
        case pathPrefixes = "path_prefixes"
        case keepParameters = "keep_parameters"
        case pathRewrites = "path_rewrites"
        case keepFragment = "keep_fragment"
        case stripTrailingSlash = "strip_trailing_slash"
        case shortLink = "short_link"
        case trackingParameters = "tracking_parameters"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        hosts = try container.decode([String].self, forKey: .hosts)
        guard !hosts.isEmpty else { throw invalidValue(CodingKeys.hosts, in: decoder, "must name at least one host") }
        guard hosts.allSatisfy({ $0 == $0.lowercased() && !$0.isEmpty }) else {
            throw invalidValue(CodingKeys.hosts, in: decoder, "hosts must be non-empty and lower case")
        }
        canonicalHost = try container.decode(.canonicalHost, default: nil)
        pathPrefixes = try container.decode(.pathPrefixes, default: [])
        keepParameters = try container.decode(.keepParameters, default: nil)
        pathRewrites = try container.decode(.pathRewrites, default: [])
        keepFragment = try container.decode(.keepFragment, default: false)
        stripTrailingSlash = try container.decode(.stripTrailingSlash, default: false)
        shortLink = try container.decode(.shortLink, default: false)
        trackingParameters = try container.decode(.trackingParameters, default: [])
    }

    /// Every key is written, nil as null, so `StrictJSON` sees each key a file may carry.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(canonicalHost, forKey: .canonicalHost)
        try container.encode(pathPrefixes, forKey: .pathPrefixes)
        try container.encode(keepParameters, forKey: .keepParameters)
        try container.encode(pathRewrites, forKey: .pathRewrites)
        try container.encode(keepFragment, forKey: .keepFragment)
        try container.encode(stripTrailingSlash, forKey: .stripTrailingSlash)
        try container.encode(shortLink, forKey: .shortLink)
        try container.encode(trackingParameters, forKey: .trackingParameters)
    }

    func matches(host: String, path: String) -> Bool {
        guard hosts.contains(host) || canonicalHost == host else { return false }
        if pathPrefixes.isEmpty { return true }
        return pathPrefixes.contains { prefix in
            prefix.hasSuffix("/") ? path.hasPrefix(prefix) : (path == prefix || path.hasPrefix(prefix + "/"))
        }
    }
}

/// Rewrites a path that starts with `from` to start with `to` instead.
public struct PathRewrite: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}
