import Foundation

/// The Markdown file of one published item: YAML front matter (every string double-quoted by
/// `Escape.yamlString`), then the summary, the notes and the evidence frozen at approval, all escaped
/// Markdown. Field names are listed in docs/column-format.md.
///
/// The files must build as they are in Hugo and Jekyll, so the top level holds only keys both give a
/// meaning we mean (`title`, `date`, `slug`, `categories`, `tags`); everything of sluice's own lives under
/// `sluice:`, a key no generator reserves (Hugo refuses a page whose `url` holds a full URL, Jekyll and
/// Hugo read `id`, `category`, `published`, `layout`, `type`, `weight`, `draft`, `aliases` themselves).
enum ContentDocument {
    static func render(_ item: ColumnItem, slug: String, month: String, evidenceText: String?) -> String {
        let published = ColumnWording.timestamp(item.publishedAt)
        var lines = ["---"]
        lines.append("title: " + Escape.yamlString(Escape.line(ColumnWording.entryTitle(item))))
        lines.append("date: " + published)
        lines.append("slug: " + Escape.yamlString(slug))
        lines.append("categories:")
        lines.append("  - " + Escape.yamlString(item.category))
        let tags = ColumnWording.tags(item)
        lines.append("tags:" + (tags.isEmpty ? " []" : ""))
        lines.append(contentsOf: tags.map { "  - " + Escape.yamlString($0) })
        lines.append("sluice:")
        var fields = ["id: \(item.id)"]
        fields.append("kind: " + Escape.yamlString(item.isNote ? "note" : "link"))
        fields.append("submitted_url: " + yamlURL(item.url))
        fields.append("canonical_url: " + yamlURL(item.canonicalURL))
        fields.append("site: " + (item.site.map { Escape.yamlString(Escape.line($0)) } ?? "null"))
        fields.append("category: " + Escape.yamlString(item.category))
        fields.append("flags:" + (item.flags.isEmpty ? " []" : ""))
        for flag in item.flags {
            fields.append("  - family: " + Escape.yamlString(flag.family))
            fields.append("    rule: " + Escape.yamlString(flag.rule))
            fields.append("    matched: " + Escape.yamlString(Escape.line(flag.matched)))
            if flag.warned { fields.append("    warned: true") }
        }
        fields.append("volunteers:" + (item.volunteers.isEmpty ? " []" : ""))
        fields.append(contentsOf: item.volunteers.map { "  - " + Escape.yamlString(Escape.line($0)) })
        fields.append("published_at: " + published)
        // Quoted: an unquoted day would be a YAML date, which Jekyll and PyYAML turn into a time object.
        fields.append("article_date: " + (ColumnWording.articleDay(item).map(Escape.yamlString) ?? "null"))
        fields.append("month: " + Escape.yamlString(month))
        fields.append("captured_at: " + (item.capturedAt.map(ColumnWording.timestamp) ?? "null"))
        fields.append("evidence_sha256: " + (item.evidenceSHA256.map(Escape.yamlString) ?? "null"))
        fields.append("source_state: " + (item.source.map { Escape.yamlString($0.state.rawValue) } ?? "null"))
        lines.append(contentsOf: fields.map { "  " + $0 })
        lines.append("---")
        var blocks: [String] = []
        if let summary = item.summary, !summary.isEmpty { blocks.append(Escape.markdownParagraphs(summary)) }
        let notes = [ColumnWording.warningNote(item.flags), ColumnWording.riskNote(item.flags), ColumnWording.sourceNote(item), ColumnWording.credit(item.volunteers)]
        blocks.append(contentsOf: notes.compactMap { $0.map { "> " + Escape.markdown($0) } })
        if let evidenceText, !evidenceText.isEmpty {
            blocks.append("## 存档证据 Evidence")
            let captured = item.capturedAt.map { "采集于 \(ColumnWording.day($0))" }
            let digest = item.evidenceSHA256.map { "SHA-256 \($0)" }
            let provenance = [captured, digest].compactMap { $0 }.joined(separator: " · ")
            if !provenance.isEmpty { blocks.append(Escape.markdown(provenance)) }
            // A note's evidence is the note itself, already shown above.
            blocks.append(item.isNote && evidenceText == item.summary ? Escape.markdown(ColumnWording.evidenceIsNote)
                          : Escape.markdownParagraphs(evidenceText))
        }
        return lines.joined(separator: "\n") + "\n" + blocks.map { "\n" + $0 + "\n" }.joined()
    }

    /// URLs other than http(s) are left out (null), so no template can turn them into a live link.
    private static func yamlURL(_ url: String) -> String {
        Escape.httpURL(url).map(Escape.yamlString) ?? "null"
    }
}
