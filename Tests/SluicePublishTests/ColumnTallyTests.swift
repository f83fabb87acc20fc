import Foundation
import Testing
import SluicePublish

@Suite("Column tally")
struct ColumnTallyTests {
    private let order = Fixtures.categories.map(\.id)

    @Test func rollCountsEachVolunteerOncePerItemWithTheirTopCategories() {
        var items = Fixtures.sampleItems
        items.append(Fixtures.item(16, title: "第二篇内容创作", category: "content", volunteers: ["阿明", "阿明"]))
        let roll = ColumnTally.roll(of: items, categoryOrder: order)
        // 阿明: items 11, 14, 15, 16 → ecommerce 2, content 2; 小红: 11, 12; 老张: 11, 13.
        #expect(roll == [
            VolunteerCredit(name: "阿明", accepted: 4, tags: ["ecommerce", "content"]),
            VolunteerCredit(name: "小红", accepted: 2, tags: ["ecommerce", "ai_tools"]),
            VolunteerCredit(name: "老张", accepted: 2, tags: ["ecommerce", "affiliate"]),
        ])
        #expect(ColumnTally.roll(of: items, categoryOrder: order, maximumTags: 1).map(\.tags) == [["ecommerce"], ["ecommerce"], ["ecommerce"]])
        #expect(ColumnTally.roll(of: [], categoryOrder: order).isEmpty)
    }

    @Test func topSitesAreCountedAndOrdered() {
        var items = Fixtures.sampleItems
        items.append(Fixtures.item(17, title: "再一篇", category: "other", site: "zhihu.com"))
        items.append(Fixtures.item(18, title: "无站点", category: "other", site: nil))
        #expect(ColumnTally.topSites(of: items, limit: 3) == [
            SiteCount(site: "zhihu.com", count: 2), SiteCount(site: "163.com", count: 1), SiteCount(site: "36kr.com", count: 1),
        ])
        #expect(ColumnTally.topSites(of: items, limit: 0).isEmpty)
    }
}
