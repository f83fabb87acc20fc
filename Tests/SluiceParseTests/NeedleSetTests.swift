import Foundation
@testable import SluiceParse
import Testing

@Suite struct NeedleSetTests {
    @Test func reportsEveryCategoryFoundWithoutCaseWhereverItOccurs() {
        let set = NeedleSet(categories: [(["Display:None", "sidebar"], 1), (["刚刚", "ago"], 2), (["comment"], 4)])
        #expect(set.categories(in: "STYLE=\"DISPLAY:NONE\"") == 1, "needles and text compare without case")
        #expect(set.categories(in: "发布于刚刚") == 2)
        #expect(set.categories(in: "3 days AGO, in the Sidebar") == 3)
        #expect(set.categories(in: "no marker here") == 0)
        #expect(set.categories(in: nil) == 0)
        #expect(set.categories(in: "") == 0)
        let long = String(repeating: "x", count: 100_003) + "comment"
        #expect(set.categories(in: long) == 4, "a needle closing a long text")
        #expect(set.categories(in: String(long.dropLast())) == 0, "a needle cut short at the end")
    }
}
