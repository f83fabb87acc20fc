import Foundation
import SluiceCore

/// What the classify stage reads for one item: the extracted page text with its title and the volunteer's
/// note, or the note alone for note-only intel (`text` empty).
public struct ClassifyInput: Sendable, Codable, Equatable {
    /// Longer inputs are cut here: the signal is at the top, and matching time stays bounded on huge pages.
    public static let characterLimit = 30_000

    public var title: String?
    public var text: String
    public var note: String?
    public var url: String?
    public var site: String?

    public init(title: String? = nil, text: String, note: String? = nil, url: String? = nil, site: String? = nil) {
        self.title = title
        self.text = text
        self.note = note
        self.url = url
        self.site = site
    }

    /// The one text both the rules and the model read (and the text a `LabeledExample` holds), so rules,
    /// model and training always see the same thing.
    public var combinedText: String {
        let joined = [title, note, text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
        // A string never has more characters than UTF-16 code units, and counting those is cheaper.
        return joined.utf16.count <= Self.characterLimit ? joined : TextCleaning.truncate(joined, to: Self.characterLimit)
    }

    /// Lower-cased host names the item came from, for domain hints.
    var hosts: [String] {
        var found: [String] = []
        if let url, let host = try? HTTPURL(url).host { found.append(host.serialized) }
        if let site, site.contains("."), !site.contains(" ") { found.append(site.lowercased()) }
        return found
    }
}

/// What the rules alone say about one item, with the evidence behind it.
public struct RuleOutcome: Sendable, Codable, Equatable {
    public var category: String
    /// The winning category's weighted keyword score (0 when nothing matched and the default was used).
    public var score: Double
    /// 0…1: how clearly the winner leads and how much evidence it has.
    public var confidence: Double
    /// The text that put the item in its category, as it stands in the item (`site:<host>` for a domain hint).
    public var matchedTerms: [String]
    public var flags: [RiskFlag]
    /// Flags from rules marked `shadow`: logged for the rule's author, never applied.
    public var shadowFlags: [RiskFlag]
    /// The category the item would get if shadow category rules were live, when that differs.
    public var shadowCategory: String?
    /// Ids of every rule (category or flag, live or shadow) that matched anything, sorted.
    public var firedRules: [String]
    /// The keyword score of every live category, by id; the model learns how far these predict the
    /// moderators' categories.
    public var categoryScores: [String: Double]
    /// The category rule's id when the rules' category comes from a rule marked `override` (it beats the model).
    public var overrideRule: String?
    /// The warning cues found (negated ones and those inside `not_warnings` phrases left out), as they
    /// stand in the item.
    public var warningCues: [String]
}

/// The production rule engine: a `RuleSet` with every term folded and every regular expression compiled once.
/// Immutable after `init`, so one engine is shared by all classifying threads.
public struct RuleEngine: Sendable {
    public let rules: RuleSet
    public var version: String { rules.version }

    private let plainTerms: TermMatcher
    private let simplifiedTerms: TermMatcher
    private let patterns: [CompiledPattern]
    /// Indices into `rules.categories`, live ones only, in file order (which breaks score ties).
    private let liveCategories: [Int]
    /// Indices into `rules.categories` of the categories whose keywords are warning cues.
    private let warningCategories: [Int]

    /// Validates the rules: a bad regular expression, an unknown flag family, a duplicate id or a default
    /// category that is not defined is a `ConfigurationError` naming the rule.
    public init(rules: RuleSet, file: String = "rules") throws {
        self.rules = rules
        try Self.validate(rules, file: file)
        var plain: [TermMatcher.Entry] = []
        var simplified: [TermMatcher.Entry] = rules.warningNegations.flatMap { TermMatcher.Entry.all(term: $0, owner: .negation, traditional: true) }
            + rules.notWarnings.flatMap { TermMatcher.Entry.all(term: $0, owner: .notWarning, traditional: true) }
        for (index, category) in rules.categories.enumerated() {
            for term in category.keywords.keys.sorted() {
                let entries = TermMatcher.Entry.all(term: term, owner: .category(index), traditional: category.foldTraditional)
                if category.foldTraditional { simplified += entries } else { plain += entries }
            }
        }
        var compiled: [CompiledPattern] = []
        for (index, flag) in rules.flags.enumerated() {
            for term in flag.terms {
                let entries = TermMatcher.Entry.all(term: term, owner: .flag(index), traditional: flag.foldTraditional)
                if flag.foldTraditional { simplified += entries } else { plain += entries }
            }
            for (patternIndex, pattern) in flag.patterns.enumerated() {
                guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                    throw ConfigurationError(file: file, key: "flags.\(flag.id).patterns[\(patternIndex)]",
                                             reason: "invalid regular expression \(pattern)")
                }
            }
            // One pass per rule instead of one per pattern: each pass copies the text into the regex engine.
            if !flag.patterns.isEmpty {
                let alternation = flag.patterns.map { "(?:\($0))" }.joined(separator: "|")
                do {
                    let expression = try NSRegularExpression(pattern: alternation, options: [.caseInsensitive])
                    compiled.append(CompiledPattern(expression: expression, flag: index, traditional: flag.foldTraditional))
                } catch {
                    throw ConfigurationError(file: file, key: "flags.\(flag.id).patterns",
                                             reason: "the patterns cannot be combined into one expression")
                }
            }
        }
        plainTerms = TermMatcher(plain)
        simplifiedTerms = TermMatcher(simplified)
        patterns = compiled
        liveCategories = rules.categories.indices.filter { !rules.categories[$0].shadow }
        warningCategories = rules.categories.indices.filter { rules.categories[$0].warns }
    }

    /// Reads and validates a rules file (unknown keys are refused, so a misspelt key is not silently ignored).
    public static func load(path: String) throws -> RuleEngine {
        try load(ConfigurationFile.read(path: path))
    }

    public static func load(_ file: ConfigurationFile) throws -> RuleEngine {
        try RuleEngine(rules: StrictJSON.decode(RuleSet.self, from: file), file: file.label)
    }

    public func evaluate(_ input: ClassifyInput) -> RuleOutcome {
        let folded = TextFolding.fold(input.combinedText)
        var matches = RuleMatches(categories: rules.categories.count, flags: rules.flags.count)
        plainTerms.scan(folded.plain) { entry, range in matches.record(entry, range: range, folded: folded) }
        simplifiedTerms.scan(folded.simplified) { entry, range in matches.record(entry, range: range, folded: folded) }
        let plainText = patterns.contains { !$0.traditional } ? folded.plain.withUnsafeBufferPointer(TextFolding.string) : ""
        // Most texts hold no traditional character: then the simplified form is the plain one, decoded once.
        let simplifiedText = !patterns.contains(where: \.traditional) ? ""
            : !plainText.isEmpty && folded.simplified == folded.plain ? plainText
            : folded.simplified.withUnsafeBufferPointer(TextFolding.string)
        for pattern in patterns {
            let text = pattern.traditional ? simplifiedText : plainText
            let whole = NSRange(location: 0, length: folded.original.count)
            for result in pattern.expression.matches(in: text, range: whole) where result.range.length > 0 {
                let range = result.range.location..<(result.range.location + result.range.length)
                matches.flagHits[pattern.flag].append(Hit(range: range, text: folded.evidence(range)))
            }
        }
        let cues = matches.validateWarningCues(warningCategories: warningCategories, folded: folded)
        let hosts = input.hosts
        var scores = rules.categories.indices.map { matches.score(category: $0, rules: rules.categories[$0]) }
        var domainEvidence = Array(repeating: [String](), count: rules.categories.count)
        for (index, category) in rules.categories.enumerated() {
            for host in hosts where category.domains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) {
                scores[index] += rules.domainWeight
                domainEvidence[index].append("site:\(host)")
            }
        }
        let live = pick(scores, among: liveCategories)
        let withShadow = pick(scores, among: Array(rules.categories.indices))
        let category = live.map { rules.categories[$0.index].id } ?? rules.defaultCategory
        let shadowCategory = withShadow.map { rules.categories[$0.index].id } ?? rules.defaultCategory
        var flags: [RiskFlag] = []
        var shadowFlags: [RiskFlag] = []
        let sentences = cues.isEmpty ? nil : Sentences(folded.plain)
        let cueSentences = sentences.map { sentences in Set(cues.map { sentences.index(of: $0.range.lowerBound) }) } ?? []
        for (index, rule) in rules.flags.enumerated() {
            for evidence in RuleMatches.evidenceHits(matches.flagHits[index]) {
                // Promoted wherever one occurrence is not next to a warning, so a scheme that is warned
                // against once and advertised again further on still counts against the item.
                let warned = sentences.map { sentences in
                    evidence.hits.allSatisfy { hit in
                        let sentence = sentences.index(of: hit.range.lowerBound)
                        return (sentence - 1...sentence + 1).contains(where: cueSentences.contains)
                    }
                } ?? false
                let flag = RiskFlag(family: rule.family, rule: rule.id, matched: evidence.text, warned: warned)
                if rule.shadow { shadowFlags.append(flag) } else { flags.append(flag) }
            }
        }
        let fired = rules.categories.indices.filter { scores[$0] > 0 }.map { rules.categories[$0].id }
            + rules.flags.indices.filter { !matches.flagHits[$0].isEmpty }.map { rules.flags[$0].id }
        return RuleOutcome(
            category: category,
            score: live?.score ?? 0,
            confidence: live?.confidence ?? 0,
            matchedTerms: live.map { RuleMatches.evidence(matches.categoryHits[$0.index]) + domainEvidence[$0.index] } ?? [],
            flags: flags,
            shadowFlags: shadowFlags,
            shadowCategory: shadowCategory == category ? nil : shadowCategory,
            firedRules: fired.sorted(),
            categoryScores: Dictionary(uniqueKeysWithValues: liveCategories.map { (rules.categories[$0].id, scores[$0]) }),
            overrideRule: live.flatMap { rules.categories[$0.index].override ? rules.categories[$0.index].id : nil },
            warningCues: RuleMatches.evidence(cues))
    }

    private func pick(_ scores: [Double], among candidates: [Int]) -> (index: Int, score: Double, confidence: Double)? {
        var best: Int?
        var runnerUp = 0.0
        for index in candidates {
            guard let current = best else {
                best = index
                continue
            }
            if scores[index] > scores[current] {
                runnerUp = scores[current]
                best = index
            } else {
                runnerUp = max(runnerUp, scores[index])
            }
        }
        guard let best, scores[best] >= rules.minCategoryScore, scores[best] > 0 else { return nil }
        let top = scores[best]
        let lead = top / (top + runnerUp)
        let evidence = 1 - exp(-top / rules.confidenceScale)
        return (best, top, lead * evidence)
    }

    private static func validate(_ rules: RuleSet, file: String) throws {
        var ids = Set<String>()
        for (index, category) in rules.categories.enumerated() {
            guard !category.id.isEmpty, ids.insert(category.id).inserted else {
                throw ConfigurationError(file: file, key: "categories[\(index)].id", reason: "empty or duplicate id \(category.id)")
            }
            for (term, weight) in category.keywords where term.isEmpty || !weight.isFinite || weight <= 0 {
                throw ConfigurationError(file: file, key: "categories.\(category.id).keywords",
                                         reason: "term \"\(term)\" needs a non-empty text and a positive weight")
            }
        }
        guard ids.contains(rules.defaultCategory) else {
            throw ConfigurationError(file: file, key: "default_category", reason: "\(rules.defaultCategory) is not a defined category")
        }
        guard rules.confidenceScale > 0 else {
            throw ConfigurationError(file: file, key: "confidence_scale", reason: "must be positive, not \(rules.confidenceScale)")
        }
        for (key, value) in [("domain_weight", rules.domainWeight), ("min_category_score", rules.minCategoryScore)]
        where !(value >= 0) {
            throw ConfigurationError(file: file, key: key, reason: "must not be negative, not \(value)")
        }
        for (index, flag) in rules.flags.enumerated() {
            guard !flag.id.isEmpty, ids.insert(flag.id).inserted else {
                throw ConfigurationError(file: file, key: "flags[\(index)].id", reason: "empty or duplicate id \(flag.id)")
            }
            guard FlagRule.families.contains(flag.family) else {
                throw ConfigurationError(file: file, key: "flags.\(flag.id).family",
                                         reason: "unknown family \(flag.family); expected one of \(FlagRule.families.joined(separator: ", "))")
            }
            if let empty = flag.terms.firstIndex(where: \.isEmpty) {
                throw ConfigurationError(file: file, key: "flags.\(flag.id).terms[\(empty)]", reason: "empty term")
            }
        }
        for (key, terms) in [("warning_negations", rules.warningNegations), ("not_warnings", rules.notWarnings)] {
            if let empty = terms.firstIndex(where: \.isEmpty) {
                throw ConfigurationError(file: file, key: "\(key)[\(empty)]", reason: "empty term")
            }
        }
    }
}

/// A flag rule's patterns compiled into one expression (`NSRegularExpression` is immutable and Sendable,
/// so engines share it across threads).
private struct CompiledPattern: Sendable {
    let expression: NSRegularExpression
    let flag: Int
    let traditional: Bool
}

private struct Hit {
    var range: Range<Int>
    var text: String
    /// The rule term that matched (empty for a regular expression's match).
    var term = ""
}

/// Sentence numbers of offsets in folded text. A sentence ends at 。！？!?；; …, a line break, or a full
/// stop followed by a space: the scope of a warning cue is its sentence and the ones on either side, so
/// 别碰。拉人头返现全是套路。 warns, while a cue two sentences away from a flag does not.
private struct Sentences {
    /// Offsets at which a new sentence starts, ascending.
    private var starts: [Int] = []

    init(_ units: [UInt16]) {
        for (offset, unit) in units.enumerated() {
            let next = offset + 1 < units.count ? units[offset + 1] : 0x20
            if Self.enders.contains(unit) || (unit == 0x2E && (next == 0x20 || next == 0x0A)) { starts.append(offset + 1) }
        }
    }

    private static let enders: Set<UInt16> = [0x3002, 0xFF01, 0xFF1F, 0x21, 0x3F, 0xFF1B, 0x3B, 0x2026, 0x0A, 0x0D]

    /// Clause breaks besides sentence ends: a negation reaches its cue only within one clause.
    static let clauseBreaks: Set<UInt16> = enders.union([0xFF0C, 0x2C, 0x3001, 0xFF1A, 0x3A])

    func index(of offset: Int) -> Int {
        var low = 0
        var high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The matches of one evaluation, by rule.
private struct RuleMatches {
    /// Indexed like `rules.categories`: every keyword hit, and how often each keyword matched.
    var categoryHits: [[Hit]]
    var categoryTermCounts: [[String: Int]]
    var flagHits: [[Hit]]
    var negations: [Range<Int>] = []
    var notWarnings: [Range<Int>] = []

    init(categories: Int, flags: Int) {
        categoryHits = Array(repeating: [], count: categories)
        categoryTermCounts = Array(repeating: [:], count: categories)
        flagHits = Array(repeating: [], count: flags)
    }

    mutating func record(_ entry: TermMatcher.Entry, range: Range<Int>, folded: TextFolding.Folded) {
        let hit = Hit(range: range, text: folded.evidence(range), term: entry.term)
        switch entry.owner {
        case .category(let index):
            categoryHits[index].append(hit)
            categoryTermCounts[index][entry.term, default: 0] += 1
        case .flag(let index):
            flagHits[index].append(hit)
        case .negation:
            negations.append(range)
        case .notWarning:
            notWarnings.append(range)
        }
    }

    /// Drops the warning categories' cue hits that sit inside a `not_warnings` phrase or follow a negation
    /// in the same clause (at most three units between), recounts those categories' keywords, and returns
    /// the cue hits that remain.
    mutating func validateWarningCues(warningCategories: [Int], folded: TextFolding.Folded) -> [Hit] {
        var valid: [Hit] = []
        for index in warningCategories {
            let kept = categoryHits[index].filter { hit in
                if notWarnings.contains(where: { $0.lowerBound <= hit.range.lowerBound && hit.range.upperBound <= $0.upperBound }) {
                    return false
                }
                return !negations.contains { negation in
                    negation.upperBound <= hit.range.lowerBound && hit.range.lowerBound - negation.upperBound <= 3
                        && !folded.plain[negation.upperBound..<hit.range.lowerBound].contains(where: Sentences.clauseBreaks.contains)
                }
            }
            categoryHits[index] = kept
            categoryTermCounts[index] = Dictionary(kept.map { ($0.term, 1) }, uniquingKeysWith: +)
            valid += kept
        }
        return valid
    }

    /// A repeated keyword counts up to three times: enough to tell a page about it from a passing mention,
    /// not enough for one word repeated in a list to outweigh everything else.
    func score(category index: Int, rules: CategoryRule) -> Double {
        categoryTermCounts[index].keys.sorted().reduce(0) { total, term in
            total + (rules.keywords[term] ?? 0) * Double(min(categoryTermCounts[index][term] ?? 0, 3))
        }
    }

    /// The distinct matched texts in reading order, leaving out a match inside a longer one (稳赚 inside
    /// 稳赚不赔), at most eight.
    static func evidence(_ hits: [Hit]) -> [String] {
        evidenceHits(hits).map(\.text)
    }

    /// The same, each text with every occurrence of it that was kept.
    static func evidenceHits(_ hits: [Hit]) -> [(text: String, hits: [Hit])] {
        let ordered = hits.sorted { $0.range.lowerBound != $1.range.lowerBound
            ? $0.range.lowerBound < $1.range.lowerBound : $0.range.count > $1.range.count }
        var kept: [(text: String, hits: [Hit])] = []
        var coveredUpTo = 0
        for hit in ordered where hit.range.upperBound > coveredUpTo {
            coveredUpTo = hit.range.upperBound
            if let index = kept.firstIndex(where: { $0.text == hit.text }) {
                kept[index].hits.append(hit)
            } else if kept.count < 8 {
                kept.append((hit.text, [hit]))
            }
        }
        return kept
    }
}

/// Finds many literal terms in one pass over folded UTF-16 text: terms are grouped by their first code unit,
/// so each position is compared only with the terms that can start there. Chinese has no spaces, so a
/// Chinese term matches anywhere; a term that starts or ends with an ASCII letter or digit must not touch
/// another one there (`ai` does not match inside `email`).
struct TermMatcher: Sendable {
    enum Owner: Sendable, Hashable {
        case category(Int)
        case flag(Int)
        case negation
        case notWarning
    }

    struct Entry: Sendable {
        var term: String
        var owner: Owner
        var units: [UInt16]

        /// The term folded, and with `traditional` also its traditional spelling folded where that does not
        /// come back to the same units (沉淀 is written 沈澱, and 沈 stays 沈 in simplified text).
        static func all(term: String, owner: Owner, traditional: Bool) -> [Entry] {
            let folded = TextFolding.foldTerm(term, traditional: traditional)
            guard traditional, let written = term.applyingTransform(StringTransform("Hant-Hans"), reverse: true) else {
                return [Entry(term: term, owner: owner, units: folded)]
            }
            let variant = TextFolding.foldTerm(written, traditional: true)
            return [Entry(term: term, owner: owner, units: folded)]
                + (variant == folded ? [] : [Entry(term: term, owner: owner, units: variant)])
        }
    }

    /// Sorted by first code unit; `firstUnitStart[u]..<firstUnitStart[u + 1]` are the entries starting with `u`.
    private let entries: [Entry]
    private let firstUnitStart: [Int32]

    init(_ entries: [Entry]) {
        let sorted = entries.filter { !$0.units.isEmpty }.enumerated()
            .sorted { ($0.element.units[0], $0.offset) < ($1.element.units[0], $1.offset) }.map(\.element)
        var starts = [Int32](repeating: 0, count: 65_537)
        for entry in sorted { starts[Int(entry.units[0]) + 1] += 1 }
        for unit in 0..<65_536 { starts[unit + 1] += starts[unit] }
        self.entries = sorted
        firstUnitStart = starts
    }

    func scan(_ text: [UInt16], _ visit: (Entry, Range<Int>) -> Void) {
        guard !entries.isEmpty else { return }
        for start in text.indices {
            let unit = Int(text[start])
            for candidate in Int(firstUnitStart[unit])..<Int(firstUnitStart[unit + 1]) {
                let units = entries[candidate].units
                let end = start + units.count
                guard end <= text.count, text[start..<end].elementsEqual(units) else { continue }
                if Self.isWordUnit(units[0]), start > 0, Self.isWordUnit(text[start - 1]) { continue }
                if Self.isWordUnit(units[units.count - 1]), end < text.count, Self.isWordUnit(text[end]) { continue }
                visit(entries[candidate], start..<end)
            }
        }
    }

    private static func isWordUnit(_ unit: UInt16) -> Bool {
        (0x30...0x39).contains(unit) || (0x61...0x7A).contains(unit) || (0x41...0x5A).contains(unit)
    }
}
