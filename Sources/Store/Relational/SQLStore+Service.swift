import Foundation
import SluiceCore

extension SQLStore {
    // MARK: inbox

    public func importedFile(sha256: String) throws -> ImportedFile? {
        try sql.read { database in
            try Self.importedFile(database, sha256: sha256)
        }
    }

    @discardableResult
    public func recordImportedFile(_ file: ImportedFile) throws -> ImportedFile {
        try sql.write { database in
            try database.run("""
                INSERT INTO imported_files (sha256, name, imported_at, report) VALUES (?, ?, ?, ?)
                ON CONFLICT (sha256) DO NOTHING
                """, [file.sha256, file.name, Timestamp.string(file.importedAt), file.report])
            return try Self.importedFile(database, sha256: file.sha256) ?? file
        }
    }

    private static func importedFile(_ database: any SQLExecutor, sha256: String) throws -> ImportedFile? {
        try database.query("SELECT sha256, name, imported_at, report FROM imported_files WHERE sha256 = ?", [sha256]) { row in
            ImportedFile(sha256: row.string(0) ?? "", name: row.string(1) ?? "", importedAt: row.requiredDate(2),
                         report: row.string(3) ?? "")
        }.first
    }

    // MARK: scheduled jobs

    public func claimJobRun(job: String, period: String, owner: String, leaseSeconds: Double, maxAttempts: Int,
                            at now: Date) throws -> JobRun? {
        let started = Timestamp.string(now)
        return try sql.write { database in
            // A new period: the first instance to insert the row runs it; the others find it there.
            let inserted = try database.run("""
                INSERT INTO job_runs (job, period, state, attempts, owner, lease_until, started_at)
                VALUES (?, ?, 'running', 1, ?, {now} + ?, ?) ON CONFLICT (job, period) DO NOTHING
                """, [job, period, owner, leaseSeconds, started])
            if inserted == 0 {
                // A failed run due again, or one whose owner's lease ran out (it died mid-job), is taken over
                // by one instance: the row is re-read under the write lock (PostgreSQL re-checks the condition
                // after waiting for another updater).
                let taken = try database.run("""
                    UPDATE job_runs SET state = 'running', attempts = attempts + 1, owner = ?, lease_until = {now} + ?,
                        started_at = ?, finished_at = NULL, next_attempt_at = NULL
                    WHERE job = ? AND period = ? AND attempts < ?
                      AND ((state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?)
                           OR (state = 'running' AND lease_until < {now}))
                    """, [owner, leaseSeconds, started, job, period, maxAttempts, started])
                guard taken > 0 else { return nil }
            }
            return try Self.jobRuns(database, where: "job = ? AND period = ?", [job, period], limit: 1).first
        }
    }

    public func finishJobRun(job: String, period: String, owner: String, state: JobState, detail: String, retryAt: Date?,
                             at now: Date) throws {
        try sql.write { database in
            try database.run("""
                UPDATE job_runs SET state = ?, detail = ?, finished_at = ?, next_attempt_at = ?, owner = NULL,
                    lease_until = NULL
                WHERE job = ? AND period = ? AND owner = ?
                """, [state.rawValue, detail, Timestamp.string(now), retryAt.map(Timestamp.string), job, period, owner])
        }
    }

    public func jobRuns(limit: Int) throws -> [JobRun] {
        try sql.read { database in
            // The newest run of each job, and every failed run whatever its age, newest first.
            try Self.jobRuns(database, where: """
                state = 'failed' OR started_at = (SELECT MAX(r.started_at) FROM job_runs r WHERE r.job = job_runs.job)
                """, [], limit: limit)
        }
    }

    private static func jobRuns(_ database: any SQLExecutor, where condition: String, _ values: [any SQLBindable],
                                limit: Int) throws -> [JobRun] {
        try database.query("""
            SELECT job, period, state, attempts, owner, started_at, finished_at, next_attempt_at, detail FROM job_runs
            WHERE \(condition) ORDER BY started_at DESC, period DESC, job LIMIT ?
            """, values + [limit]) { row in
            JobRun(job: row.string(0) ?? "", period: row.string(1) ?? "", state: row.string(2).flatMap(JobState.init) ?? .failed,
                   attempts: Int(row.int(3) ?? 0), owner: row.string(4), startedAt: row.requiredDate(5),
                   finishedAt: row.date(6), nextAttemptAt: row.date(7), detail: row.string(8))
        }
    }
}
