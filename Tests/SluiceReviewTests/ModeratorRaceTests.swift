import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceStore
@testable import SluiceReview

/// Several moderators on one store file, each on a connection of its own: claims keep them apart, version
/// checks refuse decisions on stale views, and a race on one item leaves exactly one decision.
@Suite struct ModeratorRaceTests {
    @Test func aSecondModeratorIsNotShownAClaimedItem() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let alice = ReviewSession(backend: try items.backend(), moderator: "alice")
        _ = try alice.start()
        #expect(alice.current?.id == 1)
        #expect(try items.record(1)?.claimedBy == "alice")
        let bob = try runLines(["a", "q"], backend: try items.backend(), moderator: "bob")
        #expect(bob.output.contains("── 1/2 · #2 v2"))
        #expect(!bob.output.contains("#1 v2"))
        #expect(try items.record(2)?.state == .approved)
        #expect(try items.record(2)?.claimedBy == nil, "a decision releases the claim")
        guard case .show(let message) = alice.perform(.approve) else {
            Issue.record("approve did not move on")
            return
        }
        #expect(message == "approved #1; passed over #2: item 2 cannot be reviewed in state approved")
        #expect(alice.current?.id == 3, "bob released #3 when his session ended")
        #expect(try items.record(1)?.state == .approved)
        #expect(try items.moderators() == ["bob", "alice"])
    }

    @Test func skippingOrEndingASessionReleasesTheClaim() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let alice = ReviewSession(backend: try items.backend(), moderator: "alice")
        _ = try alice.start()
        _ = alice.perform(.skip)
        #expect(alice.current?.id == 2)
        let bob = ReviewSession(backend: try items.backend(), moderator: "bob")
        _ = try bob.start()
        #expect(bob.current?.id == 1, "alice's skip released #1")
        #expect(alice.finish() == "")
        let carol = ReviewSession(backend: try items.backend(), moderator: "carol")
        _ = try carol.start()
        #expect(carol.current?.id == 2, "alice's session end released #2")
    }

    /// A session holds one claim at a time: moving on, or back to an undone item, gives up the card left.
    @Test func aSessionHoldsOnlyTheClaimOnTheCardShown() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let alice = ReviewSession(backend: try items.backend(), moderator: "alice")
        _ = try alice.start()
        #expect(alice.perform(.next) == .show(""))
        #expect(try items.store.records(state: .pendingReview).map(\.claimedBy) == [nil, "alice", nil])
        #expect(alice.perform(.approve) == .show("approved #2"))
        #expect(try items.store.records(state: .pendingReview).map(\.claimedBy) == [nil, "alice"])
        guard case .show(let undone) = alice.perform(.undo) else {
            Issue.record("undo did not show the item again")
            return
        }
        #expect(undone == "undid approved of #2")
        #expect(alice.current?.id == 2)
        #expect(try items.store.records(state: .pendingReview).map(\.claimedBy) == [nil, "alice", nil])
        #expect(alice.finish() == "")
        #expect(try items.store.records(state: .pendingReview).allSatisfy { $0.claimedBy == nil })
    }

    @Test func anItemClaimedAfterItWasListedIsPassedOverWithANote() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let bob = ReviewSession(backend: try items.backend(), moderator: "bob")
        _ = try bob.start()
        #expect(bob.current?.id == 1)
        let alice = ReviewSession(backend: try items.backend(), moderator: "alice")
        _ = try alice.start()
        #expect(alice.current?.id == 2)
        try items.backend().claim(itemID: 3, moderator: "carol")
        guard case .show(let message) = alice.perform(.skip) else {
            Issue.record("skip did not show the next card")
            return
        }
        #expect(message.contains("passed over #3: item 3 is being reviewed by carol until"))
        #expect(alice.current == nil)
    }

    @Test func aDecisionOnAStaleViewIsRefusedAndTheCardReloaded() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        // Alice's claims lapse at once, as a slow moderator's would, so carol may edit #1 under her.
        let alice = ReviewSession(backend: try items.backend(claimSeconds: 0), moderator: "alice")
        _ = try alice.start()
        _ = try items.store.edit(itemID: 1, field: .title, value: "标题被版主改过了", moderator: "carol", expectedVersion: 2)
        guard case .show(let refusal) = alice.perform(.approve) else {
            Issue.record("approve on a stale view did not answer with a message")
            return
        }
        #expect(refusal == "not saved: item 1 changed since it was shown (shown at version 2, now 3): look again and decide anew")
        #expect(try items.record(1)?.state == .pendingReview)
        #expect(alice.current?.title == "标题被版主改过了")
        #expect(alice.current?.version == 3)
        #expect(alice.perform(.approve) == .show("approved #1"))
        #expect(try items.record(1)?.state == .approved)
        #expect(try items.actions() == ["edit title", "approve"])
    }

    @Test func whenClaimsLapseTwoDecisionsOnOneItemLeaveOneWinnerAndTellTheOther() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let alice = ReviewSession(backend: try items.backend(claimSeconds: 0), moderator: "alice")
        _ = try alice.start()
        let bob = ReviewSession(backend: try items.backend(), moderator: "bob")
        _ = try bob.start()
        #expect(alice.current?.id == 1 && bob.current?.id == 1)
        #expect(bob.perform(.reject(.hypeScam, text: nil)) == .show("rejected (hype/scam) #1"))
        guard case .show(let told) = alice.perform(.approve) else {
            Issue.record("the loser was not told")
            return
        }
        #expect(told.contains("not saved: item 1 changed since it was shown (bob decided it meanwhile: reject, now rejected)"))
        #expect(told.contains("#1 is no longer in your queue"))
        #expect(told.contains("passed over #2: item 2 is being reviewed by bob"))
        #expect(alice.current?.id == 3)
        #expect(try items.record(1)?.state == .rejected)
        #expect(try items.moderators() == ["bob"])
        #expect(alice.summary == ReviewSummary())
    }

    /// Eight moderators, each on a connection of its own, approve one item at the same instant.
    @Test func decisionsAtTheSameInstantHaveExactlyOneWinner() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let backends = try (0..<8).map { _ in try items.backend(claimSeconds: 0) }
        let outcomes = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: backends.count) { worker in
            let session = ReviewSession(backend: backends[worker], moderator: "moderator\(worker)")
            guard (try? session.start()) != nil, session.current?.id == 1 else { return }
            if case .show(let message) = session.perform(.approve) {
                outcomes.withLock { $0.append(message) }
            }
        }
        let messages = outcomes.withLock { $0 }
        #expect(messages.filter { $0.hasPrefix("approved #1") }.count == 1)
        #expect(messages.filter { $0.hasPrefix("not saved") }.count == messages.count - 1)
        #expect(try items.actions() == ["approve"])
        #expect(try items.record(1)?.version == 3)
    }

    @Test func undoRestoresWhatApproveRejectAndEditChanged() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let backend = try items.backend()
        let before = try #require(try items.record(1))
        let approval = try backend.approve(itemID: 1, version: 2, moderator: "alice")
        try backend.undo(approval, moderator: "alice")
        let rejection = try backend.reject(itemID: 1, version: 4, moderator: "alice", reason: .offTopic, text: "跑题")
        #expect(try items.record(1)?.decisionReason == "off_topic")
        try backend.undo(rejection, moderator: "alice")
        let edit = try backend.edit(itemID: 1, version: 6, moderator: "alice", field: .category, value: "ai_tools")
        #expect(try items.record(1)?.category == "ai_tools")
        try backend.undo(edit, moderator: "alice")
        let after = try #require(try items.record(1))
        #expect(after.state == .pendingReview)
        #expect(after.version == 8)
        #expect(after.title == before.title && after.category == before.category)
        #expect(after.categorySource == before.categorySource)
        #expect(after.decisionReason == nil)
        #expect(try items.actions() == ["approve", "undo", "reject off_topic", "undo", "edit category", "undo"])
        #expect(throws: ReviewBackendError.nothingToUndo) { try backend.undo(edit, moderator: "alice") }
    }

    @Test func undoIsRefusedOnceTheItemChangedAgainOrForAnotherModerator() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let alice = try items.backend()
        let edit = try alice.edit(itemID: 1, version: 2, moderator: "alice", field: .title, value: "新标题")
        #expect(throws: ReviewBackendError.nothingToUndo) { try items.backend().undo(edit, moderator: "bob") }
        _ = try alice.approve(itemID: 1, version: 3, moderator: "alice")
        #expect(throws: ReviewBackendError.staleView(itemID: 1, message: "shown at version 3, now 4")) {
            try alice.undo(edit, moderator: "alice")
        }
        #expect(try items.record(1)?.title == "新标题")
    }

    @Test func anEditOnAnItemAnotherModeratorHoldsIsRefused() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        try items.backend().claim(itemID: 1, moderator: "alice")
        #expect(throws: ReviewBackendError.self) {
            try items.backend().edit(itemID: 1, version: 2, moderator: "bob", field: .title, value: "抢先改")
        }
        #expect(try items.record(1)?.title == Fixtures.queue()[0].title)
        #expect(try items.store.decisions().isEmpty)
    }
}

/// In the serialized pty suite, because it drives a raw terminal.
extension InteractiveReviewTests {
    @Test func aClaimAndADecisionSurviveAnInteractiveAndALineSessionSideBySide() throws {
        let items = try ReviewStore(cards: Fixtures.queue())
        let terminal = try PseudoTerminal()
        let original = terminal.settings
        let run = ReviewRun(backend: try items.backend(), terminal: terminal, moderator: "alice")
        terminal.waitFor("下班后做的十个副业")
        let bob = try runLines(["a", "a", "q"], backend: try items.backend(), moderator: "bob")
        #expect(!bob.output.contains("#1 v2"))
        terminal.press("a", until: "approved #1", "No more items to review.")
        terminal.type("q")
        #expect(try run.finish() == ReviewSummary(approved: 1))
        #expect(sameSettings(terminal.settings, original))
        terminal.close()
        #expect(bob.summary == ReviewSummary(approved: 2))
        #expect(Set(try items.moderators()) == ["alice", "bob"])
        #expect(try items.actions() == ["approve", "approve", "approve"])
    }
}

@Suite struct SessionQueueTests {
    @Test func itemsArrivingAfterTheQueueRanDryAreShownNext() throws {
        let items = try ReviewStore(cards: Array(Fixtures.queue().prefix(1)))
        let session = ReviewSession(backend: try items.backend(), moderator: "alice")
        _ = try session.start()
        #expect(session.perform(.approve) == .show("approved #1; no more items to review"))
        #expect(session.perform(.next) == .show("no more items"))
        try items.add(Fixtures.queue()[1])
        try items.add(Fixtures.queue()[2])
        #expect(session.perform(.next) == .show(""))
        #expect(session.current?.id == 2)
        #expect(session.perform(.previous) == .show(""))
        #expect(session.current?.id == 1)
    }
}
