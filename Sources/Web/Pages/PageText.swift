import Foundation
import SluiceApp
import SluiceCore
import SluiceIntake

// Every sentence the web intake shows a person, Simplified Chinese first and English beside it, in this one
// file, so the lot can move into the message catalog as it is. Untrusted values (names, URLs) are inserted
// raw here and escaped where the page or the JSON is written.

/// A sentence or label of the pages.
enum Phrase {
    case pageTitle
    case greeting
    case urlLabel, urlHint, noteLabel, submit
    case received(Int64)
    case receivedKnown(id: Int64, root: Int64)
    case receivedAgain(Int64)
    case cleaned
    case mySubmissions, noSubmissions
    case credits, noCredits
    case credit(month: String, count: Int)
    case homeTitle, homeText, columnLink
    case signInAgainTitle
    case errorTitle
    case fate(SubmissionStatus)

    func text(_ language: PageLanguage) -> String {
        let pair = texts
        return language == .zh ? pair.zh : pair.en
    }

    private var texts: (zh: String, en: String) {
        switch self {
        case .pageTitle: ("提交情报", "Send intel")
        case .greeting: ("你好，", "Hello, ")
        case .urlLabel: ("链接", "Link")
        case .urlHint: ("粘贴文章链接；没有链接时只写备注也可以。", "Paste the article's link; without one, a note alone is fine.")
        case .noteLabel: ("备注", "Note")
        case .submit: ("提交", "Send")
        case .received(let id): ("收到！已记录为 #\(id)。", "Received! Recorded as #\(id).")
        case .receivedKnown(let id, let root):
            ("收到！这个链接已有记录：#\(root) —— 你的报告已记录（#\(id)）。",
             "Received! already known as #\(root) — your report is recorded (#\(id)).")
        case .cleaned: ("（其中的控制字符和不可见字符已被移除。）", "(Control and invisible characters in it were removed.)")
        case .receivedAgain(let id): ("收到！这条你之前已经提交过（#\(id)）。", "Received! You had sent this one before (#\(id)).")
        case .mySubmissions: ("我的提交", "My submissions")
        case .noSubmissions: ("还没有提交。", "Nothing sent yet.")
        case .credits: ("我的贡献", "My credits")
        case .noCredits: ("还没有提交被月刊收录。", "None of your submissions is in a column yet.")
        case .credit(let month, let count): ("\(month) 月刊收录 \(count) 条", "\(count) in the \(month) column")
        case .homeTitle: ("副业情报投稿", "Intel intake")
        case .homeText: ("志愿者请打开协调员发给你的专属链接来提交情报。", "Volunteers: open the personal link your coordinator sent you to send intel.")
        case .columnLink: ("阅读已发表的月刊", "Read the published column")
        case .signInAgainTitle: ("请重新打开你的专属链接", "Open your personal link again")
        case .errorTitle: ("无法处理", "Not done")
        case .fate(let status): Self.fate(status)
        }
    }

    /// Where one submission stands, in the volunteer's words.
    private static func fate(_ status: SubmissionStatus) -> (zh: String, en: String) {
        switch status.state {
        case .submitted, .fetched, .parsed, .deduplicated: return ("排队中：正在抓取和阅读", "queued: being fetched and read")
        case .pendingReview: return ("排队中：等待版主审核", "queued: waiting for a moderator")
        case .duplicate:
            let root = status.duplicateOf.map { "#\($0)" } ?? "?"
            return ("已有记录：\(root) —— 你的报告已记录并计入贡献", "already known as \(root) — your report is recorded")
        case .approved: return ("已通过：将收入月刊", "approved: it will be in the column")
        case .published:
            let month = status.publishedMonth ?? ""
            return ("已发表于 \(month) 月刊", "published in the \(month) column")
        case .rejected:
            let zh = rejectLabelZH(status.reasonCode) + (status.reasonText.map { "：\($0)" } ?? "")
            let en = (status.reason ?? "no reason given")
            return ("未采用：\(zh)", "rejected: \(en)")
        case .failed:
            return ("处理失败：\(status.problem ?? "原因不明")", "failed: \(status.problem ?? "unknown problem")")
        }
    }

    private static func rejectLabelZH(_ code: String?) -> String {
        switch code {
        case "duplicate": "重复"
        case "hype_scam": "夸大收益或骗局"
        case "off_topic": "与主题无关"
        case "low_quality": "质量不足"
        case "dead_link": "链接已失效"
        case nil: "未说明原因"
        default: "其他"
        }
    }
}

/// Why a request was refused: the status, a stable code for scripts, and a sentence for a person.
enum Refusal: Error, Equatable {
    case notFound
    case methodNotAllowed(allowed: String)
    case badPath
    case headerNotUTF8(String)
    case formNotUTF8
    case fieldRepeated(String)
    case unsupportedMediaType(expected: String)
    case invalidJSON
    case jsonField(String)
    case notSignedIn
    case invalidToken
    case invalidInvitation
    case staleForm
    case crossSite
    case forbiddenCharacter(field: String, scalar: UInt32)
    case intake(IntakeError)
    case idempotencyKeyReused(Int64)
    case badIdempotencyKey
    case rateLimited(retryAfter: Int)
    case memberTokenRequired
    case feedsNeedBaseURL
    case unknownSubmission(Int64)
    case unavailable

    var status: Int {
        switch self {
        case .notFound, .feedsNeedBaseURL, .unknownSubmission: 404
        case .methodNotAllowed: 405
        case .badPath, .headerNotUTF8, .formNotUTF8, .fieldRepeated, .invalidJSON, .jsonField, .forbiddenCharacter,
             .badIdempotencyKey: 400
        case .unsupportedMediaType: 415
        case .notSignedIn, .invalidToken, .memberTokenRequired: 401
        case .invalidInvitation, .staleForm, .crossSite: 403
        case .intake, .idempotencyKeyReused: 422
        case .rateLimited: 429
        case .unavailable: 503
        }
    }

    var code: String {
        switch self {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .badPath: "bad_path"
        case .headerNotUTF8: "header_not_utf8"
        case .formNotUTF8: "form_not_utf8"
        case .fieldRepeated: "field_repeated"
        case .unsupportedMediaType: "unsupported_media_type"
        case .invalidJSON: "invalid_json"
        case .jsonField: "invalid_field"
        case .notSignedIn: "not_signed_in"
        case .invalidToken: "invalid_token"
        case .invalidInvitation: "invalid_invitation"
        case .staleForm: "stale_form"
        case .crossSite: "cross_site"
        case .forbiddenCharacter: "forbidden_character"
        case .intake(let error): Self.intakeCode(error)
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .badIdempotencyKey: "bad_idempotency_key"
        case .rateLimited: "rate_limited"
        case .memberTokenRequired: "member_token_required"
        case .feedsNeedBaseURL: "feeds_need_base_url"
        case .unknownSubmission: "unknown_submission"
        case .unavailable: "unavailable"
        }
    }

    private static func intakeCode(_ error: IntakeError) -> String {
        switch error {
        case .emptySubmission: "empty_submission"
        case .emptyVolunteer, .volunteerTooLong: "invalid_volunteer"
        case .urlTooLong: "url_too_long"
        case .noteTooLong: "note_too_long"
        case .invalidURL: "invalid_url"
        case .unsupportedScheme: "unsupported_scheme"
        case .invalidUTF8: "not_utf8"
        case .malformedLine: "invalid_submission"
        }
    }

    func sentence(_ language: PageLanguage) -> String {
        let pair = texts
        return language == .zh ? pair.zh : pair.en
    }

    private var texts: (zh: String, en: String) {
        switch self {
        case .notFound: ("这里没有页面。", "There is no page at this address.")
        case .methodNotAllowed(let allowed): ("这个地址不接受这种请求（只接受 \(allowed)）。", "This address does not take that method (only \(allowed)).")
        case .badPath: ("地址中有损坏的转义或不是 UTF-8 的字符。", "The address holds a broken escape or bytes that are not UTF-8.")
        case .headerNotUTF8(let name): ("请求头 \(name) 不是有效的 UTF-8。", "The header \(name) is not valid UTF-8.")
        case .formNotUTF8: ("表单内容不是有效的 UTF-8，或含有损坏的转义。", "The form is not valid UTF-8 or holds a broken escape.")
        case .fieldRepeated(let name): ("表单字段 \(name) 出现了不止一次。", "The form field \(name) was sent more than once.")
        case .unsupportedMediaType(let expected): ("请求内容的类型应为 \(expected)。", "The request body must be \(expected).")
        case .invalidJSON: ("请求内容不是一个有效的 JSON 对象（UTF-8）。", "The request body is not a valid JSON object (UTF-8).")
        case .jsonField(let name): ("字段 \(name) 应为字符串或 null；只接受 url 和 note。", "The field \(name) must be a string or null; only url and note are accepted.")
        case .notSignedIn: ("请重新打开协调员发给你的专属链接。", "Open the personal link your coordinator sent you again.")
        case .invalidToken: ("令牌无效或已被撤销。", "The token is not valid or has been revoked.")
        case .invalidInvitation: ("这个邀请链接无效或已被撤销，请向协调员索取新的链接。", "This invitation link is not valid or was revoked; ask your coordinator for a new one.")
        case .staleForm: ("这个表单已过期或不属于你，请刷新页面后重新提交。", "This form has expired or is not yours; reload the page and send again.")
        case .crossSite: ("拒绝来自其他网站的提交。", "Submissions from other sites are refused.")
        case .forbiddenCharacter(let field, let scalar):
            ("\(Self.fieldZH(field))中含有不可见的控制字符（U+\(Self.hex(scalar))），它会让文字显示得与实际不同；请删除后再提交。",
             "The \(field) holds an invisible control character (U+\(Self.hex(scalar))) that can make text read differently; remove it and send again.")
        case .intake(let error): (Self.intakeZH(error), Self.capitalized(error.description) + ".")
        case .idempotencyKeyReused(let id):
            ("这个表单已经用来提交过另一条内容（#\(id)），请刷新页面后再提交新的内容。",
             "This form (idempotency key) was already used for other content (#\(id)); reload and send the new content again.")
        case .badIdempotencyKey: ("Idempotency-Key 应为 1 到 200 个可见的 ASCII 字符。", "Idempotency-Key must be 1 to 200 visible ASCII characters.")
        case .rateLimited(let seconds): ("提交太频繁了，请 \(seconds) 秒后再试。", "Too many requests; try again in \(seconds) seconds.")
        case .memberTokenRequired: ("月刊只对成员开放，需要成员令牌。", "The column is for members: a member token is required.")
        case .feedsNeedBaseURL: ("订阅源需要网站地址（sluice serve --base-url）。", "Feeds need the site's address (sluice serve --base-url).")
        case .unknownSubmission(let id): ("你没有编号为 #\(id) 的提交。", "You have no submission #\(id).")
        case .unavailable: ("服务暂时无法保存，请稍后再试；你的内容没有丢失风险，重试不会重复提交。", "The store cannot be reached just now; try again shortly (a retry never submits twice).")
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func fieldZH(_ field: String) -> String {
        field == "url" ? "链接" : field == "note" ? "备注" : field
    }

    private static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    private static func intakeZH(_ error: IntakeError) -> String {
        switch error {
        case .emptySubmission: "请填写链接或备注（至少一项）。"
        case .emptyVolunteer: "志愿者名字为空。"
        case .volunteerTooLong(let length, let limit): "志愿者名字有 \(length) 个字符（最多 \(limit) 个）。"
        case .urlTooLong(let length, let limit): "链接有 \(length) 个字符（最多 \(limit) 个）。"
        case .noteTooLong(let length, let limit): "备注有 \(length) 个字符（最多 \(limit) 个）。"
        case .invalidURL(let url, let reason): "\(TextCleaning.quoted(url)) 不是可用的链接：\(reason)。"
        case .unsupportedScheme(let url, let scheme): "\(TextCleaning.quoted(url))：只接受 http 和 https 链接，不接受 \(scheme):。"
        case .invalidUTF8: "文字不是有效的 UTF-8。"
        case .malformedLine(let reason): reason
        }
    }
}
