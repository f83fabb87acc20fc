import Foundation

/// One thing the long-running service did or saw, logged as one line (text, or JSON for journald).
public struct ServiceEvent: Sendable, Equatable {
    public enum Level: String, Sendable {
        case error, warning, notice, info
    }

    public var level: Level
    /// What happened, for log shippers: `service.started`, `round.finished`, `inbox.imported`, `job.failed`, …
    public var event: String
    public var message: String
    /// Values a log shipper may index (`job`, `period`, `file`, `attempt`…).
    public var fields: [String: String]
    public var time: Date

    public init(_ level: Level, _ event: String, _ message: String, fields: [String: String] = [:], at time: Date) {
        self.level = level
        self.event = event
        self.message = message
        self.fields = fields
        self.time = time
    }
}
