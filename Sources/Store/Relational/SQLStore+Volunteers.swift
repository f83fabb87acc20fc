import Foundation
import SluiceCore

extension SQLStore {
    public func submissions(volunteer: String) throws -> [VolunteerSubmission]? {
        try sql.read { database in
            guard try database.scalar("SELECT id FROM volunteers WHERE name = ?", [volunteer]) != nil else { return nil }
            return try database.query("""
                SELECT i.id, s.url, s.note, i.title, s.submitted_at, i.state, i.duplicate_of, r.state, i.decision_reason,
                    (SELECT d.detail FROM decisions d WHERE d.item_id = i.id AND d.action = 'reject' ORDER BY d.id DESC LIMIT 1),
                    i.problem_code, i.problem_stage, i.problem_message,
                    (SELECT p.month FROM published p WHERE p.item_id = COALESCE(i.duplicate_of, i.id) AND p.retracted_at IS NULL)
                FROM submissions s JOIN volunteers v ON v.id = s.volunteer_id JOIN items i ON i.id = s.item_id
                LEFT JOIN items r ON r.id = i.duplicate_of
                WHERE v.name = ? ORDER BY s.submitted_at, i.id
                """, [volunteer]) { row in
                VolunteerSubmission(
                    itemID: row.int(0) ?? 0, url: row.string(1), note: row.string(2), title: row.string(3),
                    submittedAt: row.requiredDate(4), state: row.state(5) ?? .submitted, duplicateOf: row.int(6),
                    rootState: row.state(7), decisionReason: row.string(8), decisionText: row.string(9),
                    problem: row.string(10).map { code in
                        Problem(ProblemCode(rawValue: code) ?? .other, stage: Stage(rawValue: row.string(11) ?? "") ?? .fetch,
                                message: row.string(12) ?? "")
                    }, publishedMonth: row.string(13))
            }
        }
    }

    public func contributions(month: String?) throws -> [VolunteerContribution] {
        try sql.read { database in
            var sql = """
                SELECT v.name, COALESCE(r.state, i.state), COALESCE(r.category, i.category)
                FROM submissions s JOIN volunteers v ON v.id = s.volunteer_id JOIN items i ON i.id = s.item_id
                LEFT JOIN items r ON r.id = i.duplicate_of AND i.state = 'duplicate'
                """
            var values: [any SQLBindable] = []
            if let month {
                sql += " WHERE s.submitted_at LIKE ?"
                values.append(month + "%")
            }
            return try database.query(sql + " ORDER BY s.id", values) { row in
                VolunteerContribution(volunteer: row.string(0) ?? "", state: row.state(1), category: row.string(2))
            }
        }
    }
}

extension SQLStore {
    public func classifiableItems(states: [ItemState]) throws -> [ClassifiableItem] {
        guard !states.isEmpty else { return [] }
        return try sql.read { database in
            try database.query("""
                SELECT i.id, i.state, i.version, i.title, p.page_json, s.note, COALESCE(i.final_url, s.url), i.site,
                    i.category, i.category_source, i.classification_json, s.url
                FROM items i JOIN submissions s ON s.item_id = i.id LEFT JOIN pages p ON p.item_id = i.id
                WHERE i.state IN \(database.placeholders(states.count)) ORDER BY i.id
                """, states.map(\.rawValue)) { row in
                let page = decodeJSON(Page.self, row.string(4))
                return ClassifiableItem(
                    id: row.int(0) ?? 0, state: row.state(1) ?? .submitted, version: Int(row.int(2) ?? 0),
                    title: page?.title ?? row.string(3), mainText: page?.mainText ?? "", note: row.string(5),
                    url: row.string(6), site: row.string(7) ?? row.string(11).flatMap { try? HTTPURL($0).host.display },
                    category: row.string(8), categorySource: row.string(9).flatMap(CategorySource.init(rawValue:)),
                    classification: decodeJSON(Classification.self, row.string(10)))
            }
        }
    }

    public func decisionCount(since date: Date?) throws -> Int {
        try sql.read { database in
            Int(try database.scalar("""
                SELECT COUNT(*) FROM decisions d WHERE d.action IN ('approve', 'reject') AND d.at > ?
                AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)
                """, [date.map(Timestamp.string) ?? ""]) ?? 0)
        }
    }

    public func reclassify(_ updates: [Reclassification], actor: String, at now: Date) throws -> [Int64] {
        guard !updates.isEmpty else { return [] }
        let stamp = Timestamp.string(now)
        return try sql.write { database in
            var written: [Int64] = []
            for update in updates {
                let classification = update.classification
                let changed = try database.run("""
                    UPDATE items SET category = ?, category_source = ?, classification_json = ?, p_approve = ?, priority = ?,
                        version = version + 1, updated_at = ?
                    WHERE id = ? AND state = ? AND version = ?
                    """, [classification.category, classification.categorySource.rawValue, try encodeJSON(classification),
                          classification.pApprove, classification.priority, stamp, update.itemID,
                          ItemState.pendingReview.rawValue, update.version])
                guard changed == 1 else { continue }
                try recordTransition(database, itemID: update.itemID, from: .pendingReview, to: .pendingReview,
                                     stage: .classify, actor: actor, detail: update.detail, at: stamp)
                written.append(update.itemID)
            }
            return written
        }
    }

    public func saveModel(_ model: StoredModel) throws {
        try sql.write { database in
            try database.run("INSERT INTO models (kind, trained_at, examples, body, version) VALUES ('classifier', ?, ?, ?, ?)",
                             [Timestamp.string(model.trainedAt), model.examples, model.body, model.version])
        }
    }

    public func latestModel() throws -> StoredModel? {
        try sql.read { database in
            try database.query("SELECT body, trained_at, examples, version FROM models ORDER BY id DESC LIMIT 1") { row in
                StoredModel(body: row.data(0) ?? Data(), trainedAt: row.requiredDate(1), examples: Int(row.int(2) ?? 0),
                            version: row.string(3))
            }.first
        }
    }

    public func models() throws -> [StoredModelInfo] {
        try sql.read { database in
            try database.query("SELECT id, trained_at, examples, LENGTH(body), version FROM models ORDER BY id") { row in
                StoredModelInfo(id: row.int(0) ?? 0, trainedAt: row.requiredDate(1), examples: Int(row.int(2) ?? 0),
                                bytes: Int(row.int(3) ?? 0), version: row.string(4))
            }
        }
    }
}

extension SQLStore {
    public func status() throws -> StatusReport {
        try sql.read { database in
            var states: [String: Int] = [:]
            for state in ItemState.allCases { states[state.rawValue] = 0 }
            for (state, count) in try database.query("SELECT state, COUNT(*) FROM items GROUP BY state", {
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
                """, { ($0.string(0) ?? "", Int($0.int(1) ?? 0)) }) { reviewable[code] = count }
            var duplicates: [String: Int] = [:]
            for (state, count) in try database.query("""
                SELECT r.state, COUNT(*) FROM items i JOIN items r ON r.id = i.duplicate_of WHERE i.state = 'duplicate' GROUP BY 1
                """, { ($0.string(0) ?? "", Int($0.int(1) ?? 0)) }) { duplicates[state] = count }
            return StatusReport(states: states, failures: failures, reviewableProblems: reviewable,
                                duplicatesByRootState: duplicates, total: states.values.reduce(0, +))
        }
    }
}
