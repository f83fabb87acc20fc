import SluiceCore

/// One stored item for `sluice rules test`: its id, what the classifier reads, and what it was given last.
public struct DryRunItem: Sendable {
    public var id: String
    public var input: ClassifyInput
    /// The stored classification; nil for an item never classified (then the current rules are run).
    public var current: Classification?

    public init(id: String, input: ClassifyInput, current: Classification?) {
        self.id = id
        self.input = input
        self.current = current
    }
}

/// An item whose category or flags would change.
public struct RuleChange: Codable, Sendable, Equatable {
    public var id: String
    public var categoryBefore: String
    public var categoryAfter: String
    public var flagsAdded: [RiskFlag]
    public var flagsRemoved: [RiskFlag]
}

/// How many items a rule matched under the current and the candidate rules.
public struct RuleHitCount: Codable, Sendable, Equatable {
    public var rule: String
    public var shadow: Bool
    public var itemsBefore: Int
    public var itemsAfter: Int
}

/// The result of a dry run of candidate rules with the production classifier over stored items: hit counts
/// per rule and the items whose category or flags would change. Nothing is written.
public struct RuleDryRun: Codable, Sendable, Equatable, CustomStringConvertible {
    public var versionBefore: String
    public var versionAfter: String
    public var itemsExamined: Int
    public var hits: [RuleHitCount]
    public var changes: [RuleChange]
    /// What would change if the candidate's shadow rules went live too.
    public var shadowChanges: [RuleChange]

    /// A category a moderator set is kept whatever the rules say; only its flags can change.
    public static func compare(current: RuleEngine, candidate: RuleEngine, items: [DryRunItem],
                               model: ClassifierModel?, options: ClassifyOptions) -> RuleDryRun {
        let before = Classifier(engine: current, model: model, options: options)
        let after = Classifier(engine: candidate, model: model, options: options)
        let signals = VolunteerSignals(acceptanceRate: 0.5)
        var hitsBefore: [String: Int] = [:]
        var hitsAfter: [String: Int] = [:]
        var changes: [RuleChange] = []
        var shadowChanges: [RuleChange] = []
        for item in items {
            let oldOutcome = current.evaluate(item.input)
            let newOutcome = candidate.evaluate(item.input)
            for rule in oldOutcome.firedRules { hitsBefore[rule, default: 0] += 1 }
            for rule in newOutcome.firedRules { hitsAfter[rule, default: 0] += 1 }
            let old = item.current ?? before.classify(item.input, outcome: oldOutcome, signals: signals)
            let new = after.classify(item.input, outcome: newOutcome, signals: signals)
            let keptCategory = old.categorySource == .moderator ? old.category : new.category
            if let change = change(item.id, from: old, toCategory: keptCategory, flags: new.flags) {
                changes.append(change)
            }
            let shadowCategory = old.categorySource == .moderator ? old.category : (newOutcome.shadowCategory ?? keptCategory)
            if !newOutcome.shadowFlags.isEmpty || newOutcome.shadowCategory != nil,
               let change = change(item.id, from: old, toCategory: shadowCategory, flags: new.flags + newOutcome.shadowFlags) {
                shadowChanges.append(change)
            }
        }
        let shadowRules = Set(candidate.rules.categories.filter(\.shadow).map(\.id) + candidate.rules.flags.filter(\.shadow).map(\.id))
        let hits = Set(hitsBefore.keys).union(hitsAfter.keys).sorted().map {
            RuleHitCount(rule: $0, shadow: shadowRules.contains($0), itemsBefore: hitsBefore[$0] ?? 0, itemsAfter: hitsAfter[$0] ?? 0)
        }
        return RuleDryRun(versionBefore: current.version, versionAfter: candidate.version, itemsExamined: items.count,
                          hits: hits, changes: changes, shadowChanges: shadowChanges)
    }

    private static func change(_ id: String, from old: Classification, toCategory category: String,
                               flags: [RiskFlag]) -> RuleChange? {
        let added = flags.filter { !old.flags.contains($0) }
        let removed = old.flags.filter { !flags.contains($0) }
        guard category != old.category || !added.isEmpty || !removed.isEmpty else { return nil }
        return RuleChange(id: id, categoryBefore: old.category, categoryAfter: category, flagsAdded: added, flagsRemoved: removed)
    }

    public var description: String {
        var lines = ["rules \(versionBefore) → \(versionAfter) over \(itemsExamined) items", "", "rule                      before  after"]
        for hit in hits {
            lines.append((hit.rule + (hit.shadow ? " (shadow)" : "")).padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: "%8d %6d", hit.itemsBefore, hit.itemsAfter))
        }
        func describe(_ change: RuleChange) -> String {
            var parts: [String] = []
            if change.categoryBefore != change.categoryAfter { parts.append("\(change.categoryBefore) → \(change.categoryAfter)") }
            parts += change.flagsAdded.map { "+\($0.family)/\($0.rule) «\($0.matched)»" }
            parts += change.flagsRemoved.map { "-\($0.family)/\($0.rule) «\($0.matched)»" }
            return "  \(change.id): " + parts.joined(separator: ", ")
        }
        lines.append("")
        lines.append("\(changes.count) items would change")
        lines += changes.map(describe)
        if !shadowChanges.isEmpty {
            lines.append("\(shadowChanges.count) items would change if the shadow rules went live")
            lines += shadowChanges.map(describe)
        }
        return lines.joined(separator: "\n")
    }
}
