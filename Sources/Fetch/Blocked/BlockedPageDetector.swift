import Foundation
import SluiceCore

/// Recognises responses that are not the content by the fingerprints in `BlockedPageRules`. It only detects
/// and reports; it never tries to get past a captcha or a wall.
public struct BlockedPageDetector: Sendable {
    public let rules: BlockedPageRules

    /// Which rule matched and the evidence, for the moderator's "why".
    public struct Match: Sendable, Equatable {
        public var outcome: ProblemCode
        public var rule: String
        public var rulesVersion: String
        /// The fingerprint string that was found, or a description of the structural test.
        public var evidence: String
    }

    public init(rules: BlockedPageRules) {
        self.rules = rules
    }

    public static func load(path: String) throws -> BlockedPageDetector {
        BlockedPageDetector(rules: try BlockedPageRules.load(path: path))
    }

    /// The kind of non-content page, or nil for real content. `text` is the decoded HTML.
    public func detect(url: String, status: Int, text: String) -> ProblemCode? {
        match(url: url, status: status, text: text)?.outcome
    }

    /// The first rule that matches, with its evidence; nil for real content.
    public func match(url: String, status: Int, text: String) -> Match? {
        let host = (try? HTTPURL(url))?.host.serialized ?? ""
        let page = VisiblePage(html: text)
        let markup = text.lowercased()
        for rule in rules.rules {
            if let hosts = rule.hosts, !hosts.contains(where: { host == $0.lowercased() || host.hasSuffix("." + $0.lowercased()) }) {
                continue
            }
            if let statuses = rule.statuses, !statuses.contains(status) { continue }
            if let limit = rule.maxVisibleCharacters, page.visibleCharacters > limit { continue }
            if let minimum = rule.minScripts, page.scripts < minimum { continue }
            var evidence: [String] = []
            if let needles = rule.anyText {
                guard let found = needles.first(where: { page.text.contains($0.lowercased()) }) else { continue }
                evidence.append("text \(found.debugDescription)")
            }
            if let needles = rule.anyMarkup {
                guard let found = needles.first(where: { markup.contains($0.lowercased()) }) else { continue }
                evidence.append("markup \(found.debugDescription)")
            }
            if let needles = rule.anyTitle {
                guard let found = needles.first(where: { page.title.contains($0.lowercased()) }) else { continue }
                evidence.append("title \(found.debugDescription)")
            }
            if rule.minScripts != nil {
                evidence.append("\(page.scripts) script(s), \(page.visibleCharacters) visible character(s)")
            }
            return Match(outcome: rule.outcome, rule: rule.id, rulesVersion: rules.version,
                         evidence: evidence.joined(separator: ", "))
        }
        return nil
    }
}
