import Foundation
import SluiceCore
import SluiceReview

/// What volunteers sent and how it fared: the roll of everyone's contributions, and one volunteer's list.
public struct VolunteerService: Sendable {
    let store: any VolunteerStore

    public init(store: any VolunteerStore) {
        self.store = store
    }

    /// Every volunteer with submissions (in `month` when given, by submission date), most accepted first,
    /// then most submissions, then by name. A report of a story someone else found first counts with the
    /// state of that story.
    public func stats(month: String?) throws -> [VolunteerStats] {
        var byName: [String: (stats: VolunteerStats, categories: [String: Int])] = [:]
        for contribution in try store.contributions(month: month) {
            var entry = byName[contribution.volunteer] ?? (VolunteerStats(name: contribution.volunteer), [:])
            entry.stats.submissions += 1
            switch contribution.state {
            case .approved?, .published?:
                entry.stats.accepted += 1
                entry.categories[contribution.category ?? "other", default: 0] += 1
            case .rejected?: entry.stats.rejected += 1
            case .failed?: entry.stats.failed += 1
            default: entry.stats.pending += 1
            }
            byName[contribution.volunteer] = entry
        }
        return byName.values.map { entry in
            var stats = entry.stats
            let decided = stats.accepted + stats.rejected
            stats.acceptanceRate = decided == 0 ? nil : Double(stats.accepted) / Double(decided)
            stats.tags = entry.categories.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3).map(\.key)
            return stats
        }.sorted { ($1.accepted, $1.submissions, $0.name) < ($0.accepted, $0.submissions, $1.name) }
    }

    /// Where each of one volunteer's submissions stands, in words; nil when nobody of that name submitted.
    public func status(of volunteer: String) throws -> [SubmissionStatus]? {
        try store.submissions(volunteer: volunteer)?.map(SubmissionStatus.init)
    }
}

/// One submission's fate as its volunteer reads it (`volunteer status`, and the volunteer's web page).
public struct SubmissionStatus: Sendable, Encodable {
    public var id: Int64
    public var url: String?
    public var note: String?
    public var title: String?
    public var submittedAt: Date
    /// `queued`, `duplicate`, `approved`, `published`, `rejected` or `failed`.
    public var status: String
    public var words: String
    public var duplicateOf: Int64?
    public var reason: String?
    public var problem: String?
    /// The state of the story a duplicate reports (its cluster's first item).
    public var rootState: ItemState?
    /// The month of the column the story is published in, when it is: the volunteer's credit.
    public var publishedMonth: String?
    /// The item's own state, and the moderator's reason code and words on a rejection, for front ends that
    /// word the fate themselves (the web page, in Chinese or English); not part of the JSON shape.
    public var state: ItemState
    public var reasonCode: String?
    public var reasonText: String?

    enum CodingKeys: String, CodingKey {
        case id, url, note, title, status, words, reason, problem
        case submittedAt = "submitted_at"
        case duplicateOf = "duplicate_of"
        case rootState = "root_state"
        case publishedMonth = "published_month"
    }

    public func encode(to encoder: Encoder) throws {
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
        try container.encode(rootState?.rawValue, forKey: .rootState)
        try container.encode(publishedMonth, forKey: .publishedMonth)
    }

    public init(_ submission: VolunteerSubmission) {
        id = submission.itemID
        url = submission.url
        note = submission.note
        title = submission.title
        submittedAt = submission.submittedAt
        duplicateOf = submission.duplicateOf
        rootState = submission.rootState
        state = submission.state
        reasonCode = submission.decisionReason
        reasonText = submission.decisionText
        publishedMonth = submission.publishedMonth
        problem = submission.problem.map { "\($0.code.rawValue): \($0.message)" }
        switch submission.state {
        case .submitted, .fetched, .parsed, .deduplicated:
            status = "queued"
            words = "queued: being fetched and read"
        case .pendingReview:
            status = "queued"
            words = problem.map { "queued: waiting for a moderator (the page had a problem: \($0))" } ?? "queued: waiting for a moderator"
        case .duplicate:
            status = "duplicate"
            let root = submission.duplicateOf.map { "#\($0)" } ?? "an earlier item"
            words = "already known as \(root)" + (submission.rootState.map { ", which is \(Self.stateWords($0))" } ?? "")
                + "; your report is recorded and credited"
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
