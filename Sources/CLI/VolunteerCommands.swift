import Foundation
import SluiceCore
import SluiceReview
import SluiceStore

/// `sluice volunteer status --by NAME`: where each of a volunteer's submissions stands, in their words.
enum VolunteerCommands {
    static func volunteer(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        switch arguments.takeSubcommand() {
        case "status": return try status(&arguments, context)
        case nil: throw UsageError("volunteer: name a subcommand: status (see sluice volunteer --help)")
        case let other?: throw UsageError("volunteer: unknown subcommand \"\(TerminalSafe.text(other))\" (see sluice volunteer --help)")
        }
    }

    static func status(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let name = try arguments.option("--by"), !name.isEmpty else {
            throw UsageError("volunteer status: --by VOLUNTEER is required")
        }
        let json = arguments.flag("--json")
        try arguments.finish()
        guard let submissions = try context.store().submissions(volunteer: name) else {
            if json { try context.printJSON([SubmissionStatus]()) }
            context.console.error("volunteer status: no volunteer named \"\(TerminalSafe.text(name))\" has submitted anything")
            return 1
        }
        let statuses = submissions.map(SubmissionStatus.init)
        if json {
            try context.printJSON(statuses)
            return 0
        }
        for status in statuses {
            let what = status.title ?? status.url ?? status.note ?? ""
            context.console.print(TerminalSafe.text("#\(status.id) \(status.words) — \(what)"))
        }
        return 0
    }
}

/// One submission as a volunteer reads it: `status` is one of queued, duplicate, approved, published,
/// rejected, failed; `words` says it in a sentence with the reason or the problem.
struct SubmissionStatus: Encodable {
    var id: Int64
    var url: String?
    var note: String?
    var title: String?
    var submittedAt: Date
    var status: String
    var words: String
    var duplicateOf: Int64?
    var reason: String?
    var problem: String?

    enum CodingKeys: String, CodingKey {
        case id, url, note, title, status, words, reason, problem
        case submittedAt = "submitted_at"
        case duplicateOf = "duplicate_of"
    }

    /// Encodes absent values as `null` so every documented field is always present.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(note, forKey: .note)
        try container.encode(title, forKey: .title)
        try container.encode(submittedAt, forKey: .submittedAt)
        try container.encode(status, forKey: .status)
        try container.encode(words, forKey: .words)
        try container.encode(duplicateOf, forKey: .duplicateOf)
        try container.encode(reason, forKey: .reason)
        try container.encode(problem, forKey: .problem)
    }

    init(_ submission: VolunteerSubmission) {
        id = submission.itemID
        url = submission.url
        note = submission.note
        title = submission.title
        submittedAt = submission.submittedAt
        duplicateOf = submission.duplicateOf
        problem = submission.problem.map { "\($0.code.rawValue): \($0.message)" }
        switch submission.state {
        case .submitted, .fetched, .parsed, .deduplicated:
            status = "queued"
            words = "queued: being fetched and read"
        case .pendingReview:
            status = "queued"
            words = "queued: waiting for a moderator" + (problem.map { " (the page had a problem: \($0))" } ?? "")
        case .duplicate:
            status = "duplicate"
            let root = submission.duplicateOf.map { "#\($0)" } ?? "an earlier item"
            words = "duplicate of \(root)" + (submission.rootState.map { ", which is \(Self.stateWords($0))" } ?? "")
                + "; you are credited as a reporter"
        case .approved:
            status = "approved"
            words = "approved: it will be in the column"
        case .published:
            status = "published"
            words = "published in the column"
        case .rejected:
            status = "rejected"
            let label = submission.decisionReason.map { RejectReason(rawValue: $0)?.label ?? $0 } ?? "no reason given"
            reason = [label, submission.decisionText].compactMap { $0 }.joined(separator: ": ")
            words = "rejected: \(reason ?? label)"
        case .failed:
            status = "failed"
            words = "failed: \(problem ?? "unknown problem")"
        }
    }

    static func stateWords(_ state: ItemState) -> String {
        switch state {
        case .submitted, .fetched, .parsed, .deduplicated, .pendingReview: "still queued"
        case .duplicate: "itself a duplicate"
        case .approved: "approved"
        case .published: "published"
        case .rejected: "rejected"
        case .failed: "failed"
        }
    }
}
