import Foundation

/// The column as an Atom 1.0 feed (RFC 4287). All text constructs are `type="text"` and escaped by
/// `Escape.xml`, which also removes characters XML 1.0 forbids, so a hostile title cannot make the feed
/// ill-formed; links are emitted only for `http(s)` URLs.
enum AtomColumn {
    static func render(_ column: Column, layout: ColumnLayout) -> String {
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
          <id>\(feedID(column))</id>
          <title type="text">\(Escape.xml(column.title))</title>
          <subtitle type="text">\(Escape.xml(ColumnWording.subtitle(column)))</subtitle>
          <updated>\(ColumnWording.timestamp(column.generatedAt))</updated>
          <author><name>sluice</name></author>
          <generator>sluice</generator>

        """
        for section in layout.sections {
            for item in section.items { xml += entry(item, category: section.category) }
        }
        return xml + "</feed>\n"
    }

    /// A tag URI (RFC 4151) naming the column of one month, stable across renders.
    private static func feedID(_ column: Column) -> String {
        "tag:sluice,2026:column/" + Escape.xml(column.month)
    }

    private static func entry(_ item: ColumnItem, category: CategoryInfo) -> String {
        let published = ColumnWording.timestamp(item.publishedAt)
        var xml = "  <entry>\n"
        xml += "    <id>tag:sluice,2026:item/\(item.id)</id>\n"
        xml += "    <title type=\"text\">\(Escape.xml(Escape.line(ColumnWording.entryTitle(item))))</title>\n"
        if let link = Escape.httpURL(item.canonicalURL) {
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(Escape.xml(link))\"/>\n"
        }
        if let submitted = Escape.httpURL(item.url), submitted != Escape.httpURL(item.canonicalURL) {
            xml += "    <link rel=\"via\" href=\"\(Escape.xml(submitted))\"/>\n"
        }
        xml += "    <published>\(published)</published>\n"
        xml += "    <updated>\(published)</updated>\n"
        for volunteer in item.volunteers {
            xml += "    <author><name>\(Escape.xml(Escape.line(volunteer)))</name></author>\n"
        }
        xml += "    <category term=\"\(Escape.xml(category.id))\" label=\"\(Escape.xml(Escape.line(category.title)))\"/>\n"
        if let summary = item.summary, !summary.isEmpty {
            xml += "    <summary type=\"text\">\(Escape.xml(Escape.paragraphs(summary)))</summary>\n"
        }
        let notes = [ColumnWording.byline(item), ColumnWording.warningNote(item.flags), ColumnWording.riskNote(item.flags), ColumnWording.sourceNote(item),
                     ColumnWording.credit(item.volunteers)].compactMap { $0 }
        xml += "    <content type=\"text\">\(Escape.xml(notes.joined(separator: "\n")))</content>\n"
        return xml + "  </entry>\n"
    }
}
