import Foundation

/// Errors every store reports in the same words, whatever database is behind it. Errors of the database
/// itself (a full disk, a broken connection) come as the implementation's own error type.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The store was made by a newer sluice.
    case newerSchema(location: String, found: Int, known: Int)
    /// Nothing is stored at the location (a read on a mistyped path).
    case noStore(location: String)
    /// A database that is not a sluice store: refused untouched.
    case notAStore(location: String, detail: String)
    /// The store can be read but not written (permissions, a read-only replica).
    case readOnly(location: String)
    /// The database server cannot be reached.
    case unreachable(location: String, detail: String)
    case notFound(itemID: Int64)
    case invalidTransition(itemID: Int64, from: ItemState, to: ItemState)
    case staleVersion(itemID: Int64, expected: Int, actual: Int)
    /// Another moderator decided the item since it was shown.
    case decidedByOther(itemID: Int64, moderator: String, action: String, state: ItemState)
    case claimedByOther(itemID: Int64, moderator: String, until: Date)
    case emptyVolunteer
    case nothingToUndo
    case notDuplicate(itemID: Int64, state: ItemState)
    /// `migrate` into a store that already holds items.
    case targetNotEmpty(location: String, items: Int)
    /// An idempotency key sent again with another request than the one it was first used with.
    case idempotencyKeyReused(itemID: Int64)
    /// Something this kind of store does not do, and what to use instead.
    case unsupported(location: String, detail: String)
    /// A file sluice would write already exists and is left alone.
    case fileExists(path: String)
    /// A file sluice would write cannot be made there.
    case cannotWrite(path: String)
    /// A stored body that does not decode (a damaged row, an encoding this sluice does not know).
    case damagedCapture(itemID: Int64, detail: String)

    /// Errors of where the store is rather than of what was asked (no store, not ours, unreachable, too new,
    /// read-only): no other item or command would fare better, so they end the command (exit status 2).
    public var isEnvironmental: Bool {
        switch self {
        case .noStore, .notAStore, .unreachable, .newerSchema, .readOnly, .targetNotEmpty, .unsupported, .fileExists, .cannotWrite: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .newerSchema(let location, let found, let known):
            "\(location): schema version \(found) is newer than this sluice knows (\(known)); upgrade sluice"
        case .noStore(let location):
            "\(location): no sluice store here (sluice init creates one; check --store or SLUICE_STORE)"
        case .notAStore(let location, let detail):
            "\(location): not a sluice store (\(detail)); left untouched"
        case .readOnly(let location):
            "\(location): the store is read-only here (this user may not write the file or its folder, or it is a read-only copy); this command needs to write to it"
        case .unreachable(let location, let detail):
            "\(location): cannot reach the database (\(detail))"
        case .notFound(let id):
            "item #\(id) does not exist"
        case .invalidTransition(let id, let from, let to):
            "item #\(id) is \(from.rawValue); it cannot become \(to.rawValue)"
        case .staleVersion(let id, let expected, let actual):
            "item #\(id) changed since it was shown (version \(expected), now \(actual)); look again before deciding"
        case .decidedByOther(let id, let moderator, let action, let state):
            "item #\(id) was already decided by \(moderator) (\(action), now \(state.rawValue)); left as it is"
        case .claimedByOther(let id, let moderator, let until):
            "item #\(id) is being reviewed by \(moderator) until \(Timestamp.string(until))"
        case .emptyVolunteer:
            "a volunteer name is required"
        case .nothingToUndo:
            "there is no decision of yours left to undo"
        case .notDuplicate(let id, let state):
            "item #\(id) (\(state.rawValue)) is not linked to a cluster; name the duplicate, not the first item"
        case .targetNotEmpty(let location, let items):
            "\(location) already holds \(items) item(s); migrate copies only into an empty store"
        case .idempotencyKeyReused(let id):
            "this idempotency key was already used for item #\(id) with other content; use a new key for a new submission"
        case .unsupported(let location, let detail):
            "\(location): \(detail)"
        case .fileExists(let path):
            "\(path) already exists and is left as it is; name a new file"
        case .cannotWrite(let path):
            "cannot write \(path) (its folder does not exist or may not be written)"
        case .damagedCapture(let id, let detail):
            "the stored page of item #\(id) is damaged (\(detail)); fetch it again with sluice reprocess --stage fetch"
        }
    }
}

/// Dates as ISO 8601 text in UTC with milliseconds: sortable as text, readable in a database shell.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func string(_ date: Date) -> String { date.formatted(style) }

    public static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        return try? style.parse(text)
    }

    /// `YYYY-MM` of a date in UTC: the column a publication belongs to.
    public static func month(_ date: Date) -> String { String(string(date).prefix(7)) }
}

/// Where time comes from. Use cases take one, so tests set the time instead of sleeping; leases and claims
/// that several hosts share are measured by the database server's clock instead.
public protocol TimeSource: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}
