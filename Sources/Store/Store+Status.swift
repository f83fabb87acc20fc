import Foundation
import SluiceCore

/// Counts per state and the most common failures per stage, for `sluice status`.
public struct StatusReport: Sendable, Equatable, Encodable {
    public struct FailureCount: Sendable, Equatable, Encodable {
        public var stage: String
        public var code: String
        public var count: Int
        public var example: String
    }

    public var states: [String: Int]
    public var failures: [FailureCount]
    /// Problems on items that still reached review (captcha, not_html, …), by code.
    public var reviewableProblems: [String: Int]
    /// Duplicates by the state of the item they duplicate (e.g. `rejected`: resubmitted known scams).
    public var duplicatesByRootState: [String: Int]
    public var total: Int

    enum CodingKeys: String, CodingKey {
        case states, failures, total
        case reviewableProblems = "reviewable_problems"
        case duplicatesByRootState = "duplicates_by_root_state"
    }
}

extension Store {
    public func status() throws -> StatusReport {
        try read { database in
            var states: [String: Int] = [:]
            for state in ItemState.allCases { states[state.rawValue] = 0 }
            for (state, count) in try database.query("SELECT state, COUNT(*) FROM items GROUP BY state", [], {
                ($0.string(0) ?? "", Int($0.int(1) ?? 0))
            }) { states[state] = count }
            let failures = try database.query("""
                SELECT problem_stage, problem_code, COUNT(*), MIN(problem_message) FROM items WHERE state = 'failed'
                GROUP BY problem_stage, problem_code ORDER BY COUNT(*) DESC, problem_code
                """) { row in
                StatusReport.FailureCount(stage: row.string(0) ?? "", code: row.string(1) ?? "",
                                          count: Int(row.int(2) ?? 0), example: row.string(3) ?? "")
            }
            var reviewable: [String: Int] = [:]
            for (code, count) in try database.query("""
                SELECT problem_code, COUNT(*) FROM items WHERE state != 'failed' AND problem_code IS NOT NULL GROUP BY 1
                """, [], { ($0.string(0) ?? "", Int($0.int(1) ?? 0)) }) { reviewable[code] = count }
            var duplicates: [String: Int] = [:]
            for (state, count) in try database.query("""
                SELECT r.state, COUNT(*) FROM items i JOIN items r ON r.id = i.duplicate_of WHERE i.state = 'duplicate' GROUP BY 1
                """, [], { ($0.string(0) ?? "", Int($0.int(1) ?? 0)) }) { duplicates[state] = count }
            return StatusReport(states: states, failures: failures, reviewableProblems: reviewable,
                                duplicatesByRootState: duplicates, total: states.values.reduce(0, +))
        }
    }
}
