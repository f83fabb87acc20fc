import Foundation

/// The column as an Atom 1.0 feed (RFC 4287). All text constructs are `type="text"` and escaped by
/// `Escape.xml`, which also removes characters XML 1.0 forbids, so a hostile title cannot make the feed
/// ill-formed; links are emitted only for `http(s)` URLs. The feed links to itself (`rel="self"`) and to
/// the month's HTML column (`rel="alternate"`); ids are tag URIs of the site (`FeedAddresses`), so no two
/// communities' entries share one.
enum AtomColumn {
    static func render(_ column: Column, layout: ColumnLayout, addresses: FeedAddresses) -> String {
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
          <id>\(Escape.xml(addresses.columnID))</id>
          <title type="text">\(Escape.xml(Escape.line(column.title)))</title>
          <subtitle type="text">\(Escape.xml(ColumnWording.subtitle(column)))</subtitle>
          <link rel="self" type="application/atom+xml" href="\(Escape.xml(addresses.atom))"/>
          <link rel="alternate" type="text/html" href="\(Escape.xml(addresses.html))"/>
          <updated>\(ColumnWording.timestamp(column.generatedAt))</updated>
          <author><name>\(Escape.xml(column.site.title ?? "sluice"))</name></author>
          <generator>sluice</generator>

        """
        for section in layout.sections {
            for item in section.items { xml += entry(item, category: section.category, id: addresses.itemID(item.id)) }
        }
        return xml + "</feed>\n"
    }

    private static func entry(_ item: ColumnItem, category: CategoryInfo, id: String) -> String {
        let published = ColumnWording.timestamp(item.publishedAt)
        var xml = "  <entry>\n"
        xml += "    <id>\(Escape.xml(id))</id>\n"
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
