import Foundation
import Synchronization
import Testing
@testable import SluiceReview

/// Several moderators on one store: claims keep them apart, version checks refuse decisions on stale views.
@Suite struct ModeratorRaceTests {
    @Test func aSecondModeratorIsNotShownAClaimedItem() throws {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue())
        let alice = ReviewSession(backend: backend, moderator: "alice")
        _ = try alice.start()
        #expect(alice.current?.id == 1)
        let bob = try runLines(["a", "q"], backend: backend, moderator: "bob")
        #expect(bob.output.contains("── 1/2 · #2 v1"))
        #expect(!bob.output.contains("#1 v1"))
        #expect(backend.card(2)?.state == "approved")
        guard case .show(let message) = alice.perform(.approve) else {
            Issue.record("approve did not move on")
            return
        }
        #expect(message.hasPrefix("approved #1; passed over #2: item 2 is being reviewed by bob"))
        #expect(alice.current?.id == 3, "bob released #3 when his session ended")
        #expect(backend.card(1)?.state == "approved")
    }

    @Test func skippingOrEndingASessionReleasesTheClaim() throws {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue())
        let alice = ReviewSession(backend: backend, moderator: "alice")
        _ = try alice.start()
        _ = alice.perform(.skip)
        #expect(alice.current?.id == 2)
        let bob = ReviewSession(backend: backend, moderator: "bob")
        _ = try bob.start()
        #expect(bob.current?.id == 1, "alice's skip released #1")
        #expect(alice.finish() == "")
        let carol = ReviewSession(backend: backend, moderator: "carol")
        _ = try carol.start()
        #expect(carol.current?.id == 2, "alice's session end released #2")
    }

    @Test func anItemClaimedAfterItWasListedIsPassedOverWithANote() throws {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue())
        let bob = ReviewSession(backend: backend, moderator: "bob")
        _ = try bob.start()
        #expect(bob.current?.id == 1)
        let alice = ReviewSession(backend: backend, moderator: "alice")
        _ = try alice.start()
        #expect(alice.current?.id == 2)
        try backend.claim(itemID: 3, moderator: "carol")
        guard case .show(let message) = alice.perform(.skip) else {
            Issue.record("skip did not show the next card")
            return
        }
        #expect(message.contains("passed over #3: item 3 is being reviewed by carol until"))
        #expect(alice.current == nil)
    }

    @Test func aDecisionOnAStaleViewIsRefusedAndTheCardReloaded() throws {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue())
        let alice = ReviewSession(backend: backend, moderator: "alice")
        _ = try alice.start()
        backend.touch(1) { $0.title = "标题被志愿者改过了" }
        guard case .show(let refusal) = alice.perform(.approve) else {
            Issue.record("approve on a stale view did not answer with a message")
            return
        }
        #expect(refusal.contains("not saved: item 1 changed since it was shown (shown at version 1, now 2)"))
        #expect(backend.card(1)?.state == "pending_review")
        #expect(alice.current?.title == "标题被志愿者改过了")
        #expect(alice.current?.version == 2)
        #expect(alice.perform(.approve) == .show("approved #1; "))
        #expect(backend.card(1)?.state == "approved")
    }

    @Test func whenClaimsLapseTwoDecisionsOnOneItemLeaveOneWinnerAndTellTheOther() throws {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue(), claimDuration: 60)
        let alice = ReviewSession(backend: backend, moderator: "alice")
        _ = try alice.start()
        backend.advanceClock(by: 61)
        let bob = ReviewSession(backend: backend, moderator: "bob")
        _ = try bob.start()
        #expect(alice.current?.id == 1 && bob.current?.id == 1)
        #expect(bob.perform(.reject(.hypeScam, text: nil)) == .show("rejected (hype/scam) #1; "))
        guard case .show(let told) = alice.perform(.approve) else {
            Issue.record("the loser was not told")
            return
        }
        #expect(told.contains("not saved: item 1 changed since it was shown (shown at version 1, now 2)"))
        #expect(told.contains("#1 is no longer in your queue"))
        #expect(told.contains("passed over #2: item 2 is being reviewed by bob"))
        #expect(alice.current?.id == 3)
        #expect(backend.card(1)?.state == "rejected")
        #expect(backend.decisions.map(\.moderator) == ["bob"])
        #expect(alice.summary == ReviewSummary())
    }

    @Test func decisionsAtTheSameInstantHaveExactlyOneWinner() {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue(), claimDuration: 0)
        let outcomes = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let moderator = "moderator\(worker)"
            let session = ReviewSession(backend: backend, moderator: moderator)
            guard (try? session.start()) != nil, session.current?.id == 1 else { return }
            if case .show(let message) = session.perform(.approve) {
                outcomes.withLock { $0.append(message) }
            }
        }
        let messages = outcomes.withLock { $0 }
        #expect(messages.filter { $0.hasPrefix("approved #1") }.count == 1)
        #expect(messages.filter { $0.hasPrefix("not saved") }.count == messages.count - 1)
        #expect(backend.decisions.count == 1)
    }
}

/// In the serialized pty suite, because it drives a raw terminal.
extension InteractiveReviewTests {
    @Test func aClaimAndADecisionSurviveAnInteractiveAndALineSessionSideBySide() throws {
        let backend = InMemoryReviewBackend(cards: Fixtures.queue())
        let terminal = try PseudoTerminal()
        let original = terminal.settings
        let run = ReviewRun(backend: backend, terminal: terminal, moderator: "alice")
        terminal.waitFor("下班后做的十个副业")
        let bob = try runLines(["a", "a", "q"], backend: backend, moderator: "bob")
        #expect(!bob.output.contains("#1 v1"))
        terminal.press("a", until: "approved #1", "No more items to review.")
        terminal.type("q")
        #expect(try run.finish() == ReviewSummary(approved: 1))
        #expect(sameSettings(terminal.settings, original))
        terminal.close()
        #expect(bob.summary == ReviewSummary(approved: 2))
        #expect(Set(backend.decisions.map(\.moderator)) == ["alice", "bob"])
        #expect(backend.decisions.count == 3)
    }
}

@Suite struct SessionQueueTests {
    @Test func itemsArrivingAfterTheQueueRanDryAreShownNext() throws {
        let backend = InMemoryReviewBackend(cards: Array(Fixtures.queue().prefix(1)))
        let session = ReviewSession(backend: backend, moderator: "alice")
        _ = try session.start()
        #expect(session.perform(.approve) == .show("approved #1; no more items to review"))
        #expect(session.perform(.next) == .show("no more items"))
        backend.add(Fixtures.queue()[1])
        backend.add(Fixtures.queue()[2])
        #expect(session.perform(.next) == .show(""))
        #expect(session.current?.id == 2)
        #expect(session.perform(.previous) == .show(""))
        #expect(session.current?.id == 1)
    }
}
