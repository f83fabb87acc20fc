import Foundation
import SluiceCore
import Testing

@Suite struct LiteralSearchTests {
    /// The literal search answers as Foundation's `contains` does on cleaned text, at every place a needle can be.
    @Test func agreesWithFoundationOnTextAndItsSlices() {
        let text = "暴利项目揭秘：日入过万? Side hustle ideas, 2024 edition — 淘宝客"
        let needles = ["", "暴利", "淘宝客", "日入过万?", "Side", "edition —", "客", "2025", "side", "淘宝客!", text, text + "x"]
        for needle in needles {
            #expect(text.containsLiterally(needle) == text.contains(needle), "needle \(needle)")
            let slice = text.dropFirst(2)
            #expect(slice.containsLiterally(needle) == slice.contains(needle), "needle \(needle) in a slice")
        }
    }

    @Test func findsAMatchThatEndsTheTextAndNoPartialOne() {
        #expect("abcabd".containsLiterally("abd"))
        #expect(!"abcab".containsLiterally("abd"))
        #expect(!"".containsLiterally("a"))
        #expect(!"".containsLiterally(""), "an empty needle is not found, as with Foundation")
    }
}
