import SluiceCore
import Foundation
import Testing
import SluicePublish

@Suite("Evidence and source checks")
struct EvidenceTests {
    private let text = "正文第一段。\n\n正文第二段，含数字 10000 元。"

    @Test func frozenEvidenceDigestsTheStoredText() {
        let evidence = FrozenEvidence(text: text, sanitizedHTML: "<p>正文第一段。</p>", capturedAt: Fixtures.day(1))
        #expect(evidence.textSHA256 == SHA256.hex(Data(text.utf8)))
        #expect(evidence.htmlSHA256 == SHA256.hex(Data("<p>正文第一段。</p>".utf8)))
        #expect(evidence.isIntact)
        var tampered = evidence
        tampered.text += "。"
        #expect(!tampered.isIntact)
    }

    @Test func statusesAndBodiesMapToStates() {
        let digest = SHA256.hex(Data(text.utf8))
        #expect(SourceCheck.state(status: 304, text: nil, evidenceSHA256: digest) == .alive)
        #expect(SourceCheck.state(status: 404, text: nil, evidenceSHA256: digest) == .deleted)
        #expect(SourceCheck.state(status: 410, text: nil, evidenceSHA256: digest) == .deleted)
        #expect(SourceCheck.state(status: 200, text: text, evidenceSHA256: digest) == .alive)
        #expect(SourceCheck.state(status: 200, text: text + "补充", evidenceSHA256: digest) == .changed)
        #expect(SourceCheck.state(status: 200, text: "该内容已被发布者删除", evidenceSHA256: digest) == .deleted)
        #expect(SourceCheck.state(status: 200, text: text, evidenceSHA256: nil) == .alive)
        for unknown in [500, 503, 429, 403, 302] {
            #expect(SourceCheck.state(status: unknown, text: text, evidenceSHA256: digest) == nil, "\(unknown)")
        }
    }

    @Test func aLongArticleQuotingANoticeIsNotADeletion() {
        let article = String(repeating: "一篇讲公众号运营的长文。", count: 30) + "有读者看到“该内容已被发布者删除”的提示。"
        #expect(SourceCheck.state(status: 200, text: article, evidenceSHA256: SHA256.hex(Data(article.utf8))) == .alive)
    }
}
