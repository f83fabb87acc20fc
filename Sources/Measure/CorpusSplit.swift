import SluiceClassify

/// Which half of the labelled corpus a measurement covers. Extraction rules are developed while looking only
/// at the `tune` half's failures; the `heldOut` half is what the figures report, so a rule that fits the pages
/// it was written for but not pages in general shows up as a gap between the two.
public enum CorpusSplit: String, Codable, Sendable, CaseIterable {
    case tune
    case heldOut = "held-out"
    case all

    /// Deals the pages to the two halves. Within each set, pages are grouped by what their ground truth can
    /// score (scored or not, with a date or not, with a title or not), each group ordered by a stable hash of
    /// `set/id`, and dealt alternately, the turn carrying over from group to group and set to set: every set
    /// and every kind of field is split evenly, and the assignment depends only on the corpus files, never on
    /// the order they are read in. Adding a page to a set may move others of its group.
    static func assign(_ pages: [CorpusPage]) -> [CorpusSplit] {
        var assignment = Array(repeating: CorpusSplit.tune, count: pages.count)
        let keys = pages.map { Folds.stableKey("\($0.set)/\($0.id)") }
        var turn = 0
        for set in Set(pages.map(\.set)).sorted() {
            let members = pages.indices.filter { pages[$0].set == set }.sorted { left, right in
                let (leftGroup, rightGroup) = (group(of: pages[left]), group(of: pages[right]))
                if leftGroup != rightGroup { return leftGroup < rightGroup }
                if keys[left] != keys[right] { return keys[left] < keys[right] }
                return pages[left].id < pages[right].id
            }
            for index in members {
                assignment[index] = turn % 2 == 0 ? .tune : .heldOut
                turn += 1
            }
        }
        return assignment
    }

    func includes(_ half: CorpusSplit) -> Bool {
        self == .all || self == half
    }

    /// Scored pages with a date first, then scored pages with a title, then the rest scored, then unscored.
    private static func group(of page: CorpusPage) -> Int {
        guard page.isScored else { return 3 }
        if page.truth["date"] is String { return 0 }
        return page.truth["title"] is String ? 1 : 2
    }
}
