import Foundation

/// One HTTP header line as received, in order.
public struct HTTPHeader: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// How the charset of a page was decided.
public enum CharsetBasis: String, Codable, Sendable {
    case header, bom, meta, detected, fallback
}

/// One try at fetching a URL, kept on the item so a moderator can see why it failed or was retried.
public struct FetchAttempt: Codable, Sendable, Equatable {
    public var startedAt: Date
    public var status: Int?
    public var problem: ProblemCode?
    public var message: String?
    public init(startedAt: Date, status: Int?, problem: ProblemCode?, message: String?) {
        self.startedAt = startedAt
        self.status = status
        self.problem = problem
        self.message = message
    }
}

/// What the fetch stage saw for one submitted URL: the response as received plus the decoded text.
/// `text` is the body decoded to UTF-8 (nil unless the response is HTML).
public struct Capture: Codable, Sendable, Equatable {
    public var requestedURL: String
    public var finalURL: String
    /// Every URL visited, the requested one first and the final one last.
    public var redirectChain: [String]
    public var status: Int
    public var headers: [HTTPHeader]
    public var contentType: String?
    /// The body after content-decoding (gzip, deflate, br), before charset decoding.
    public var body: Data
    public var text: String?
    public var charset: String?
    public var charsetBasis: CharsetBasis?
    /// Set when the response is not the content: not HTML, an interstitial, a wall, a deletion notice.
    public var problem: ProblemCode?
    public var attempts: [FetchAttempt]
    public var fetchedAt: Date

    public init(requestedURL: String, finalURL: String, redirectChain: [String], status: Int,
                headers: [HTTPHeader], contentType: String?, body: Data, text: String?, charset: String?,
                charsetBasis: CharsetBasis?, problem: ProblemCode?, attempts: [FetchAttempt], fetchedAt: Date) {
        self.requestedURL = requestedURL
        self.finalURL = finalURL
        self.redirectChain = redirectChain
        self.status = status
        self.headers = headers
        self.contentType = contentType
        self.body = body
        self.text = text
        self.charset = charset
        self.charsetBasis = charsetBasis
        self.problem = problem
        self.attempts = attempts
        self.fetchedAt = fetchedAt
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
