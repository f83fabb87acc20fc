import Foundation
import SluiceCore

/// The fingerprints of responses that are not the content (captchas, walls, deletion notices, empty JavaScript
/// shells, soft 404s), kept as data in `pipelines/blocked-pages.json` so they change without a release.
///
/// Rules are tried in file order and the first match wins, so site-specific rules come before generic ones.
/// Every condition a rule states must hold; a rule states at least one content condition, and most bound the
/// page's visible text (`maxVisibleCharacters`) so a real article that merely quotes a notice is not caught.
public struct BlockedPageRules: Codable, Sendable, Equatable {
    /// Changes whenever a rule changes; recorded with the outcome it produced.
    public var version: String
    public var rules: [Rule]

    /// One fingerprint.
    public struct Rule: Codable, Sendable, Equatable {
        public var id: String
        /// One of `captcha`, `login_wall`, `deleted`, `js_shell`, `soft_404`.
        public var outcome: ProblemCode
        /// Host or parent domain (`zhihu.com` covers `www.zhihu.com`); absent: any host.
        public var hosts: [String]?
        /// HTTP statuses the rule applies to; absent: any status.
        public var statuses: [Int]?
        /// At least one must occur in the visible text (ASCII letters compared without case). A rule without
        /// `maxVisibleCharacters` sees the page's first `BlockedPageDetector.unboundedTextWindow` characters.
        public var anyText: [String]?
        /// At least one must occur in the raw markup, scripts included (ASCII letters compared without case),
        /// within `BlockedPageDetector.markupWindow` bytes of the page's start or end.
        public var anyMarkup: [String]?
        /// At least one must occur in the first `<title>` (ASCII letters compared without case).
        public var anyTitle: [String]?
        /// The page must load at least this many scripts (counted as far as the visible text is read).
        public var minScripts: Int?
        /// The page's visible text (scripts, styles and `<noscript>` left out) must be at most this long.
        public var maxVisibleCharacters: Int?

        public init(id: String, outcome: ProblemCode, hosts: [String]? = nil, statuses: [Int]? = nil,
                    anyText: [String]? = nil, anyMarkup: [String]? = nil, anyTitle: [String]? = nil,
                    minScripts: Int? = nil, maxVisibleCharacters: Int? = nil) {
            self.id = id
            self.outcome = outcome
            self.hosts = hosts
            self.statuses = statuses
            self.anyText = anyText
            self.anyMarkup = anyMarkup
            self.anyTitle = anyTitle
            self.minScripts = minScripts
            self.maxVisibleCharacters = maxVisibleCharacters
        }
    }

    public init(version: String, rules: [Rule]) {
        self.version = version
        self.rules = rules
    }

    /// The outcomes a rule may name: the non-content kinds of a 200-like response.
    public static let outcomes: Set<ProblemCode> = [.captcha, .loginWall, .deleted, .jsShell, .soft404]

    /// Decodes strictly (unknown keys are errors) and checks every rule; errors name the file and the key.
    public static func load(path: String) throws -> BlockedPageRules {
        try load(ConfigurationFile.read(path: path))
    }

    public static func load(_ file: ConfigurationFile) throws -> BlockedPageRules {
        let rules = try StrictJSON.decode(BlockedPageRules.self, from: file)
        try rules.validate(file: file.label)
        return rules
    }

    func validate(file: String) throws {
        guard !version.isEmpty else { throw ConfigurationError(file: file, key: "version", reason: "must not be empty") }
        var seen: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let key = "rules[\(index)]"
            guard !rule.id.isEmpty, seen.insert(rule.id).inserted else {
                throw ConfigurationError(file: file, key: "\(key).id", reason: "missing or repeated rule id \(rule.id.debugDescription)")
            }
            guard BlockedPageRules.outcomes.contains(rule.outcome) else {
                throw ConfigurationError(file: file, key: "\(key).outcome",
                                         reason: "\(rule.outcome.rawValue) is not one of captcha, login_wall, deleted, js_shell, soft_404")
            }
            let lists = [rule.anyText, rule.anyMarkup, rule.anyTitle]
            guard lists.contains(where: { $0 != nil }) || rule.minScripts != nil else {
                throw ConfigurationError(file: file, key: key,
                                         reason: "rule \(rule.id) has no anyText, anyMarkup, anyTitle or minScripts: it would match every page")
            }
            if lists.contains(where: { $0.map { $0.isEmpty || $0.contains("") } ?? false }) {
                throw ConfigurationError(file: file, key: key, reason: "rule \(rule.id) has an empty list or an empty string")
            }
            if let limit = rule.maxVisibleCharacters, limit < 0 {
                throw ConfigurationError(file: file, key: "\(key).maxVisibleCharacters", reason: "must not be negative")
            }
        }
    }
}
