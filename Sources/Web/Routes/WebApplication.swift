import Foundation
import SluiceApp
import SluiceCore
import SluicePublish

/// The routes of the web intake and the column, and the checks every request passes first: headers that
/// are UTF-8, a path that decodes strictly, the client address's rate limit. Anything else is 404: no file
/// is ever read from disk, so no path can reach outside the routes. Every refusal is a 4xx with a sentence
/// (JSON `{"error": {"code", "message"}}` under `/api/`, a page elsewhere).
public final class WebApplication: HTTPHandler {
    let options: WebOptions
    let services: WebServices
    let log: @Sendable (String) -> Void
    let forms: FormToken
    let addressLimiter: RateLimiter
    let volunteerLimiter: RateLimiter
    let clientAddress: ClientAddress

    init(options: WebOptions, services: WebServices, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.services = services
        self.log = log
        forms = FormToken(lifetime: options.formLifetime)
        addressLimiter = RateLimiter(perMinute: options.requestsPerMinutePerAddress, burst: options.addressBurst)
        volunteerLimiter = RateLimiter(perMinute: options.submissionsPerMinutePerVolunteer, burst: options.submissionBurst)
        clientAddress = ClientAddress(trustedProxy: options.trustedProxy)
    }

    /// One request in flight: what the log line says about it, filled in as it is routed.
    struct Exchange {
        let request: HTTPRequest
        let client: String
        var route = "(unrouted)"
        var volunteer: String?
        var isAPI = false

        var language: PageLanguage {
            PageLanguage.preferred(request.header("Accept-Language"), fallback: isAPI ? .en : .zh)
        }

        func query(_ name: String) -> String? {
            request.query.first { $0.name == name }?.value.flatMap { RequestDecoding.percentDecoded($0, plusIsSpace: true) }
        }
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let started = ProcessInfo.processInfo.systemUptime
        var exchange = Exchange(request: request, client: clientAddress.of(request))
        let response = route(&exchange)
        let milliseconds = Int((ProcessInfo.processInfo.systemUptime - started) * 1000)
        log("\(Timestamp.string(services.clock.now())) \(exchange.client) \(Self.printable(request.method)) \(exchange.route) "
            + "\(response.status) \(milliseconds)ms" + (exchange.volunteer.map { " volunteer=\(Self.printable($0))" } ?? ""))
        return response
    }

    private func route(_ exchange: inout Exchange) -> HTTPResponse {
        let request = exchange.request
        exchange.isAPI = request.path.hasPrefix("/api/")
        if let name = request.undecodableHeader { return refuse(.headerNotUTF8(Self.printable(name)), exchange) }
        guard let path = RequestDecoding.percentDecoded(request.path), path.hasPrefix("/"),
              !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return refuse(.badPath, exchange)
        }
        if request.query.contains(where: { $0.name == nil || $0.value == nil }) { return refuse(.badPath, exchange) }
        if let wait = addressLimiter.admit(exchange.client) { return refuse(.rateLimited(retryAfter: wait), exchange) }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch segments {
        case [""]:
            return get(&exchange, "/") { home($0) }
        case ["favicon.ico"]:
            // Browsers ask for it on every site; there is none, and saying so with 204 keeps their consoles clean.
            return get(&exchange, "/favicon.ico") { _ in HTTPResponse(status: 204, headers: SecurityHeaders.common) }
        case ["static", "site.css"]:
            return get(&exchange, "/static/site.css") { _ in styleSheet() }
        case let parts where parts.count == 2 && parts[0] == "v" && !parts[1].isEmpty:
            return get(&exchange, "/v/[token]") { openInvitation(token: parts[1], &$0) }
        case ["me"]:
            return get(&exchange, "/me") { volunteerPage(&$0) }
        case ["me", "submissions"]:
            return only("POST", &exchange, "/me/submissions") { submitForm(&$0) }
        case ["api", "v1", "submissions"]:
            return only("POST", &exchange, "/api/v1/submissions") { apiSubmit(&$0) }
        case let parts where parts.count == 4 && parts[0...2] == ["api", "v1", "submissions"]:
            return get(&exchange, "/api/v1/submissions/[id]") { apiSubmission(parts[3], &$0) }
        case ["api", "v1", "me", "submissions"]:
            return get(&exchange, "/api/v1/me/submissions") { apiMySubmissions(&$0) }
        case ["column"]:
            return get(&exchange, "/column") { latestColumn($0) }
        case let parts where parts.count == 2 && parts[0] == "column" && ColumnRoutes.isMonth(parts[1]):
            return get(&exchange, "/column/[month]") { column(month: parts[1], format: .html, $0) }
        case let parts where parts.count == 1 && ColumnRoutes.exportName(parts[0]) != nil:
            let (month, format) = ColumnRoutes.exportName(parts[0]) ?? ("", .html)
            return get(&exchange, "/column-[month].\(format.fileExtension)") { column(month: month, format: format, $0) }
        case ["feed.atom"]:
            return get(&exchange, "/feed.atom") { feed(.atom, $0) }
        case ["feed.json"]:
            return get(&exchange, "/feed.json") { feed(.json, $0) }
        default:
            return refuse(.notFound, exchange)
        }
    }

    private func get(_ exchange: inout Exchange, _ route: String, _ body: (inout Exchange) -> HTTPResponse) -> HTTPResponse {
        exchange.route = route
        guard exchange.request.method == "GET" || exchange.request.method == "HEAD" else {
            return refuse(.methodNotAllowed(allowed: "GET, HEAD"), exchange)
        }
        return body(&exchange)
    }

    private func only(_ method: String, _ exchange: inout Exchange, _ route: String,
                      _ body: (inout Exchange) -> HTTPResponse) -> HTTPResponse {
        exchange.route = route
        guard exchange.request.method == method else { return refuse(.methodNotAllowed(allowed: method), exchange) }
        return body(&exchange)
    }

    // MARK: answers

    func refuse(_ refusal: Refusal, _ exchange: Exchange) -> HTTPResponse {
        var response: HTTPResponse
        if exchange.isAPI {
            let payload = ["error": ["code": refusal.code, "message": refusal.sentence(exchange.language)]]
            response = json(payload, status: refusal.status)
        } else {
            response = html(Pages.refusal(refusal, language: exchange.language), status: refusal.status)
        }
        switch refusal {
        case .rateLimited(let seconds): response.setHeader("Retry-After", String(seconds))
        case .methodNotAllowed(let allowed): response.setHeader("Allow", allowed)
        case .invalidToken, .memberTokenRequired: response.setHeader("WWW-Authenticate", "Bearer realm=\"sluice\"")
        default: break
        }
        return response
    }

    func html(_ page: String, status: Int = 200, cache: String = "no-store") -> HTTPResponse {
        HTTPResponse(status: status, headers: SecurityHeaders.common + [("Content-Type", "text/html; charset=utf-8"),
                                                                         ("Cache-Control", cache)],
                     body: Data(page.utf8))
    }

    func json<T: Encodable>(_ value: T, status: Int = 200) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        let body = (try? encoder.encode(value)) ?? Data("{\"error\":{\"code\":\"internal\",\"message\":\"encoding failed\"}}".utf8)
        return HTTPResponse(status: status, headers: SecurityHeaders.common + [("Content-Type", "application/json; charset=utf-8"),
                                                                               ("Cache-Control", "no-store")],
                            body: body + Data("\n".utf8))
    }

    func redirect(_ location: String, status: Int = 303, cookie: String? = nil) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: SecurityHeaders.common + [("Location", location),
                                                                                       ("Cache-Control", "no-store")])
        if let cookie { response.headers.append(("Set-Cookie", cookie)) }
        return response
    }

    private func home(_ exchange: Exchange) -> HTTPResponse {
        html(Pages.home(language: exchange.language), cache: "no-cache")
    }

    private func styleSheet() -> HTTPResponse {
        HTTPResponse(status: 200, headers: SecurityHeaders.common + [("Content-Type", "text/css; charset=utf-8"),
                                                                     ("Cache-Control", "public, max-age=3600")],
                     body: Data(Pages.styleSheet.utf8))
    }

    /// A name or method for the log: controls and invisible characters escaped, at most 64 characters.
    static func printable(_ text: String) -> String {
        String(TextCleaning.quoted(text).dropFirst().dropLast().prefix(64))
    }
}
