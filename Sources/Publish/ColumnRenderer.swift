import Foundation

/// Renders a month's column in one of the export formats. Pure: the same `Column` always gives the same
/// bytes, so editors can diff drafts; every untrusted string is escaped for the format's medium.
public enum ColumnRenderer {
    public static func render(_ column: Column, as format: ColumnFormat) -> String {
        let layout = ColumnLayout(column)
        return switch format {
        case .md: MarkdownColumn.render(column, layout: layout)
        case .html: HTMLColumn.render(column, layout: layout)
        case .json: JSONFeedColumn.render(column, layout: layout)
        case .atom: AtomColumn.render(column, layout: layout)
        }
    }
}
