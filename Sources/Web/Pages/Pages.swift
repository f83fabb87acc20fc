import Foundation
import SluiceApp
import SluiceCore
import SluicePublish

/// The HTML of the intake's pages: written here, no script at all, the style sheet served from
/// `/static/site.css` (so the CSP can stay `default-src 'self'`). Every value from a person or a page goes
/// through `Escape.html` or `Escape.htmlAttribute` and sits in `<bdi>` or `dir="auto"`, so right-to-left text
/// cannot reorder the sentence around it.
enum Pages {
    /// What the volunteer's page shows above the form.
    enum Notice {
        /// Stored; `cleaned` when intake removed control characters from what was sent.
        case received(Phrase, cleaned: Bool)
        case refused(String)
    }

    /// What the form is filled with: empty, or what was sent when it was refused.
    struct FormValues {
        var url = ""
        var note = ""
    }

    static func volunteer(name: String, submissions: [SubmissionStatus], notice: Notice?, form: FormValues,
                          csrf: (key: String, token: String), language: PageLanguage) -> String {
        var body = "<header><h1>\(Phrase.pageTitle.text(language))</h1>"
            + "<p class=\"who\">\(Phrase.greeting.text(language))<bdi>\(Escape.html(Escape.line(name)))</bdi></p></header>\n"
        switch notice {
        case .received(let phrase, let cleaned)?:
            body += "<p class=\"notice ok\" role=\"status\">\(Escape.html(phrase.text(language)))"
                + (cleaned ? " " + Phrase.cleaned.text(language) : "") + "</p>\n"
        case .refused(let sentence)?:
            body += "<p class=\"notice error\" role=\"alert\" dir=\"auto\">\(Escape.html(sentence))</p>\n"
        case nil:
            break
        }
        body += """
            <form method="post" action="/me/submissions" accept-charset="utf-8">
            <input type="hidden" name="csrf" value="\(Escape.htmlAttribute(csrf.token))">
            <input type="hidden" name="key" value="\(Escape.htmlAttribute(csrf.key))">
            <label for="url">\(Phrase.urlLabel.text(language))</label>
            <input id="url" name="url" type="text" inputmode="url" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="2048" dir="auto" placeholder="https://" value="\(Escape.htmlAttribute(form.url))" autofocus>
            <p class="hint">\(Phrase.urlHint.text(language))</p>
            <label for="note">\(Phrase.noteLabel.text(language))</label>
            <textarea id="note" name="note" rows="3" maxlength="4000" dir="auto">\(Escape.html(form.note))</textarea>
            <button type="submit">\(Phrase.submit.text(language))</button>
            </form>

            """
        body += submissionList(submissions, language: language)
        body += creditList(submissions, language: language)
        return document(title: Phrase.pageTitle.text(language), body: body, language: language)
    }

    private static func submissionList(_ submissions: [SubmissionStatus], language: PageLanguage) -> String {
        var html = "<section class=\"mine\"><h2>\(Phrase.mySubmissions.text(language))</h2>\n"
        guard !submissions.isEmpty else { return html + "<p class=\"empty\">\(Phrase.noSubmissions.text(language))</p></section>\n" }
        html += "<ol class=\"submissions\">\n"
        for status in submissions {
            let what = status.title ?? status.url ?? status.note ?? ""
            html += "<li id=\"s\(status.id)\" class=\"state-\(status.status)\"><span class=\"id\">#\(status.id)</span> "
                + "<span class=\"what\" dir=\"auto\">\(Escape.html(Escape.line(what)))</span>"
                + "<span class=\"fate\" dir=\"auto\">\(Escape.html(Phrase.fate(status).text(language)))</span></li>\n"
        }
        return html + "</ol></section>\n"
    }

    private static func creditList(_ submissions: [SubmissionStatus], language: PageLanguage) -> String {
        var counts: [String: Int] = [:]
        for status in submissions { if let month = status.publishedMonth { counts[month, default: 0] += 1 } }
        var html = "<section class=\"credits\"><h2>\(Phrase.credits.text(language))</h2>\n"
        guard !counts.isEmpty else { return html + "<p class=\"empty\">\(Phrase.noCredits.text(language))</p></section>\n" }
        html += "<ul>\n"
        for (month, count) in counts.sorted(by: { $0.key > $1.key }) where ColumnRoutes.isMonth(month) {
            html += "<li><a href=\"/column/\(month)\">\(Escape.html(Phrase.credit(month: month, count: count).text(language)))</a></li>\n"
        }
        return html + "</ul></section>\n"
    }

    static func home(language: PageLanguage) -> String {
        document(title: Phrase.homeTitle.text(language), body: """
            <header><h1>\(Phrase.homeTitle.text(language))</h1></header>
            <p>\(Phrase.homeText.text(language))</p>
            <p><a href="/column">\(Phrase.columnLink.text(language))</a></p>

            """, language: language)
    }

    /// A refusal as a page: the sentence, and for a volunteer who lost their session, what to do.
    static func refusal(_ refusal: Refusal, language: PageLanguage) -> String {
        let title = refusal == .notSignedIn ? Phrase.signInAgainTitle.text(language) : Phrase.errorTitle.text(language)
        return document(title: title, body: """
            <header><h1>\(title)</h1></header>
            <p class="notice error" role="alert" dir="auto">\(Escape.html(refusal.sentence(language)))</p>

            """, language: language)
    }

    static func document(title: String, body: String, language: PageLanguage) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.htmlTag)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>\(Escape.html(title))</title>
        <link rel="stylesheet" href="/static/site.css">
        </head>
        <body>
        <main>
        \(body)</main>
        </body>
        </html>

        """
    }

    /// Mobile first: one column on a 360-px screen, 16-px text (phones zoom into smaller inputs), targets at
    /// least 48 px high for one thumb, local CJK fonts only.
    static let styleSheet = """
    :root { color-scheme: light; --accent: #b3261e; --ok: #1b5e20; --line: #ddd; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.6 "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", system-ui, sans-serif; color: #222; background: #fafafa; }
    main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.4rem; margin: 0.5rem 0; }
    h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
    .who { margin: 0 0 1rem; color: #555; }
    label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
    input[type=text], textarea { display: block; width: 100%; font: inherit; padding: 0.7rem; border: 1px solid #bbb; border-radius: 8px; background: #fff; }
    textarea { resize: vertical; min-height: 5rem; }
    .hint { margin: 0.25rem 0 0; font-size: 0.85rem; color: #666; }
    button { display: block; width: 100%; min-height: 3rem; margin: 1rem 0; font: inherit; font-size: 1.1rem; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 8px; }
    .notice { padding: 0.75rem; border-radius: 8px; margin: 0.75rem 0; }
    .notice.ok { background: #e8f5e9; color: var(--ok); font-weight: 600; }
    .notice.error { background: #fdecea; color: var(--accent); }
    ol.submissions { list-style: none; padding: 0; margin: 0; }
    ol.submissions li { padding: 0.6rem 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
    .id { color: #888; margin-right: 0.25rem; }
    .fate { display: block; font-size: 0.9rem; color: #555; }
    .state-rejected .fate, .state-failed .fate { color: var(--accent); }
    .state-published .fate, .state-approved .fate { color: var(--ok); }
    .empty { color: #777; }
    a { color: #0b57d0; }

    """
}
