/// The pipeline's stages, in flow order. Failures record the stage they happened in.
public enum Stage: String, Codable, Sendable, CaseIterable {
    case intake, fetch, parse, dedup, classify, review, publish
}

/// Why an item could not be processed normally. The raw values are the stable taxonomy shown by
/// `sluice status` and stored on the item.
public enum ProblemCode: String, Codable, Sendable, CaseIterable {
    // Transfers
    case dns, connect, timeout, tls
    case http4xx = "http_4xx"
    case http5xx = "http_5xx"
    case tooLarge = "too_large"
    case notHTML = "not_html"
    case blockedAddress = "blocked_address"
    case blockedScheme = "blocked_scheme"
    case redirectLoop = "redirect_loop"
    case robots
    // A 200 response that is not the content: interstitials, walls, notices.
    case captcha
    case loginWall = "login_wall"
    case deleted
    case jsShell = "js_shell"
    case soft404 = "soft_404"
    // Later stages
    case parseError = "parse_error"
    case replayMissing = "replay_missing"
    case other
}

/// A recorded problem: the code, the stage, and a human message naming what went wrong.
public struct Problem: Codable, Sendable, Equatable, Error {
    public var code: ProblemCode
    public var stage: Stage
    public var message: String

    public init(_ code: ProblemCode, stage: Stage, message: String) {
        self.code = code
        self.stage = stage
        self.message = message
    }
}
