import Foundation

/// Renders a month's column in one of the export formats. Pure: the same `Column` always gives the same
/// bytes, so editors can diff drafts; every untrusted string is escaped for the format's medium.
public enum ColumnRenderer {
    /// Throws `needsBaseURL` for a feed (Atom, JSON Feed) of a column whose site has no base URL: a feed
    /// without its own address and ids of its own would be wrong in every reader that subscribes to it.
    public static func render(_ column: Column, as format: ColumnFormat) throws(ColumnRenderError) -> String {
        let layout = ColumnLayout(column)
        switch format {
        case .md: return MarkdownColumn.render(column, layout: layout)
        case .html: return HTMLColumn.render(column, layout: layout)
        case .json, .atom:
            guard let feed = FeedAddresses(column) else { throw .needsBaseURL(format) }
            return format == .json ? JSONFeedColumn.render(column, layout: layout, addresses: feed)
                : AtomColumn.render(column, layout: layout, addresses: feed)
        }
    }
}

/// The addresses a feed of one month's column states about itself, all from `SiteOptions.baseURL`.
struct FeedAddresses {
    var html: String
    var atom: String
    var json: String
    /// `tag:host,YYYY-MM:/path/` (RFC 4151), to which `column` or `item/<id>` is appended.
    var tagPrefix: String

    init?(_ column: Column) {
        guard let html = column.site.url(month: column.month, format: .html),
              let atom = column.site.url(month: column.month, format: .atom),
              let json = column.site.url(month: column.month, format: .json),
              let tagPrefix = column.site.tagPrefix(month: column.month) else { return nil }
        self.html = html
        self.atom = atom
        self.json = json
        self.tagPrefix = tagPrefix
    }

    var columnID: String { tagPrefix + "column" }

    func itemID(_ id: Int64) -> String { tagPrefix + "item/\(id)" }
}
