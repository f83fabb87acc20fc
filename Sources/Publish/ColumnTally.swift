import Foundation

/// The parts of the header and the roll of honour that follow from the month's published items alone;
/// the store supplies the rest (submissions, rejections, duplicates merged).
public enum ColumnTally {
    /// Accepted items per volunteer (found first or reported as a duplicate; once per item), most first,
    /// then by name. Tags are the categories the volunteer contributed most, at most `maximumTags`, ties in
    /// `categoryOrder` (the column's fixed order; unknown ids after it, by id).
    public static func roll(of items: [ColumnItem], categoryOrder: [String], maximumTags: Int = 3) -> [VolunteerCredit] {
        var perVolunteer: [String: [String: Int]] = [:]
        for item in items {
            for volunteer in Set(item.volunteers) {
                perVolunteer[volunteer, default: [:]][item.category, default: 0] += 1
            }
        }
        let rank = Dictionary(categoryOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return perVolunteer.map { name, categories in
            let tags = categories.sorted { left, right in
                if left.value != right.value { return left.value > right.value }
                let leftRank = rank[left.key] ?? Int.max, rightRank = rank[right.key] ?? Int.max
                return leftRank != rightRank ? leftRank < rightRank : left.key < right.key
            }
            return VolunteerCredit(name: name, accepted: categories.values.reduce(0, +),
                                   tags: tags.prefix(max(0, maximumTags)).map(\.key))
        }
        .sorted { ($1.accepted, $0.name) < ($0.accepted, $1.name) }
    }

    /// The sites with the most items, most first, then by name; items without a site are not counted.
    public static func topSites(of items: [ColumnItem], limit: Int = 5) -> [SiteCount] {
        var counts: [String: Int] = [:]
        for site in items.compactMap(\.site) { counts[site, default: 0] += 1 }
        return counts.map { SiteCount(site: $0.key, count: $0.value) }
            .sorted { ($1.count, $0.site) < ($0.count, $1.site) }
            .prefix(max(0, limit)).map { $0 }
    }
}
