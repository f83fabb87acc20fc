import Foundation
import SluiceClassify
import SluiceCore
import SluicePipeline
import SluicePublish

/// The jobs the service runs on a schedule (the pipeline file's `service` section).
public enum ScheduledJob: String, CaseIterable, Sendable {
    /// Daily: the current month's published sources fetched again (alive, changed, deleted).
    case recheck
    /// Weekly: the classifier retrained from the moderators' decisions.
    case retrain
    /// Monthly: last month's column written to files.
    case export
}

/// Runs the scheduled jobs whose time has come. The time is the injected clock's, so tests move it instead of
/// sleeping; each run is claimed in the store for its period (`ServiceStore.claimJobRun`), so several service
/// instances on one store run it once, a failed run is tried again after `retry_after_minutes` until
/// `max_attempts`, and a run whose instance died is taken over once its lease runs out.
public struct JobScheduler: Sendable {
    let store: any Store
    let definition: PipelineDefinition
    let clock: any TimeSource
    let owner: String
    /// What a relative export directory is relative to (the service's working directory).
    let workingDirectory: URL

    public init(store: any Store, definition: PipelineDefinition, clock: any TimeSource, owner: String,
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.store = store
        self.definition = definition
        self.clock = clock
        self.owner = owner
        self.workingDirectory = workingDirectory
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()

    /// The period `job` is in at `date` and whether its time in that period has come; nil when it is disabled.
    public static func schedule(_ job: ScheduledJob, options: ServiceOptions, at date: Date) -> (period: String, due: Bool)? {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .weekday, .weekOfYear, .yearForWeekOfYear], from: date)
        let (year, month, day, hour) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0)
        switch job {
        case .recheck:
            guard options.recheck.enabled else { return nil }
            return (String(format: "%04d-%02d-%02d", year, month, day), hour >= options.recheck.hourUTC)
        case .retrain:
            guard options.retrain.enabled else { return nil }
            // Calendar numbers weekdays from Sunday (1); ISO weeks start on Monday.
            let weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
            let target = options.retrain.weekday.number
            let period = String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? year, parts.weekOfYear ?? 0)
            return (period, weekday > target || (weekday == target && hour >= options.retrain.hourUTC))
        case .export:
            guard options.export.enabled else { return nil }
            let previous = month == 1 ? String(format: "%04d-12", year - 1) : String(format: "%04d-%02d", year, month - 1)
            return (previous, day > options.export.day || (day == options.export.day && hour >= options.export.hourUTC))
        }
    }

    /// Runs every job whose time has come and that no instance has settled for its period; each run is
    /// logged with its outcome. The runs made, in job order.
    @discardableResult
    public func runDue(log: (ServiceEvent) -> Void) -> [JobRun] {
        let options = definition.service
        var runs: [JobRun] = []
        for job in ScheduledJob.allCases {
            let now = clock.now()
            guard let (period, due) = Self.schedule(job, options: options, at: now), due else { continue }
            let claimed: JobRun?
            do {
                claimed = try store.claimJobRun(job: job.rawValue, period: period, owner: owner,
                                                leaseSeconds: options.jobLeaseMinutes * 60, maxAttempts: options.maxAttempts,
                                                at: now)
            } catch {
                log(ServiceEvent(.error, "job.failed", "\(job.rawValue) \(period): cannot claim the run: \(error)",
                                 fields: ["job": job.rawValue, "period": period], at: now))
                continue
            }
            guard let run = claimed else { continue }
            let fields = ["job": job.rawValue, "period": period, "attempt": String(run.attempts)]
            log(ServiceEvent(.info, "job.started", "\(job.rawValue) \(period): started (attempt \(run.attempts) of \(options.maxAttempts))",
                             fields: fields, at: now))
            var state = JobState.succeeded
            var detail: String
            do {
                (state, detail) = try perform(job, period: period, at: now)
            } catch {
                state = .failed
                detail = String(describing: error)
            }
            let finished = clock.now()
            let retryAt = state == .failed && run.attempts < options.maxAttempts
                ? finished.addingTimeInterval(options.retryAfterMinutes * 60) : nil
            do {
                try store.finishJobRun(job: job.rawValue, period: period, owner: owner, state: state, detail: detail,
                                       retryAt: retryAt, at: finished)
            } catch {
                log(ServiceEvent(.error, "job.failed", "\(job.rawValue) \(period): its outcome could not be recorded: \(error)",
                                 fields: fields, at: finished))
            }
            let retry = retryAt.map { "; tried again from \(Timestamp.string($0))" }
                ?? (state == .failed ? "; no attempts left this period" : "")
            log(ServiceEvent(state == .failed ? .error : .notice, "job.\(state.rawValue)",
                             "\(job.rawValue) \(period) \(state.rawValue): \(detail)\(retry)", fields: fields, at: finished))
            runs.append(JobRun(job: job.rawValue, period: period, state: state, attempts: run.attempts, owner: nil,
                               startedAt: now, finishedAt: finished, nextAttemptAt: retryAt, detail: detail))
        }
        return runs
    }

    /// Does one job through the same use cases as the commands; what it did, in words.
    func perform(_ job: ScheduledJob, period: String, at now: Date) throws -> (JobState, String) {
        switch job {
        case .recheck:
            let month = Timestamp.month(now)
            let findings = try RecheckService(store: store, definition: definition, clock: clock).recheck(month: month)
            let counts = SourceState.allCases.map { state in "\(findings.filter { $0.state == state }.count) \(state.rawValue)" }
            let unknown = findings.filter { $0.state == nil }.count
            return (.succeeded, "\(findings.count) source(s) of \(month): " + counts.joined(separator: ", ")
                        + (unknown > 0 ? ", \(unknown) could not be judged" : ""))
        case .retrain:
            do {
                let report = try TrainingService(store: store, options: definition.classify, clock: clock).train().report
                return (.succeeded, "trained on \(report.examples) decisions (\(report.approved) approved, \(report.rejected) rejected)")
            } catch let error as ClassifyError {
                return (.skipped, "not retrained: \(error)")
            }
        case .export:
            let export = definition.service.export
            var column = try PublishingService(store: store, clock: clock).column(month: period)
            column.site = definition.site
            let folder = export.directory.hasPrefix("/") ? URL(fileURLWithPath: export.directory, isDirectory: true)
                : workingDirectory.appendingPathComponent(export.directory, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var written: [String] = []
            for name in export.formats {
                guard let format = ColumnFormat(rawValue: name) else { continue }
                let text = try ColumnRenderer.render(column, as: format)
                let file = "column-\(period).\(name)"
                try AtomicFile.write(Data(text.utf8), to: folder.appendingPathComponent(file))
                written.append(file)
            }
            return (.succeeded, "\(column.items.count) item(s) written to \(folder.path): " + written.joined(separator: ", "))
        }
    }
}
