import Foundation
import SluiceApp
import SluiceCore
import SluicePublish

/// Names of the column's addresses: `/column/YYYY-MM`, and the export file names the feeds link to
/// (`/column-YYYY-MM.html`, `.atom`, `.json`) so a feed's own links resolve on this server.
enum ColumnRoutes {
    static func isMonth(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }),
              let month = Int(text.suffix(2)) else { return false }
        return (1...12).contains(month)
    }

    static func exportName(_ name: String) -> (month: String, format: ColumnFormat)? {
        guard name.hasPrefix("column-") else { return nil }
        let rest = name.dropFirst("column-".count)
        for format in [ColumnFormat.html, .atom, .json] {
            let suffix = "." + format.fileExtension
            if rest.hasSuffix(suffix), isMonth(String(rest.dropLast(suffix.count))) {
                return (String(rest.dropLast(suffix.count)), format)
            }
        }
        return nil
    }

    /// The Content-Security-Policy of the column page: the export's own style sheet is inline, so it is
    /// allowed by its hash and nothing else inline is.
    static func contentSecurityPolicy(html: String) -> String {
        var styleHash = ""
        if let open = html.range(of: "<style>"), let close = html.range(of: "</style>", range: open.upperBound..<html.endIndex) {
            let style = String(html[open.upperBound..<close.lowerBound])
            styleHash = " 'sha256-" + Data(SHA256.digest(Data(style.utf8))).base64EncodedString() + "'"
        }
        return "default-src 'self'; style-src\(styleHash); img-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'"
    }
}

/// The published column, read-only: the same bytes as `sluice export` (`PublishingService.column` and
/// `ColumnRenderer`), public or behind one shared member token, with `ETag` and `Last-Modified` so feed
/// readers and browsers revalidate instead of downloading again.
extension WebApplication {
    private func checkMember(_ exchange: Exchange) throws(Refusal) {
        guard let expected = options.memberTokenSHA256 else { return }
        let presented = RequestDecoding.bearer(exchange.request.header("Authorization")) ?? exchange.query("member")
        guard let presented, Secrets.equal(Secrets.hash(presented), expected) else { throw .memberTokenRequired }
    }

    private func newestMonth() throws(Refusal) -> String {
        do {
            return try services.publishing.publishedMonths().first ?? Timestamp.month(services.clock.now())
        } catch {
            throw .unavailable
        }
    }

    func latestColumn(_ exchange: Exchange) -> HTTPResponse {
        do throws(Refusal) {
            try checkMember(exchange)
            let suffix = exchange.query("member").map { "?member=" + Self.queryEscaped($0) } ?? ""
            return redirect("/column/" + (try newestMonth()) + suffix, status: 302)
        } catch {
            return refuse(error, exchange)
        }
    }

    func feed(_ format: ColumnFormat, _ exchange: Exchange) -> HTTPResponse {
        do throws(Refusal) {
            try checkMember(exchange)
            return column(month: try newestMonth(), format: format, exchange)
        } catch {
            return refuse(error, exchange)
        }
    }

    func column(month: String, format: ColumnFormat, _ exchange: Exchange) -> HTTPResponse {
        do throws(Refusal) {
            try checkMember(exchange)
            var column: Column
            do {
                column = try services.publishing.column(month: month)
            } catch {
                throw .unavailable
            }
            column.site = options.site
            let text: String
            do throws(ColumnRenderError) {
                text = try ColumnRenderer.render(column, as: format)
            } catch {
                throw .feedsNeedBaseURL
            }
            return conditional(text, format: format, lastModified: column.generatedAt, exchange)
        } catch {
            return refuse(error, exchange)
        }
    }

    /// The body with its validators; `304 Not Modified` when the client's copy is current.
    private func conditional(_ text: String, format: ColumnFormat, lastModified: Date, _ exchange: Exchange) -> HTTPResponse {
        let body = Data(text.utf8)
        let etag = "\"" + String(SHA256.hex(body).prefix(32)) + "\""
        let modified = RequestDecoding.httpDate(lastModified)
        var headers = SecurityHeaders.common.filter { $0.0 != "Content-Security-Policy" }
        headers += [
            ("Content-Type", format == .html ? "text/html; charset=utf-8" : format.mediaType + "; charset=utf-8"),
            ("Content-Security-Policy", format == .html ? ColumnRoutes.contentSecurityPolicy(html: text)
                : "default-src 'none'; frame-ancestors 'none'"),
            ("ETag", etag), ("Last-Modified", modified),
            ("Cache-Control", options.memberTokenSHA256 == nil ? "public, no-cache" : "private, no-cache"),
        ]
        let request = exchange.request
        let notModified: Bool
        if let tags = request.header("If-None-Match") {
            notModified = tags == "*" || tags.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
        } else if let since = RequestDecoding.httpDate(request.header("If-Modified-Since")) {
            notModified = lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        } else {
            notModified = false
        }
        return HTTPResponse(status: notModified ? 304 : 200, headers: headers, body: notModified ? Data() : body)
    }

    private static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
