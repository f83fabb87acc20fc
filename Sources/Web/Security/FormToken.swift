import Foundation
import SluiceCore

/// The CSRF token of the volunteer's form: the form's idempotency key, when it was issued, and an
/// HMAC-SHA256 over both and the volunteer's token hash under a key of this server process. A token only
/// passes for the volunteer it was made for, within `lifetime`, and only with its own idempotency key, so a
/// replayed form can at most repeat its own submission (which the store answers with the item it already
/// has) and a form from another page, site or volunteer is refused.
struct FormToken: Sendable {
    private let key: [UInt8]
    let lifetime: TimeInterval

    init(lifetime: TimeInterval = 6 * 3600) {
        var generator = SystemRandomNumberGenerator()
        key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.lifetime = lifetime
    }

    /// A new idempotency key and the token that goes with it, for one rendering of the form.
    func issue(for volunteerTokenHash: String, at now: Date) -> (key: String, token: String) {
        let idempotencyKey = Secrets.token(bytes: 16)
        let issued = String(Int64(now.timeIntervalSince1970))
        return (idempotencyKey, issued + "." + signature(volunteerTokenHash, idempotencyKey, issued))
    }

    /// Whether `token` was issued by this process for this volunteer and key, and has not expired.
    func verify(_ token: String, key idempotencyKey: String, for volunteerTokenHash: String, at now: Date) -> Bool {
        let parts = token.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let issued = Int64(parts[0]) else { return false }
        let age = now.timeIntervalSince1970 - Double(issued)
        guard age >= -60, age <= lifetime else { return false }
        return Secrets.equal(parts[1], signature(volunteerTokenHash, idempotencyKey, parts[0]))
    }

    private func signature(_ volunteerTokenHash: String, _ idempotencyKey: String, _ issued: String) -> String {
        let message = ["sluice-form", volunteerTokenHash, idempotencyKey, issued].joined(separator: "\u{1F}")
        return Secrets.base64URL(Secrets.hmac(key: key, message: Array(message.utf8)))
    }
}
