import Foundation
import Testing
import SluicePublish

@Suite("Slug")
struct SlugTests {
    @Test(arguments: [
        ("抖音小店新手开店指南：选品与定价", "抖音小店新手开店指南-选品与定价"),
        ("用 AI 生成商品图，成本降到 1/10", "用-ai-生成商品图-成本降到-1-10"),
        ("ＡＩ工具 Ｔｏｐ１０", "ai工具-top10"),
        ("Café crème à Paris", "cafe-creme-a-paris"),
        ("副業 ブログ と 한국어 제목", "副業-ブログ-と-한국어-제목"),
        ("../../etc/passwd", "etc-passwd"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("\u{202E}反转\u{200B}标题\u{0}", "反转-标题"),
    ])
    func slugs(title: String, expected: String) {
        let slug = Slug.make(title: title, id: 7, taken: [])
        #expect(slug == expected)
        #expect(Slug.isWellFormed(slug))
    }

    @Test func titlesWithoutKeptCharactersFallBackToTheID() {
        #expect(Slug.make(title: "!!! ??? 🔥🔥", id: 42, taken: []) == "item-42")
        #expect(Slug.make(title: "", id: 42, taken: []) == "item-42")
    }

    @Test func collisionsAreResolvedStably() {
        let first = Slug.make(title: "日入过万的真相", id: 1, taken: [])
        let second = Slug.make(title: "日入过万的真相", id: 2, taken: [first])
        let third = Slug.make(title: "日入过万的真相！", id: 2, taken: [first, second])
        #expect(first == "日入过万的真相")
        #expect(second == "日入过万的真相-2")
        #expect(third == "日入过万的真相-2-2")
        #expect(Set([first, second, third]).count == 3)
        #expect(Slug.make(title: "日入过万的真相", id: 2, taken: [first]) == second, "the same input gives the same slug")
    }

    @Test func longTitlesAreCut() {
        let slug = Slug.make(title: String(repeating: "赚钱", count: 100), id: 1, taken: [])
        #expect(slug.count == Slug.maximumLength)
    }

    @Test func wellFormednessRefusesWhatMakeNeverProduces() {
        for bad in ["", "-a", "a-", "a--b", "a/b", "A", "a.b", "a b"] {
            #expect(!Slug.isWellFormed(bad), "\(bad)")
        }
    }
}
