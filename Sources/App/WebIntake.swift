import Foundation
import SluiceCore
import SluiceIntake

/// Invitations instead of accounts: a volunteer gets a personal link holding a random token; the store keeps
/// only the token's SHA-256, so the link is the only copy. One live link per volunteer; a new invitation
/// ends the old one, `revoke` ends it without a new one.
public struct InvitationService: Sendable {
    let store: any InvitationStore
    let clock: any TimeSource
    let validator: SubmissionValidator

    public init(store: any InvitationStore, clock: any TimeSource = SystemClock(),
                validator: SubmissionValidator = SubmissionValidator()) {
        self.store = store
        self.clock = clock
        self.validator = validator
    }

    /// What `volunteer invite --json` prints. The token is shown this once and never stored.
    public struct Issued: Sendable, Encodable, Equatable {
        public var volunteer: String
        public var link: String
        public var token: String
    }

    /// A new invitation for `volunteer` (named as intake names them: cleaned, at most 64 characters); the link
    /// is `baseURL` + `v/` + token. Throws `IntakeError` for a name intake would refuse.
    public func invite(volunteer: String, baseURL: String) throws -> Issued {
        let name = try validator.volunteerName(volunteer)
        let token = Secrets.token()
        try store.invite(volunteer: name, tokenSHA256: Secrets.hash(token), at: clock.now())
        return Issued(volunteer: name, link: baseURL + InvitationService.linkPath + token, token: token)
    }

    /// Ends the volunteer's link; false when they had no live one.
    public func revoke(volunteer: String) throws -> Bool {
        try store.revokeInvitations(volunteer: TextCleaning.line(volunteer, limit: Int.max), at: clock.now()) > 0
    }

    /// The volunteer a presented token belongs to, nil for a token never issued or revoked. The store finds
    /// the row by the token's hash; the hashes are then compared in constant time as well.
    public func volunteer(presenting token: String) throws -> String? {
        guard token.utf8.count >= 16, token.utf8.count <= 128 else { return nil }
        let hash = Secrets.hash(token)
        guard let invitation = try store.invitation(tokenSHA256: hash),
              Secrets.equal(invitation.tokenSHA256, hash) else { return nil }
        return invitation.volunteer
    }

    /// Where an invitation link points under the base URL.
    public static let linkPath = "v/"
}

/// Submissions from the web: the page's form and the API. The same validation and store as `sluice submit`
/// (`IntakeService`), under an idempotency key so a double tap, a retry or a replayed form never stores
/// two; a volunteer sees only their own submissions.
public struct WebIntake: Sendable {
    let intake: IntakeService
    let volunteers: VolunteerService

    public init(intake: IntakeService, volunteers: VolunteerService) {
        self.intake = intake
        self.volunteers = volunteers
    }

    /// What a web submission did: the `submit --json` shape, and whether it was a retry of an earlier one.
    public struct Outcome: Sendable, Equatable {
        public var result: IntakeService.SubmitResult
        public var replayed: Bool
    }

    /// Validates and stores one submission of `volunteer` under `idempotencyKey` (any client-chosen text;
    /// only its SHA-256 is stored; without one, the same volunteer, URL and note are still stored once).
    /// Throws `IntakeError` for what the validator refuses and `StoreError.idempotencyKeyReused` for a key
    /// sent before with other content.
    public func submit(url: String?, note: String?, volunteer: String, idempotencyKey: String?, source: String) throws -> Outcome {
        guard let idempotencyKey else {
            return Outcome(result: try intake.submit(url: url, note: note, volunteer: volunteer, source: source), replayed: false)
        }
        return try intake.submit(url: url, note: note, volunteer: volunteer, source: source, idempotencyKey: idempotencyKey)
    }

    /// Every submission of the volunteer, newest first (the page lists the latest on top).
    public func submissions(of volunteer: String) throws -> [SubmissionStatus] {
        (try volunteers.status(of: volunteer) ?? []).reversed()
    }

    /// One of the volunteer's own submissions; nil when it does not exist or is someone else's.
    public func submission(id: Int64, of volunteer: String) throws -> SubmissionStatus? {
        try volunteers.status(of: volunteer)?.first { $0.id == id }
    }
}

extension IntakeService {
    /// `submit` under an idempotency key: the key (hashed) and the request it came with are stored in the
    /// submission's own transaction.
    public func submit(url: String?, note: String?, volunteer: String, source: String,
                       idempotencyKey: String) throws -> WebIntake.Outcome {
        let submission = try validator.validate(url: url, note: note, volunteer: volunteer, source: source)
        let request = Secrets.hash([submission.url ?? "", submission.note ?? ""].joined(separator: "\u{1F}"))
        let key = IdempotencyKey(keySHA256: Secrets.hash(idempotencyKey), requestSHA256: request)
        let keys = submission.url.map { url in canonicalizer?.identityKeys(submitted: url).map(\.value) ?? [] } ?? []
        let receipt = try store.submit(submission, urlKeys: keys, refetchKnown: false, idempotency: key, at: clock.now())
        return WebIntake.Outcome(result: result(of: receipt, source: submission.source), replayed: receipt.replayed)
    }
}
