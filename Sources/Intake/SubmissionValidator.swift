import Foundation
import SluiceCore

/// Why a submission was refused. Each case names the offending value and the rule it breaks.
public enum IntakeError: Error, Equatable, CustomStringConvertible {
    case emptySubmission
    case emptyVolunteer
    case volunteerTooLong(length: Int, limit: Int)
    case urlTooLong(length: Int, limit: Int)
    case noteTooLong(length: Int, limit: Int)
    case invalidURL(url: String, reason: String)
    case unsupportedScheme(url: String, scheme: String)
    case invalidUTF8
    case malformedLine(reason: String)

    public var description: String {
        switch self {
        case .emptySubmission: "neither a URL nor a note was given"
        case .emptyVolunteer: "the volunteer name is empty"
        case .volunteerTooLong(let length, let limit): "the volunteer name has \(length) characters (at most \(limit))"
        case .urlTooLong(let length, let limit): "the URL has \(length) characters (at most \(limit))"
        case .noteTooLong(let length, let limit): "the note has \(length) characters (at most \(limit))"
        case .invalidURL(let url, let reason): "\(TextCleaning.quoted(url)) is not a usable URL: \(reason)"
        case .unsupportedScheme(let url, let scheme): "\(TextCleaning.quoted(url)): only http and https links are accepted, not \(scheme):"
        case .invalidUTF8: "the text is not valid UTF-8"
        case .malformedLine(let reason): reason
        }
    }
}

/// Limits on what one submission may carry.
public struct IntakeLimits: Sendable, Equatable {
    public var maxURLLength = 2048
    public var maxNoteLength = 4000
    public var maxVolunteerLength = 64
    public init() {}
}

/// Checks a volunteer's submission before anything is stored: a URL that sluice would refuse to fetch,
/// an over-long note or an empty name is refused here with a message saying why.
public struct SubmissionValidator: Sendable {
    public var limits: IntakeLimits

    public init(limits: IntakeLimits = IntakeLimits()) {
        self.limits = limits
    }

    public func validate(url rawURL: String?, note rawNote: String?, volunteer rawVolunteer: String,
                         source: String) throws(IntakeError) -> Submission {
        let volunteer = try volunteerName(rawVolunteer)
        let note = rawNote.map { TextCleaning.paragraphs($0, limit: Int.max) }.flatMap { $0.isEmpty ? nil : $0 }
        if let note, note.count > limits.maxNoteLength {
            throw .noteTooLong(length: note.count, limit: limits.maxNoteLength)
        }
        let trimmedURL = rawURL?.trimmingCharacters(in: .whitespacesAndNewlines)
        let url = try trimmedURL.flatMap { $0.isEmpty ? nil : $0 }.map { (text: String) throws(IntakeError) -> String in
            guard text.count <= limits.maxURLLength else { throw .urlTooLong(length: text.count, limit: limits.maxURLLength) }
            do throws(URLProblem) {
                return try HTTPURL(text).href
            } catch {
                if case .unsupportedScheme(let scheme) = error.reason { throw .unsupportedScheme(url: text, scheme: scheme) }
                throw .invalidURL(url: text, reason: error.reason.description)
            }
        }
        guard url != nil || note != nil else { throw .emptySubmission }
        return Submission(volunteer: volunteer, url: url, note: note, source: source)
    }

    /// A volunteer's name as intake stores it: one cleaned line, not empty, within the limit.
    public func volunteerName(_ raw: String) throws(IntakeError) -> String {
        let volunteer = TextCleaning.line(raw, limit: Int.max)
        guard !volunteer.isEmpty else { throw .emptyVolunteer }
        guard volunteer.count <= limits.maxVolunteerLength else {
            throw .volunteerTooLong(length: volunteer.count, limit: limits.maxVolunteerLength)
        }
        return volunteer
    }
}
