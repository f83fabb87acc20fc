import Foundation
import SluiceApp
import SluiceCore

/// The API for bots and scripts: the volunteer's invitation token as `Authorization: Bearer`, JSON in and
/// out, the same validation and store as the page and the CLI. No cookie is read here, so no other site's
/// page can make a browser call it.
extension WebApplication {
    /// What `POST /api/v1/submissions` answers: `submit --json`'s fields and whether this was a retry.
    struct SubmissionAnswer: Encodable {
        var result: IntakeService.SubmitResult
        var replayed: Bool
        /// Intake removed control or invisible characters from the URL or note before storing it.
        var cleaned: Bool

        enum CodingKeys: String, CodingKey {
            case replayed, cleaned
        }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(replayed, forKey: .replayed)
            try container.encode(cleaned, forKey: .cleaned)
        }
    }

    struct MySubmissions: Encodable {
        var volunteer: String
        var submissions: [SubmissionStatus]
    }

    private func bearerVolunteer(_ exchange: Exchange) throws(Refusal) -> String {
        guard let token = RequestDecoding.bearer(exchange.request.header("Authorization")),
              let name = try volunteer(presenting: token) else { throw .invalidToken }
        return name
    }

    func apiSubmit(_ exchange: inout Exchange) -> HTTPResponse {
        do throws(Refusal) {
            let volunteer = try bearerVolunteer(exchange)
            exchange.volunteer = volunteer
            if let wait = volunteerLimiter.admit("volunteer:" + volunteer) { throw .rateLimited(retryAfter: wait) }
            guard RequestDecoding.mediaType(exchange.request.header("Content-Type")) == "application/json" else {
                throw .unsupportedMediaType(expected: "application/json")
            }
            let key = exchange.request.header("Idempotency-Key")
            if let key, key.isEmpty || key.utf8.count > 200 || !key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                throw .badIdempotencyKey
            }
            let (url, note) = try Self.submissionFields(exchange.request.body)
            try InputText.check(url, field: "url")
            try InputText.check(note, field: "note")
            let outcome = try store(url: url, note: note, volunteer: volunteer, key: key, source: "api")
            let cleaned = InputText.willBeCleaned(url) || InputText.willBeCleaned(note)
            var response = json(SubmissionAnswer(result: outcome.result, replayed: outcome.replayed, cleaned: cleaned),
                                status: outcome.result.status == "already_present" ? 200 : 201)
            response.setHeader("Location", "/api/v1/submissions/\(outcome.result.id)")
            return response
        } catch {
            return refuse(error, exchange)
        }
    }

    /// `{"url": …, "note": …}`: an object whose only fields are these two, each a string or null.
    static func submissionFields(_ body: Data) throws(Refusal) -> (url: String?, note: String?) {
        guard String(validating: body, as: UTF8.self) != nil,
              let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { throw .invalidJSON }
        for (name, value) in object {
            guard name == "url" || name == "note" else { throw .jsonField(Self.printable(name)) }
            guard value is String || value is NSNull else { throw .jsonField(name) }
        }
        return (object["url"] as? String, object["note"] as? String)
    }

    func apiSubmission(_ text: String, _ exchange: inout Exchange) -> HTTPResponse {
        exchange.isAPI = true
        do throws(Refusal) {
            let volunteer = try bearerVolunteer(exchange)
            exchange.volunteer = volunteer
            guard let id = Int64(text), id > 0 else { throw .notFound }
            guard let status = try mySubmissions(volunteer).first(where: { $0.id == id }) else { throw .unknownSubmission(id) }
            return json(status)
        } catch {
            return refuse(error, exchange)
        }
    }

    func apiMySubmissions(_ exchange: inout Exchange) -> HTTPResponse {
        do throws(Refusal) {
            let volunteer = try bearerVolunteer(exchange)
            exchange.volunteer = volunteer
            return json(MySubmissions(volunteer: volunteer, submissions: try mySubmissions(volunteer)))
        } catch {
            return refuse(error, exchange)
        }
    }
}
