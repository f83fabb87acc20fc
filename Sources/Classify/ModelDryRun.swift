import SluiceCore

/// One item waiting in the review queue, for `sluice train --dry-run`: what the classifier reads, what it
/// was given last, and the signals its priority is computed from.
public struct QueuedItem: Sendable {
    public var id: Int64
    public var input: ClassifyInput
    /// The stored classification with the item's category as it stands (a moderator may have set it).
    public var current: Classification?
    public var signals: VolunteerSignals

    public init(id: Int64, input: ClassifyInput, current: Classification?, signals: VolunteerSignals) {
        self.id = id
        self.input = input
        self.current = current
        self.signals = signals
    }
}

/// How one queued item would change under a candidate model.
public struct QueueChange: Codable, Sendable, Equatable {
    public var id: Int64
    public var categoryBefore: String?
    public var categoryAfter: String
    /// `approve` when P(approve) ≥ 0.5, `reject` below, nil without a model.
    public var verdictBefore: String?
    public var verdictAfter: String?
    public var pApproveBefore: Double?
    public var pApproveAfter: Double?
    /// Places in the queue, 1 first (highest priority first, then oldest).
    public var rankBefore: Int
    public var rankAfter: Int
}

/// What replacing the current model with a newly trained one would change in the review queue: category,
/// approve/reject verdict and queue order, counted, with the items most affected as a sample. Nothing is
/// written.
public struct ModelDryRun: Codable, Sendable, Equatable, CustomStringConvertible {
    public var modelBefore: String?
    public var modelAfter: String
    public var examined: Int
    public var categoryChanged: Int
    public var verdictChanged: Int
    public var orderChanged: Int
    /// Up to `sampleSize` items of each kind of change, the largest moves in the queue first.
    public var sample: [QueueChange]

    public static let sampleSize = 10

    /// A category a moderator set is kept, as `sluice reprocess --stage classify` keeps it.
    public static func compare(items: [QueuedItem], engine: RuleEngine, current: ClassifierModel?,
                               candidate: ClassifierModel, options: ClassifyOptions) -> ModelDryRun {
        let before = Classifier(engine: engine, model: current, options: options)
        let after = Classifier(engine: engine, model: candidate, options: options)
        let old = items.map { $0.current ?? before.classify($0.input, signals: $0.signals) }
        let new = items.indices.map { index in
            var next = after.classify(items[index].input, signals: items[index].signals)
            if old[index].categorySource == .moderator { next.category = old[index].category }
            return next
        }
        let rankBefore = ranks(items.map(\.id), old.map(\.priority))
        let rankAfter = ranks(items.map(\.id), new.map(\.priority))
        func verdict(_ p: Double?) -> String? { p.map { $0 >= 0.5 ? "approve" : "reject" } }
        let changes = items.indices.map { index in
            QueueChange(id: items[index].id, categoryBefore: old[index].category, categoryAfter: new[index].category,
                        verdictBefore: verdict(old[index].pApprove), verdictAfter: verdict(new[index].pApprove),
                        pApproveBefore: old[index].pApprove, pApproveAfter: new[index].pApprove,
                        rankBefore: rankBefore[index], rankAfter: rankAfter[index])
        }
        let categoryChanges = changes.filter { $0.categoryBefore != $0.categoryAfter }
        let verdictChanges = changes.filter { $0.verdictBefore != $0.verdictAfter }
        let moved = changes.filter { $0.rankBefore != $0.rankAfter }
            .sorted { abs($0.rankAfter - $0.rankBefore) > abs($1.rankAfter - $1.rankBefore) }
        var sample: [QueueChange] = []
        for change in categoryChanges.prefix(sampleSize) + verdictChanges.prefix(sampleSize) + moved.prefix(sampleSize)
        where !sample.contains(where: { $0.id == change.id }) {
            sample.append(change)
        }
        return ModelDryRun(modelBefore: current?.id, modelAfter: candidate.id, examined: items.count,
                           categoryChanged: categoryChanges.count, verdictChanged: verdictChanges.count,
                           orderChanged: moved.count, sample: sample.sorted { $0.rankBefore < $1.rankBefore })
    }

    /// Queue places by priority, highest first, ties to the older (lower) id, as the review queue orders them.
    private static func ranks(_ ids: [Int64], _ priorities: [Double]) -> [Int] {
        let order = ids.indices.sorted { priorities[$0] != priorities[$1] ? priorities[$0] > priorities[$1] : ids[$0] < ids[$1] }
        var ranks = [Int](repeating: 0, count: ids.count)
        for (place, index) in order.enumerated() { ranks[index] = place + 1 }
        return ranks
    }

    public var description: String {
        var lines = ["model \(modelBefore ?? "(none)") → \(modelAfter) over the \(examined) items in the review queue",
                     "\(categoryChanged) would change category, \(verdictChanged) would change verdict (P(approve) across 0.5), "
                     + "\(orderChanged) would change place in the queue"]
        if !sample.isEmpty {
            lines.append("")
            lines.append("item      place     category                        verdict (P(approve))")
        }
        for change in sample {
            let place = "\(change.rankBefore)→\(change.rankAfter)"
            let category = change.categoryBefore == change.categoryAfter ? change.categoryAfter
                : "\(change.categoryBefore ?? "-") → \(change.categoryAfter)"
            func verdict(_ name: String?, _ p: Double?) -> String {
                guard let name, let p else { return "-" }
                return name + " (" + String(Int((p * 100).rounded())) + "%)"
            }
            lines.append("#\(change.id)".padding(toLength: 10, withPad: " ", startingAt: 0)
                         + place.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + category.padding(toLength: 32, withPad: " ", startingAt: 0)
                         + verdict(change.verdictBefore, change.pApproveBefore) + " → " + verdict(change.verdictAfter, change.pApproveAfter))
        }
        return lines.joined(separator: "\n")
    }
}
