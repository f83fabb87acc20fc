import Foundation
import SluiceCore

/// Recognises responses that are not the content by the fingerprints in `BlockedPageRules`. It only detects
/// and reports; it never tries to get past a captcha or a wall.
///
/// The rules are compiled once into three automata (visible text, markup, title) that find every needle of
/// every rule in one pass each, comparing ASCII letters without case. A page is read only as far as the rules
/// need: its visible text up to the largest `maxVisibleCharacters` among the rules that apply to its host and
/// status, and its markup in a window at each end (`markupWindow`), so the cost stays a small fraction of a
/// parse however large the page is.
public struct BlockedPageDetector: Sendable {
    public let rules: BlockedPageRules
    private let text: RuleNeedles
    private let markup: RuleNeedles
    private let title: RuleNeedles
    private let hosts: [[String]?]

    /// The visible characters a rule without `maxVisibleCharacters` is matched against: the page's first ones.
    public static let unboundedTextWindow = 8192
    /// Markup conditions look at this many bytes at the start of the page and as many at its end.
    public static let markupWindow = 64 * 1024

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
        text = RuleNeedles(rules.rules.map(\.anyText))
        markup = RuleNeedles(rules.rules.map(\.anyMarkup))
        title = RuleNeedles(rules.rules.map(\.anyTitle))
        hosts = rules.rules.map { $0.hosts?.map { $0.lowercased() } }
    }

    public static func load(path: String) throws -> BlockedPageDetector {
        BlockedPageDetector(rules: try BlockedPageRules.load(path: path))
    }

    public static func load(_ file: ConfigurationFile) throws -> BlockedPageDetector {
        BlockedPageDetector(rules: try BlockedPageRules.load(file))
    }

    /// The kind of non-content page, or nil for real content. `text` is the decoded HTML.
    public func detect(url: String, status: Int, text: String) -> ProblemCode? {
        match(url: url, status: status, text: text)?.outcome
    }

    /// The first rule that matches, with its evidence; nil for real content.
    public func match(url: String, status: Int, text: String) -> Match? {
        let host = (try? HTTPURL(url))?.host.serialized ?? ""
        let applicable = rules.rules.indices.filter { index in
            let rule = rules.rules[index]
            if let hosts = hosts[index], !hosts.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return false }
            return rule.statuses?.contains(status) ?? true
        }
        guard !applicable.isEmpty else { return nil }
        var html = text
        return html.withUTF8 { bytes in match(applicable, in: bytes) }
    }

    private func match(_ applicable: [Int], in html: UnsafeBufferPointer<UInt8>) -> Match? {
        let limit = applicable.map { rules.rules[$0].maxVisibleCharacters ?? Self.unboundedTextWindow }.max() ?? 0
        let page = VisiblePage(html: html, textLimit: limit)
        let candidates = applicable.filter { index in
            let rule = rules.rules[index]
            if let limit = rule.maxVisibleCharacters, page.visibleCharacters > limit { return false }
            if let minimum = rule.minScripts, page.scripts < minimum { return false }
            return true
        }
        guard !candidates.isEmpty else { return nil }
        let foundText = page.text.withUnsafeBufferPointer { text.automaton.found(in: $0) }
        let foundTitle = page.title.withUnsafeBufferPointer { title.automaton.found(in: $0) }
        var foundMarkup = [Bool](repeating: false, count: markup.automaton.needleCount)
        if candidates.contains(where: { rules.rules[$0].anyMarkup != nil }) {
            let window = Self.markupWindow
            markup.automaton.scan(UnsafeBufferPointer(rebasing: html[0..<min(html.count, window)]), into: &foundMarkup)
            if html.count > window {
                markup.automaton.scan(UnsafeBufferPointer(rebasing: html[max(window, html.count - window)...]), into: &foundMarkup)
            }
        }
        for index in candidates {
            let rule = rules.rules[index]
            var evidence: [String] = []
            if let needles = rule.anyText {
                guard let found = text.first(of: index, in: foundText) else { continue }
                evidence.append("text \(needles[found].debugDescription)")
            }
            if let needles = rule.anyMarkup {
                guard let found = markup.first(of: index, in: foundMarkup) else { continue }
                evidence.append("markup \(needles[found].debugDescription)")
            }
            if let needles = rule.anyTitle {
                guard let found = title.first(of: index, in: foundTitle) else { continue }
                evidence.append("title \(needles[found].debugDescription)")
            }
            if rule.minScripts != nil {
                let shown = page.passedLimit ? "more than \(limit)" : "\(page.visibleCharacters)"
                evidence.append("\(page.scripts) script(s), \(shown) visible character(s)")
            }
            return Match(outcome: rule.outcome, rule: rule.id, rulesVersion: rules.version,
                         evidence: evidence.joined(separator: ", "))
        }
        return nil
    }
}

/// One kind of needle list (`anyText`, `anyMarkup` or `anyTitle`) of every rule, in one automaton.
private struct RuleNeedles: Sendable {
    let automaton: NeedleAutomaton
    /// Where each rule's needles start among the automaton's, in the rule's order.
    private let firstNeedle: [Int]
    private let counts: [Int]

    init(_ lists: [[String]?]) {
        var all: [String] = []
        var firstNeedle: [Int] = []
        var counts: [Int] = []
        for list in lists {
            firstNeedle.append(all.count)
            counts.append(list?.count ?? 0)
            all += list ?? []
        }
        automaton = NeedleAutomaton(all)
        self.firstNeedle = firstNeedle
        self.counts = counts
    }

    /// The position in rule `rule`'s list of its first needle that was found: the order the rules file gives.
    func first(of rule: Int, in found: [Bool]) -> Int? {
        (0..<counts[rule]).first { found[firstNeedle[rule] + $0] }
    }
}
