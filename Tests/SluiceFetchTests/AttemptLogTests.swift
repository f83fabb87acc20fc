import Foundation
import SluiceCore
import SluiceFetch
import Testing

@Suite struct AttemptLogTests {
    @Test func eachAttemptShowsItsErrorOrStatusAndWhenItStarted() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let attempts = [
            FetchAttempt(startedAt: start, status: nil, problem: .timeout, message: "timed out"),
            FetchAttempt(startedAt: start + 0.64, status: 503, problem: .http5xx, message: "HTTP 503"),
            FetchAttempt(startedAt: start + 1.93, status: nil, problem: .connect, message: "refused"),
        ]
        #expect(AttemptLog.suffix(attempts) == " after 3 attempts: timeout at 0.0 s, HTTP 503 at 0.6 s, connect at 1.9 s")
    }

    @Test func aSingleAttemptAddsNothing() {
        let once = [FetchAttempt(startedAt: Date(), status: nil, problem: .dns, message: "no such host")]
        #expect(AttemptLog.suffix(once).isEmpty)
        #expect(AttemptLog.suffix([]).isEmpty)
    }
}
