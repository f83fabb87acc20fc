import Foundation
import Testing
import SluicePublish

/// Editors diff drafts: the same store must give byte-identical output, whatever order the store hands
/// rows over in, and after the column has been saved and loaded again.
@Suite("Deterministic output")
struct DeterminismTests {
    private static func reordered(_ column: Column) -> Column {
        var copy = column
        copy.items.reverse()
        copy.roll.reverse()
        copy.figures.topSites.reverse()
        return copy
    }

    @Test(arguments: ColumnFormat.allCases)
    func sameColumnSameBytes(format: ColumnFormat) throws {
        let column = Fixtures.sample()
        let first = try ColumnRenderer.render(column, as: format)
        #expect(try ColumnRenderer.render(column, as: format) == first)
        #expect(try ColumnRenderer.render(Self.reordered(column), as: format) == first, "row order from the store must not matter")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let reloaded = try decoder.decode(Column.self, from: encoder.encode(column))
        #expect(reloaded == column)
        #expect(try ColumnRenderer.render(reloaded, as: format) == first)
    }

    @Test(arguments: ColumnFormat.allCases)
    func differentContentDifferentBytes(format: ColumnFormat) throws {
        var changed = Fixtures.sample()
        changed.items[0].title += "（更新）"
        let original = try ColumnRenderer.render(Fixtures.sample(), as: format)
        #expect(try ColumnRenderer.render(changed, as: format) != original)
    }
}
