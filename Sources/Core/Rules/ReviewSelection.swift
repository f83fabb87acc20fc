import Foundation

/// A bulk decision's selection over the review queue: items reported by a volunteer, from a site, with a
/// risk flag family (or `any`/`none`), a problem code (or `any`/`none`), of one cluster, or all of them;
/// several conditions combine (all must hold).
public struct ReviewSelection: Sendable, Equatable, CustomStringConvertible {
    public var volunteer: String?
    public var site: String?
    public var flag: String?
    public var cluster: Int64?
    public var problem: String?

    public init(volunteer: String? = nil, site: String? = nil, flag: String? = nil, cluster: Int64? = nil,
                problem: String? = nil) {
        self.volunteer = volunteer
        self.site = site
        self.flag = flag
        self.cluster = cluster
        self.problem = problem
    }

    public func matches(_ record: ItemRecord) -> Bool {
        (volunteer.map { name in record.reports.contains { $0.volunteer == name } } ?? true)
            && (site.map { name in
                record.site == name || (try? HTTPURL(record.url ?? "")).map { [$0.host.serialized, $0.host.display].contains(name) } == true
            } ?? true)
            && (flag.map { family in
                // A flag the item warns against is not the item's own: a bulk rejection of a family
                // must not sweep up the warnings about it.
                let promoted = record.flags.filter { !$0.warned }
                return switch family {
                case "any": !promoted.isEmpty
                case "none": promoted.isEmpty
                default: promoted.contains { $0.family == family }
                }
            } ?? true)
            && (cluster.map { record.id == $0 || record.duplicateOf == $0 } ?? true)
            && (problem.map { code in
                switch code {
                case "any": record.error != nil
                case "none": record.error == nil
                default: record.error?.code.rawValue == code
                }
            } ?? true)
    }

    /// `volunteer=…, site=…` or `all`; untrusted names, so printers escape it for their medium.
    public var description: String {
        var parts: [String] = []
        if let volunteer { parts.append("volunteer=\(volunteer)") }
        if let site { parts.append("site=\(site)") }
        if let flag { parts.append("flag=\(flag)") }
        if let cluster { parts.append("cluster=\(cluster)") }
        if let problem { parts.append("problem=\(problem)") }
        return parts.isEmpty ? "all" : parts.joined(separator: ", ")
    }
}
