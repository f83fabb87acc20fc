import Foundation
import SluiceCore

/// The attempts behind a failure, in the compact form a failure message carries: a failed item keeps no
/// capture (there was no response to keep), so its message is where its attempts and their errors are
/// recorded. A capture keeps them whole in `Capture.attempts`.
public enum AttemptLog {
    /// `" after 3 attempts: timeout at 0.0 s, timeout at 0.6 s, HTTP 503 at 1.9 s"`, each attempt with its
    /// error (or status) and when it started, counted from the first; empty for a single attempt, whose
    /// error the message already names.
    public static func suffix(_ attempts: [FetchAttempt]) -> String {
        guard attempts.count > 1, let first = attempts.first?.startedAt else { return "" }
        let steps = attempts.map { attempt in
            let what = attempt.status.map { "HTTP \($0)" } ?? attempt.problem?.rawValue ?? "no answer"
            return what + String(format: " at %.1f s", attempt.startedAt.timeIntervalSince(first))
        }
        return " after \(attempts.count) attempts: " + steps.joined(separator: ", ")
    }
}
