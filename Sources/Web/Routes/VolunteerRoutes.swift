import Foundation
import SluiceApp
import SluiceCore
import SluiceIntake

/// The volunteer's page: the invitation link sets a cookie holding the token (HttpOnly, SameSite=Lax, so
/// it reaches the page when opened from a chat app and the form posts, never a request another site
/// starts) and moves the volunteer to `/me`, so the token leaves the address bar.
extension WebApplication {
    static let cookieName = "sluice_volunteer"

    /// The volunteer a token belongs to, nil for none; a store that cannot answer is `unavailable`.
    func volunteer(presenting token: String) throws(Refusal) -> String? {
        do {
            return try services.invitations.volunteer(presenting: token)
        } catch {
            throw .unavailable
        }
    }

    func openInvitation(token: String, _ exchange: inout Exchange) -> HTTPResponse {
        let volunteer: String
        do throws(Refusal) {
            guard let name = try self.volunteer(presenting: token) else { throw .invalidInvitation }
            volunteer = name
        } catch {
            return refuse(error, exchange)
        }
        exchange.volunteer = volunteer
        let secure = options.site.baseURL?.hasPrefix("https:") == true || options.daemon.tls != nil
        let cookie = "\(Self.cookieName)=\(token); Path=/; Max-Age=\(180 * 86400); HttpOnly; SameSite=Lax"
            + (secure ? "; Secure" : "")
        return redirect("/me", cookie: cookie)
    }

    /// The signed-in volunteer's name and token hash, from the cookie.
    private func signedIn(_ exchange: Exchange) throws(Refusal) -> (name: String, tokenHash: String) {
        guard let token = RequestDecoding.cookie(Self.cookieName, in: exchange.request.header("Cookie")),
              let name = try volunteer(presenting: token) else { throw .notSignedIn }
        return (name, Secrets.hash(token))
    }

    func volunteerPage(_ exchange: inout Exchange) -> HTTPResponse {
        do throws(Refusal) {
            let (name, tokenHash) = try signedIn(exchange)
            exchange.volunteer = name
            let submissions = try mySubmissions(name)
            var notice: Pages.Notice?
            if let text = exchange.query("received"), let id = Int64(text),
               let status = submissions.first(where: { $0.id == id }) {
                notice = .received(status.state == .duplicate ? .receivedKnown(id: id, root: status.duplicateOf ?? id)
                                   : exchange.query("seen") == "1" ? .receivedAgain(id) : .received(id),
                                   cleaned: exchange.query("cleaned") == "1")
            }
            return page(name: name, tokenHash: tokenHash, submissions: submissions, notice: notice,
                        form: Pages.FormValues(), status: 200, exchange)
        } catch {
            return refuse(error, exchange)
        }
    }

    /// The form's POST: everything is checked before anything is stored; once stored, the answer is a
    /// redirect to the page that says "收到" (so reloading it sends nothing again).
    func submitForm(_ exchange: inout Exchange) -> HTTPResponse {
        let volunteer: (name: String, tokenHash: String)
        do throws(Refusal) {
            volunteer = try signedIn(exchange)
        } catch {
            return refuse(error, exchange)
        }
        exchange.volunteer = volunteer.name
        var values = Pages.FormValues()
        do throws(Refusal) {
            try checkSameSite(exchange.request)
            guard RequestDecoding.mediaType(exchange.request.header("Content-Type")) == "application/x-www-form-urlencoded" else {
                throw .unsupportedMediaType(expected: "application/x-www-form-urlencoded")
            }
            let fields = try RequestDecoding.form(exchange.request.body)
            values = Pages.FormValues(url: fields["url"] ?? "", note: fields["note"] ?? "")
            if let wait = volunteerLimiter.admit("volunteer:" + volunteer.name) { throw .rateLimited(retryAfter: wait) }
            guard let key = fields["key"], let token = fields["csrf"],
                  forms.verify(token, key: key, for: volunteer.tokenHash, at: services.clock.now()) else { throw .staleForm }
            try InputText.check(fields["url"], field: "url")
            try InputText.check(fields["note"], field: "note")
            let outcome = try store(url: fields["url"], note: fields["note"], volunteer: volunteer.name, key: key, source: "web")
            let seen = outcome.result.status == "already_present" && !outcome.replayed
            let cleaned = InputText.willBeCleaned(fields["url"]) || InputText.willBeCleaned(fields["note"])
            return redirect("/me?received=\(outcome.result.id)" + (seen ? "&seen=1" : "") + (cleaned ? "&cleaned=1" : ""))
        } catch {
            switch error {
            case .forbiddenCharacter, .intake, .idempotencyKeyReused, .rateLimited:
                values = Pages.FormValues(url: Self.neutralized(values.url), note: Self.neutralized(values.note))
                let submissions = (try? mySubmissions(volunteer.name)) ?? []
                var response = page(name: volunteer.name, tokenHash: volunteer.tokenHash, submissions: submissions,
                                    notice: .refused(error.sentence(exchange.language)), form: values,
                                    status: error.status, exchange)
                if case .rateLimited(let seconds) = error { response.setHeader("Retry-After", String(seconds)) }
                return response
            default:
                return refuse(error, exchange)
            }
        }
    }

    /// Validates and stores through App's intake, mapping its refusals to ours.
    func store(url: String?, note: String?, volunteer: String, key: String?, source: String) throws(Refusal) -> WebIntake.Outcome {
        do {
            return try services.intake.submit(url: url, note: note, volunteer: volunteer, idempotencyKey: key, source: source)
        } catch let error as IntakeError {
            throw .intake(error)
        } catch StoreError.idempotencyKeyReused(let id) {
            throw .idempotencyKeyReused(id)
        } catch {
            throw .unavailable
        }
    }

    func mySubmissions(_ volunteer: String) throws(Refusal) -> [SubmissionStatus] {
        do {
            return try services.intake.submissions(of: volunteer)
        } catch {
            throw .unavailable
        }
    }

    /// A browser says where a form comes from: a `Sec-Fetch-Site` other than same-origin (or none, from a
    /// person typing the address), or an `Origin` other than the host the request was sent to, is another
    /// site's form. The CSRF token is the defence that holds without these headers too.
    private func checkSameSite(_ request: HTTPRequest) throws(Refusal) {
        let site = request.header("Sec-Fetch-Site")
        if let site, site != "same-origin" && site != "none" { throw .crossSite }
        guard let origin = request.header("Origin"), !(origin == "null" && site == "same-origin") else { return }
        guard origin != "null", let host = request.header("Host"),
              let authority = URLComponents(string: origin).map({ [$0.host, $0.port.map(String.init)] }) else { throw .crossSite }
        let originAuthority = (authority[0] ?? "") + (authority[1].map { ":" + $0 } ?? "")
        guard originAuthority.lowercased() == host.lowercased() else { throw .crossSite }
    }

    private func page(name: String, tokenHash: String, submissions: [SubmissionStatus], notice: Pages.Notice?,
                      form: Pages.FormValues, status: Int, _ exchange: Exchange) -> HTTPResponse {
        let csrf = forms.issue(for: tokenHash, at: services.clock.now())
        return html(Pages.volunteer(name: name, submissions: submissions, notice: notice, form: form, csrf: csrf,
                                    language: exchange.language), status: status)
    }

    /// Refused text shown again in the form without the characters that got it refused.
    private static func neutralized(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !InputText.isRefused($0) }))
    }
}
