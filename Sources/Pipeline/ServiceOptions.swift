import Foundation
import SluiceCore
import SluicePublish

/// The long-running service (`sluice run --watch`, the `service` section of a pipeline file): how often it
/// looks into its inbox, and its scheduled jobs. Hours are UTC, as the column's months are.
public struct ServiceOptions: Codable, Sendable, Equatable {
    /// How often the inbox folder is scanned and the schedule looked at.
    public var inboxPollSeconds = 5.0
    /// A failed job is tried again after this long, until `maxAttempts` were made in its period.
    public var retryAfterMinutes = 30.0
    public var maxAttempts = 3
    /// How long a job's claim holds: past it, another instance takes over a job whose instance died.
    public var jobLeaseMinutes = 120.0
    /// Every day: are the sources of this month's column alive, changed or deleted?
    public var recheck = DailyJob(hourUTC: 3)
    /// Every week: the classifier retrained from the moderators' decisions.
    public var retrain = WeeklyJob(weekday: .monday, hourUTC: 4)
    /// Every month: last month's column written to files.
    public var export = MonthlyExport()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case recheck, retrain, export
        case inboxPollSeconds = "inbox_poll_seconds"
        case retryAfterMinutes = "retry_after_minutes"
        case maxAttempts = "max_attempts"
        case jobLeaseMinutes = "job_lease_minutes"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = ServiceOptions()
        inboxPollSeconds = try container.decode(.inboxPollSeconds, default: fallback.inboxPollSeconds)
        retryAfterMinutes = try container.decode(.retryAfterMinutes, default: fallback.retryAfterMinutes)
        maxAttempts = try container.decode(.maxAttempts, default: fallback.maxAttempts)
        jobLeaseMinutes = try container.decode(.jobLeaseMinutes, default: fallback.jobLeaseMinutes)
        recheck = try container.decode(.recheck, default: fallback.recheck)
        retrain = try container.decode(.retrain, default: fallback.retrain)
        export = try container.decode(.export, default: fallback.export)
        guard (0.1...3600).contains(inboxPollSeconds) else {
            throw invalidValue(CodingKeys.inboxPollSeconds, in: decoder, "must be from 0.1 to 3600")
        }
        guard retryAfterMinutes >= 1 else { throw invalidValue(CodingKeys.retryAfterMinutes, in: decoder, "must be at least 1") }
        guard (1...100).contains(maxAttempts) else { throw invalidValue(CodingKeys.maxAttempts, in: decoder, "must be from 1 to 100") }
        guard jobLeaseMinutes >= 1 else { throw invalidValue(CodingKeys.jobLeaseMinutes, in: decoder, "must be at least 1") }
    }
}

/// A job run once a day, from `hour_utc` on.
public struct DailyJob: Codable, Sendable, Equatable {
    public var enabled = true
    public var hourUTC: Int

    public init(enabled: Bool = true, hourUTC: Int) {
        self.enabled = enabled
        self.hourUTC = hourUTC
    }

    enum CodingKeys: String, CodingKey {
        case enabled
        case hourUTC = "hour_utc"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decode(.enabled, default: true)
        hourUTC = try container.decode(.hourUTC, default: 3)
        guard (0...23).contains(hourUTC) else { throw invalidValue(CodingKeys.hourUTC, in: decoder, "must be from 0 to 23") }
    }
}

/// The days of an ISO week, Monday first.
public enum Weekday: String, Codable, Sendable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// 1 for Monday … 7 for Sunday.
    public var number: Int { (Self.allCases.firstIndex(of: self) ?? 0) + 1 }
}

/// A job run once a week, on `weekday` from `hour_utc` on (or later in the week when the service was down).
public struct WeeklyJob: Codable, Sendable, Equatable {
    public var enabled = true
    public var weekday: Weekday
    public var hourUTC: Int

    public init(enabled: Bool = true, weekday: Weekday, hourUTC: Int) {
        self.enabled = enabled
        self.weekday = weekday
        self.hourUTC = hourUTC
    }

    enum CodingKeys: String, CodingKey {
        case enabled, weekday
        case hourUTC = "hour_utc"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decode(.enabled, default: true)
        weekday = try container.decode(.weekday, default: .monday)
        hourUTC = try container.decode(.hourUTC, default: 4)
        guard (0...23).contains(hourUTC) else { throw invalidValue(CodingKeys.hourUTC, in: decoder, "must be from 0 to 23") }
    }
}

/// Last month's column, exported on `day` of each month from `hour_utc` on, as `column-YYYY-MM.FORMAT`
/// files in `directory` (relative to the service's working directory).
public struct MonthlyExport: Codable, Sendable, Equatable {
    public var enabled = true
    public var day = 1
    public var hourUTC = 1
    public var formats = ["md", "html"]
    public var directory = "columns"

    public init() {}

    enum CodingKeys: String, CodingKey {
        case enabled, day, formats, directory
        case hourUTC = "hour_utc"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let fallback = MonthlyExport()
        enabled = try container.decode(.enabled, default: fallback.enabled)
        day = try container.decode(.day, default: fallback.day)
        hourUTC = try container.decode(.hourUTC, default: fallback.hourUTC)
        formats = try container.decode(.formats, default: fallback.formats)
        directory = try container.decode(.directory, default: fallback.directory)
        guard (1...28).contains(day) else { throw invalidValue(CodingKeys.day, in: decoder, "must be from 1 to 28 (every month has it)") }
        guard (0...23).contains(hourUTC) else { throw invalidValue(CodingKeys.hourUTC, in: decoder, "must be from 0 to 23") }
        let known = ColumnFormat.allCases.map(\.rawValue)
        if let unknown = formats.first(where: { !known.contains($0) }) {
            throw invalidValue(CodingKeys.formats, in: decoder, "\"\(unknown)\" is not one of " + known.joined(separator: ", "))
        }
        guard !directory.isEmpty else { throw invalidValue(CodingKeys.directory, in: decoder, "must not be empty") }
    }
}
