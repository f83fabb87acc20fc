import Foundation
import Testing
import SluiceCore

/// The domain rules the stores rely on, as plain Swift: no database involved.
@Suite struct DomainRuleTests {
    let base = Date(timeIntervalSince1970: 1_764_000_000)

    @Test func theEarliestSubmissionComesFirstThenTheLowestID() {
        #expect(ClusterOrder.precedes(9, submittedAt: base, 2, submittedAt: base.addingTimeInterval(1)))
        #expect(!ClusterOrder.precedes(2, submittedAt: base.addingTimeInterval(1), 9, submittedAt: base))
        #expect(ClusterOrder.precedes(2, submittedAt: base, 9, submittedAt: base))
        #expect(!ClusterOrder.precedes(9, submittedAt: base, 2, submittedAt: base))
        let candidates = [DedupCandidate(itemID: 5, state: .pendingReview, key: "k", submittedAt: base.addingTimeInterval(60)),
                          DedupCandidate(itemID: 7, state: .pendingReview, key: "k", submittedAt: base),
                          DedupCandidate(itemID: 3, state: .approved, key: "k", submittedAt: base)]
        #expect(ClusterOrder.earliest(candidates)?.itemID == 3)
        let reports = [Report(volunteer: "后", url: nil, note: nil, submittedAt: base.addingTimeInterval(5), itemID: 1),
                       Report(volunteer: "先", url: nil, note: nil, submittedAt: base, itemID: 2)]
        #expect(ClusterOrder.sorted(reports).map(\.volunteer) == ["先", "后"])
    }

    @Test func onlyAnUndecidedRootGivesWay() {
        #expect(ClusterOrder.mayReroot(rootState: .pendingReview))
        #expect(ClusterOrder.mayReroot(rootState: .deduplicated))
        for state in [ItemState.approved, .rejected, .published, .duplicate, .failed] {
            #expect(!ClusterOrder.mayReroot(rootState: state), "\(state)")
        }
    }

    @Test func publishableMeansApprovedWithoutALiveLedgerEntry() {
        #expect(Publishability.isPublishable(state: .approved, hasLiveLedgerEntry: false))
        #expect(!Publishability.isPublishable(state: .approved, hasLiveLedgerEntry: true))
        for state in ItemState.allCases where state != .approved {
            #expect(!Publishability.isPublishable(state: state, hasLiveLedgerEntry: false), "\(state)")
        }
    }

    @Test func onlyAnotherModeratorsLiveClaimBlocks() {
        #expect(ReviewClaim.blocks(holder: "甲", until: 100, moderator: "乙", serverNow: 99))
        #expect(!ReviewClaim.blocks(holder: "甲", until: 100, moderator: "乙", serverNow: 100))
        #expect(!ReviewClaim.blocks(holder: "甲", until: 100, moderator: "甲", serverNow: 50))
        #expect(!ReviewClaim.blocks(holder: nil, until: nil, moderator: "乙", serverNow: 50))
    }

    @Test func aSelectionMatchesWhatEveryConditionNames() {
        func record(_ id: Int64, volunteer: String, url: String?, flags: [String], problem: ProblemCode?, root: Int64? = nil) -> ItemRecord {
            ItemRecord(id: id, state: .pendingReview, version: 2, url: url, finalURL: nil, canonicalURL: nil, title: nil,
                       description: nil, site: nil, excerpt: nil, category: nil, categorySource: nil,
                       flags: flags.map { RiskFlag(family: $0, rule: $0, matched: $0) }, matchedTerms: [], ruleVersion: nil,
                       pApprove: nil, priority: 0, error: problem.map { Problem($0, stage: .fetch, message: "") },
                       duplicateOf: root, duplicateKind: nil, volunteer: volunteer, note: nil, submittedAt: base,
                       updatedAt: base,
                       reports: [Report(volunteer: volunteer, url: url, note: nil, submittedAt: base, itemID: id)],
                       claimedBy: nil, claimedUntil: nil, decisionReason: nil)
        }
        let items = [record(1, volunteer: "小明", url: "https://www.36kr.com/p/1", flags: ["hype"], problem: nil),
                     record(2, volunteer: "小红", url: "https://mp.weixin.qq.com/s/x", flags: [], problem: .captcha),
                     record(3, volunteer: "小明", url: nil, flags: [], problem: nil, root: 1)]
        func ids(_ selection: ReviewSelection) -> [Int64] { items.filter(selection.matches).map(\.id) }
        #expect(ids(ReviewSelection()) == [1, 2, 3])
        #expect(ids(ReviewSelection(volunteer: "小明")) == [1, 3])
        #expect(ids(ReviewSelection(site: "mp.weixin.qq.com")) == [2])
        #expect(ids(ReviewSelection(flag: "any")) == [1])
        #expect(ids(ReviewSelection(flag: "none")) == [2, 3])
        #expect(ids(ReviewSelection(cluster: 1)) == [1, 3])
        #expect(ids(ReviewSelection(problem: "captcha")) == [2])
        #expect(ids(ReviewSelection(volunteer: "小明", flag: "hype")) == [1])
        #expect(ReviewSelection(volunteer: "小明", flag: "hype").description == "volunteer=小明, flag=hype")
    }

    @Test func theStateMachineAllowsWhatTheStagesDo() {
        #expect(ItemState.submitted.canMove(to: .duplicate))
        #expect(ItemState.deduplicated.canMove(to: .duplicate))
        #expect(ItemState.pendingReview.canMove(to: .approved))
        #expect(!ItemState.published.canMove(to: .rejected))
        #expect(!ItemState.failed.canMove(to: .published))
    }
}
