import Foundation
import SluiceCore
@testable import SluiceMeasure
@testable import SluiceParse
import SluiceTestSupport
import Testing

/// Extraction time on hostile pages grows in proportion to the page. Each shape is timed at a size and at
/// four times it within the test (the best of several runs of each, alternating), so machine speed and load
/// cancel out: linear work grows about 4×, quadratic 16×. On a machine shared with other work a burst of load
/// can still land on one size, so a growth of 10× or more is measured again (up to three times) before the test
/// fails: a quadratic cost fails every time. The full-size timings are printed by `sluice bench parse --hostile`.
@Suite(.serialized) struct ScalingTests {
    @Test(arguments: HostileShape.allCases)
    func extractionTimeGrowsLinearly(shape: HostileShape) {
        // A thirty-second of the reported size keeps the test quick in a debug build; nested tags come in
        // runs of 200, so they need more for the two sizes to be four times apart.
        let count = shape == .nestedInlineTags ? shape.reportedCount / 8 : shape.reportedCount / 32
        var row = ScalingBenchmark.measure(shape, count: count, repetitions: 3)
        for _ in 0..<2 where row.growth >= 10 { row = ScalingBenchmark.measure(shape, count: count, repetitions: 5) }
        #expect(row.growth < 10, "\(shape.rawValue): \(row.seconds)s at \(row.bytes) bytes, \(row.largeSeconds)s at \(row.largeBytes)")
    }

    @Test func hostilePagesStillGiveTheirFields() throws {
        for shape in HostileShape.allCases {
            let page = try Extractor().extract(html: shape.html(count: shape.reportedCount / 16), baseURL: nil)
            #expect(page.title == "Hostile page", "\(shape.rawValue)")
        }
        let crowded = try Extractor().extract(html: HostileShape.attributesOnOneElement.html(count: 1_000), baseURL: nil)
        #expect(crowded.mainText == "text")
        #expect(crowded.warnings.contains { $0.contains("more than 128 attributes") })
    }
}

/// The limits applied before libxml2 parses: what is cut, and that tags are found the way libxml2 finds them.
@Suite struct MarkupLimitsTests {
    func attributes(_ count: Int, prefix: String = "a") -> String {
        (0..<count).map { "\(prefix)\($0)=\"v\"" }.joined(separator: " ")
    }

    @Test func pagesWithinTheLimitsAreLeftAsTheyAre() {
        let html = "<html><body><div class=\"x\" \(attributes(127))>text</div><!-- <p \(attributes(200))> --></body></html>"
        let (limited, cuts) = MarkupLimits.apply(to: html)
        #expect(limited == html)
        #expect(cuts.isEmpty)
    }

    @Test func attributesPastTheLimitAreCutAndTheTagStillCloses() throws {
        let html = "<html><body><div \(attributes(300)) id=\"last\">kept text</div><p>after</p></body></html>"
        let (limited, cuts) = MarkupLimits.apply(to: html)
        #expect(cuts.longTags == 1)
        #expect(limited.contains("a127=\"v\""))
        #expect(!limited.contains("a128="))
        #expect(!limited.contains("id=\"last\""))
        #expect(limited.contains("kept text</div><p>after</p>"))
    }

    @Test func quotedValuesMayHoldAngleBrackets() {
        let html = "<div title=\"a > b\" \(attributes(200))>x</div>"
        let (limited, cuts) = MarkupLimits.apply(to: html)
        #expect(cuts.longTags == 1)
        #expect(limited.hasPrefix("<div title=\"a > b\" a0="))
        #expect(limited.hasSuffix(">x</div>"))
    }

    /// Markup libxml2 reads as text or raw text is not a tag to the scan either, and a quote outside a tag
    /// cannot hide the tags after it.
    @Test(arguments: [
        "<script>var s = '<div \(String(repeating: "a ", count: 3))';</script>",
        "<style>p { content: \"x\" }</style>",
        "<p>it's \"quoted\" text</p>",
        "<!x \"><p>",
        "</3 \">",
        "<? \">",
    ])
    func onlyRealTagsAreCut(prefix: String) {
        let html = prefix + "<div \(attributes(150))>x</div>"
        let (limited, cuts) = MarkupLimits.apply(to: html)
        #expect(cuts.longTags == 1, "\(prefix)")
        #expect(limited.hasPrefix(prefix))
        #expect(!limited.contains("a149"))
    }

    @Test func scriptTextIsNotCut() {
        let script = "<script>document.write('<div \(attributes(200))>');</script>"
        let (limited, cuts) = MarkupLimits.apply(to: script + "<p>x</p>")
        #expect(cuts.isEmpty)
        #expect(limited == script + "<p>x</p>")
    }

    @Test func aNulByteEndsTheTagAsInLibxml2() {
        let html = "<p title=\"x\u{0}\"><div \(attributes(150))>y</div>"
        #expect(MarkupLimits.apply(to: html).cuts.longTags == 1)
    }

    @Test func namesPastTheBudgetAreCutButReadAttributesStay() {
        let elements = (0..<600).map { "<e\($0) k\($0)=\"1\" class=\"c\">t</e\($0)>" }.joined()
        let (limited, cuts) = MarkupLimits.apply(to: "<div>" + elements + "</div>")
        #expect(cuts.unseenNames > 0)
        #expect(limited.contains("<e10 k10=\"1\" class=\"c\">t</e10>"))
        #expect(!limited.contains("<e599"))
        #expect(!limited.contains("</e599>"))
        #expect(limited.contains("t</div>"))
    }

    @Test(.needsCorpus) func everyCorpusPageIsLeftAsItIs() throws {
        let corpus = try #require(SharedCorpus.directory)
        for page in try CorpusPage.all(in: corpus) {
            let text = CorpusDecoder.decode(page.bytes).text
            let (limited, cuts) = MarkupLimits.apply(to: text)
            #expect(cuts.isEmpty && limited == text, "\(page.set)/\(page.id)")
        }
    }
}
