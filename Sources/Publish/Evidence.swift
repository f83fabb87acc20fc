import Foundation
import SluiceCore

/// What one conditional GET of an item's source means for the column (`sluice recheck`): a pure decision
/// on the response, so the fetching stays with the fetch stage.
public enum SourceCheck {
    /// Notices Chinese platforms serve, often with status 200, in place of a removed article.
    public static let deletionNotices = [
        "该内容已被发布者删除", "此内容因违规无法查看", "该内容已被删除", "内容已删除", "此内容已被作者删除",
        "文章已被删除", "该文章已被删除", "抱歉，您访问的页面不存在", "页面不存在", "该账号已被封禁",
        "此帐号已被屏蔽", "该公众号已迁移",
    ]

    /// The source's state from the response: `status` is the HTTP status, `text` the extracted main text
    /// of a 200 answer. 304 means unchanged; 404 and 410 mean deleted, as does a 200 page that is only a
    /// deletion notice; a 200 page whose text digest differs from the evidence is changed. Anything else
    /// (5xx, 429, 403, redirects left over) says nothing about the article: nil, keep the previous state.
    public static func state(status: Int, text: String?, evidenceSHA256: String?) -> SourceState? {
        switch status {
        case 304:
            return .alive
        case 404, 410:
            return .deleted
        case 200:
            guard let text else { return nil }
            let cleaned = Escape.paragraphs(text)
            if cleaned.count < 200, deletionNotices.contains(where: cleaned.contains) { return .deleted }
            guard let evidenceSHA256 else { return .alive }
            return SHA256.hex(Data(text.utf8)) == evidenceSHA256 ? .alive : .changed
        default:
            return nil
        }
    }
}

extension FrozenEvidence {
    /// Freezes what a moderator approved: `text` as stored (the page's extracted main text, or the note of
    /// intel without a page) and a sanitized HTML rendering of it built from escaped text only, so nothing
    /// of the source page's markup (scripts, styles, trackers, event handlers) is ever kept or served.
    public static func freeze(title: String?, text: String, capturedAt: Date) -> FrozenEvidence {
        FrozenEvidence(text: text, sanitizedHTML: sanitizedHTML(title: title, text: text), capturedAt: capturedAt)
    }

    /// `<article>` with the title as `<h1>` and one `<p>` per paragraph, every string escaped and marked
    /// `dir="auto"` so right-to-left text cannot reorder what surrounds it.
    static func sanitizedHTML(title: String?, text: String) -> String {
        var html = "<article>\n"
        if let title, !Escape.line(title).isEmpty {
            html += "<h1 dir=\"auto\">\(Escape.html(Escape.line(title)))</h1>\n"
        }
        for paragraph in Escape.paragraphs(text).components(separatedBy: "\n\n") where !paragraph.isEmpty {
            html += "<p dir=\"auto\">\(Escape.html(paragraph))</p>\n"
        }
        return html + "</article>\n"
    }
}
