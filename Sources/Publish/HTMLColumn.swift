import Foundation

/// The column as one standalone, printable HTML page: inline CSS, no script, no remote resource, a CSP
/// that forbids everything else, CJK typography. Every untrusted string is escaped by `Escape.html` (text)
/// or `Escape.htmlAttribute` (attributes) and wrapped in `<bdi>` or `dir="auto"` so right-to-left text
/// cannot reorder what surrounds it; links are emitted only for `http(s)` URLs.
enum HTMLColumn {
    static func render(_ column: Column, layout: ColumnLayout) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(line(column.title))</title>
        <style>
        \(styleSheet)
        </style>
        </head>
        <body>
        <header>
        <h1 dir="auto">\(line(column.title))</h1>
        <p class="subtitle">\(Escape.html(ColumnWording.subtitle(column)))</p>
        </header>

        """
        html += figuresSection(layout)
        if layout.sections.isEmpty {
            html += "<p class=\"empty\">\(Escape.html(ColumnWording.emptyMonth))</p>\n"
        }
        for section in layout.sections {
            html += "<section class=\"category\">\n<h2 dir=\"auto\">\(line(section.category.title))</h2>\n"
            for item in section.items { html += article(item) }
            html += "</section>\n"
        }
        html += rollSection(layout)
        html += "</body>\n</html>\n"
        return html
    }

    private static func figuresSection(_ layout: ColumnLayout) -> String {
        var html = "<section class=\"figures\">\n<h2>\(ColumnWording.figuresHeading)</h2>\n<dl>\n"
        for row in layout.figures {
            html += "<div><dt>\(Escape.html(row.label))</dt><dd><bdi>\(line(row.value))</bdi></dd></div>\n"
        }
        return html + "</dl>\n</section>\n"
    }

    private static func article(_ item: ColumnItem) -> String {
        let title = "<bdi>\(line(ColumnWording.heading(item)))</bdi>"
        var html = "<article id=\"item-\(item.id)\"\(item.isNote ? " class=\"volunteer-note\"" : "")>\n"
        if item.isNote {
            html += "<h3 dir=\"auto\">\(title)</h3>\n"
        } else if let link = Escape.httpURL(item.canonicalURL) {
            html += "<h3 dir=\"auto\"><a href=\"\(Escape.htmlAttribute(link))\" rel=\"noopener noreferrer nofollow\">\(title)</a></h3>\n"
        } else {
            html += "<h3 dir=\"auto\">\(title)</h3>\n<p class=\"note\">\(Escape.html(ColumnWording.linkOmitted))</p>\n"
        }
        html += "<p class=\"byline\"><bdi>\(line(ColumnWording.byline(item)))</bdi></p>\n"
        for paragraph in Escape.paragraphs(item.summary ?? "").components(separatedBy: "\n\n") where !paragraph.isEmpty {
            html += "<p class=\"summary\" dir=\"auto\">\(Escape.html(paragraph))</p>\n"
        }
        if let warning = ColumnWording.warningNote(item.flags) {
            html += "<p class=\"warning\" dir=\"auto\">\(line(warning))</p>\n"
        }
        if let risk = ColumnWording.riskNote(item.flags) {
            html += "<p class=\"risk\" dir=\"auto\">\(line(risk))</p>\n"
        }
        if let source = ColumnWording.sourceNote(item) {
            html += "<p class=\"source\" dir=\"auto\">\(line(source))</p>\n"
        }
        if let credit = ColumnWording.credit(item.volunteers) {
            html += "<p class=\"credit\" dir=\"auto\">\(line(credit))</p>\n"
        }
        return html + "</article>\n"
    }

    private static func rollSection(_ layout: ColumnLayout) -> String {
        guard !layout.roll.isEmpty else { return "" }
        var html = "<section class=\"roll\">\n<h2>\(ColumnWording.rollHeading)</h2>\n<ol>\n"
        for credit in layout.roll {
            let tags = credit.tags.isEmpty ? "" : " <span class=\"tags\">\(line(layout.tagTitles(credit.tags)))</span>"
            html += "<li><bdi>\(line(credit.name))</bdi> <span class=\"count\">\(credit.accepted) 条</span>\(tags)</li>\n"
        }
        return html + "</ol>\n</section>\n"
    }

    /// A one-line field escaped as HTML text.
    private static func line(_ text: String) -> String {
        Escape.html(Escape.line(text))
    }

    /// Nothing may load or run: no script, no remote image or font, no form, no base URL, no framing.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Fonts installed locally only (no web font may load); a CJK font stack for Simplified Chinese with
    /// Latin fallbacks; line height 1.8 because Han characters need more leading than Latin text.
    private static let styleSheet = """
    :root { color-scheme: light; }
    body { margin: 0 auto; max-width: 46rem; padding: 2rem 1.5rem 3rem;
      font-family: "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
        "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif;
      font-size: 16px; line-height: 1.8; color: #1f2328; background: #fff;
      line-break: strict; overflow-wrap: anywhere; }
    h1 { font-size: 1.9rem; line-height: 1.35; margin: 0 0 .25rem; }
    h2 { font-size: 1.35rem; line-height: 1.4; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid #c8102e; }
    h3 { font-size: 1.08rem; line-height: 1.5; margin: 0 0 .3rem; text-align: start; }
    p { margin: .35rem 0; }
    p.summary { text-align: justify; }
    a { color: #0b5cad; text-decoration: none; }
    a:hover { text-decoration: underline; }
    .subtitle, .byline { color: #57606a; font-size: .9rem; }
    .figures dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .4rem 1.2rem; margin: 0; }
    .figures dl div { border-left: 3px solid #d0d7de; padding-left: .6rem; }
    .figures dt { color: #57606a; font-size: .85rem; }
    .figures dd { margin: 0; font-weight: 600; }
    article { padding: .9rem 0; border-bottom: 1px solid #eaeef2; break-inside: avoid; }
    .risk { color: #9a3412; background: #fff7ed; border-left: 3px solid #ea580c; padding: .2rem .6rem; font-size: .92rem; }
    .warning { color: #1e3a8a; background: #eff6ff; border: 1px solid #3b82f6; border-radius: 4px; padding: .3rem .6rem; font-size: .92rem; }
    .source { color: #6e7781; background: #f6f8fa; border-left: 3px solid #8c959f; padding: .2rem .6rem; font-size: .92rem; }
    .credit { color: #57606a; font-size: .9rem; }
    .note, .empty { color: #6e7781; }
    .roll ol { padding-left: 1.6rem; }
    .roll .count { font-weight: 600; margin-left: .4rem; }
    .roll .tags { color: #57606a; font-size: .9rem; margin-left: .4rem; }
    @media print {
      body { max-width: none; padding: 0; font-size: 11pt; }
      a { color: inherit; }
      h2 { break-after: avoid; }
    }
    """
}
