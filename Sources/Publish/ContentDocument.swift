import Foundation

/// The Markdown file of one published item: YAML front matter (every string double-quoted by
/// `Escape.yamlString`), then the summary, the notes and the evidence frozen at approval, all escaped
/// Markdown. Field names are listed in docs/column-format.md.
enum ContentDocument {
    static func render(_ item: ColumnItem, slug: String, month: String, evidenceText: String?) -> String {
        var lines = ["---"]
        lines.append("id: \(item.id)")
        lines.append("slug: " + Escape.yamlString(slug))
        lines.append("title: " + Escape.yamlString(Escape.line(ColumnWording.entryTitle(item))))
        lines.append("kind: " + Escape.yamlString(item.isNote ? "note" : "link"))
        lines.append("url: " + yamlURL(item.url))
        lines.append("canonical_url: " + yamlURL(item.canonicalURL))
        lines.append("site: " + (item.site.map { Escape.yamlString(Escape.line($0)) } ?? "null"))
        lines.append("category: " + Escape.yamlString(item.category))
        lines.append("flags:" + (item.flags.isEmpty ? " []" : ""))
        for flag in item.flags {
            lines.append("  - family: " + Escape.yamlString(flag.family))
            lines.append("    rule: " + Escape.yamlString(flag.rule))
            lines.append("    matched: " + Escape.yamlString(Escape.line(flag.matched)))
            if flag.warned { lines.append("    warned: true") }
        }
        lines.append("volunteers:" + (item.volunteers.isEmpty ? " []" : ""))
        lines.append(contentsOf: item.volunteers.map { "  - " + Escape.yamlString(Escape.line($0)) })
        let published = ColumnWording.timestamp(item.publishedAt)
        lines.append("published_at: " + published)
        lines.append("date: " + published)
        lines.append("month: " + Escape.yamlString(month))
        lines.append("captured_at: " + (item.capturedAt.map(ColumnWording.timestamp) ?? "null"))
        lines.append("evidence_sha256: " + (item.evidenceSHA256.map(Escape.yamlString) ?? "null"))
        lines.append("source_state: " + (item.source.map { Escape.yamlString($0.state.rawValue) } ?? "null"))
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
