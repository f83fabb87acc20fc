import Foundation

/// The column as CommonMark. Data never becomes markup: every untrusted string goes through
/// `Escape.markdown` for the position it is written at, and links are emitted only for `http(s)` URLs, as
/// `[escaped title](encoded URL)`.
enum MarkdownColumn {
    static func render(_ column: Column, layout: ColumnLayout) -> String {
        var lines: [String] = []
        lines.append("# " + Escape.markdown(column.title, at: .heading))
        lines.append("")
        lines.append(Escape.markdown(ColumnWording.subtitle(column)))
        lines.append("")
        lines.append("## " + ColumnWording.figuresHeading)
        lines.append("")
        for row in layout.figures {
            lines.append("- " + row.label + "：" + Escape.markdown(row.value, at: .inline))
        }
        if layout.sections.isEmpty {
            lines.append("")
            lines.append(Escape.markdown(ColumnWording.emptyMonth))
        }
        for section in layout.sections {
            lines.append("")
            lines.append("## " + Escape.markdown(section.category.title, at: .heading))
            for item in section.items {
                lines.append("")
                lines.append(contentsOf: itemBlock(item))
            }
        }
        if !layout.roll.isEmpty {
            lines.append("")
            lines.append("## " + ColumnWording.rollHeading)
            lines.append("")
            for credit in layout.roll {
                let tags = credit.tags.isEmpty ? "" : "（" + layout.tagTitles(credit.tags) + "）"
                lines.append("- " + Escape.markdown("\(credit.name)：\(credit.accepted) 条" + tags))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func itemBlock(_ item: ColumnItem) -> [String] {
        var paragraphs: [String]
        if item.isNote {
            paragraphs = ["### " + Escape.markdown(ColumnWording.heading(item), at: .heading)]
        } else if let link = Escape.markdownLink(item.canonicalURL) {
            paragraphs = ["### [" + Escape.markdown(item.title, at: .linkText) + "](" + link + ")"]
        } else {
            paragraphs = ["### " + Escape.markdown(item.title, at: .heading), Escape.markdown(ColumnWording.linkOmitted)]
        }
        paragraphs.append(Escape.markdown(ColumnWording.byline(item)))
        if let summary = item.summary, !summary.isEmpty {
            paragraphs.append(Escape.markdownParagraphs(summary))
        }
        let notes = [ColumnWording.warningNote(item.flags), ColumnWording.riskNote(item.flags), ColumnWording.sourceNote(item), ColumnWording.credit(item.volunteers)]
        paragraphs.append(contentsOf: notes.compactMap { $0.map { "> " + Escape.markdown($0) } })
        return paragraphs.flatMap { [$0, ""] }.dropLast()
    }
}
