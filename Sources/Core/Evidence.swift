import Foundation

/// The evidence frozen when a moderator approves an item, so members keep the intel when the source is
/// deleted. `textSHA256` is the digest of the UTF-8 text exactly as stored (what the content file and
/// `ColumnItem.evidenceSHA256` carry, so a member can check what they read); `htmlSHA256` guards the
/// sanitized HTML kept beside it.
public struct FrozenEvidence: Sendable, Codable, Equatable {
    public var text: String
    public var sanitizedHTML: String
    public var capturedAt: Date
    public var textSHA256: String
    public var htmlSHA256: String

    public init(text: String, sanitizedHTML: String, capturedAt: Date) {
        self.text = text
        self.sanitizedHTML = sanitizedHTML
        self.capturedAt = capturedAt
        textSHA256 = SHA256.hex(Data(text.utf8))
        htmlSHA256 = SHA256.hex(Data(sanitizedHTML.utf8))
    }

    /// Whether text and HTML still match their digests (e.g. after a store migration).
    public var isIntact: Bool {
        SHA256.hex(Data(text.utf8)) == textSHA256 && SHA256.hex(Data(sanitizedHTML.utf8)) == htmlSHA256
    }
}

/// What the last conditional GET of an item's source found (`sluice recheck`).
public enum SourceState: String, Sendable, Codable, Equatable, CaseIterable {
    /// The page answered 304 or with the same content.
    case alive
    /// The page answered with content different from the captured evidence.
    case changed
    /// The page is gone (404, 410, a deletion notice such as WeChat's "该内容已被发布者删除").
    case deleted
}

/// The state of an item's source and when it was checked.
public struct SourceStatus: Sendable, Codable, Equatable {
    public var state: SourceState
    public var checkedAt: Date

    public init(state: SourceState, checkedAt: Date) {
        self.state = state
        self.checkedAt = checkedAt
    }
}
