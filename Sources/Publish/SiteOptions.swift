import Foundation
import SluiceCore

/// Where the community serves its exports (the `site` section of a pipeline file): the feeds' own links
/// and their ids come from this one address. `base_url` is the folder that holds
/// `column-YYYY-MM.html`, `.atom` and `.json`; `title` names the community as the feeds' author.
public struct SiteOptions: Codable, Sendable, Equatable {
    /// An absolute `http(s)` URL ending in `/`, or nil when the pipeline names none (feeds then refuse).
    public var baseURL: String?
    public var title: String?

    public init(baseURL: String? = nil, title: String? = nil) {
        self.baseURL = baseURL
        self.title = title
    }

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url"
        case title
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decodeIfPresent(String.self, forKey: .title).map(Escape.line)
        if let raw = try container.decodeIfPresent(String.self, forKey: .baseURL) {
            do throws(SiteAddressError) {
                baseURL = try Self.checkedBaseURL(raw)
            } catch {
                throw invalidValue(CodingKeys.baseURL, in: decoder, error.reason)
            }
        }
    }

    /// `raw` as a base URL: `http` or `https`, an ASCII host name (punycode for IDN), no user name, query or
    /// fragment; a `/` is added at the end so file names can be appended.
    public static func checkedBaseURL(_ raw: String) throws(SiteAddressError) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let url: HTTPURL
        do {
            url = try HTTPURL(text)
        } catch {
            throw SiteAddressError(url: raw, reason: "must be an absolute http or https URL such as https://community.example/column/ (\(error.reason))")
        }
        guard url.query == nil, url.fragment == nil else {
            throw SiteAddressError(url: raw, reason: "must not have a query (?…) or a fragment (#…)")
        }
        guard let normalized = Escape.httpURL(url.href), normalized == url.href else {
            throw SiteAddressError(url: raw, reason: "holds characters a URL may not (percent-encode them)")
        }
        return normalized.hasSuffix("/") ? normalized : normalized + "/"
    }

    /// The address of one month's export in `format`, nil without a base URL.
    public func url(month: String, format: ColumnFormat) -> String? {
        baseURL.map { $0 + "column-\(month).\(format.fileExtension)" }
    }

    /// The tagging entity and path prefix of RFC 4151 tag URIs for one month's column:
    /// `tag:community.example,2026-11:/column/`; the month is a day on which the community held the name
    /// (it published the column then), the path keeps two columns on one host apart.
    func tagPrefix(month: String) -> String? {
        guard let baseURL, let parts = URLComponents(string: baseURL), let host = parts.host?.lowercased() else { return nil }
        return "tag:\(host),\(month):\(parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath)"
    }
}

/// A site address that cannot serve as `site.base_url` (or `--base-url`): the URL and why.
public struct SiteAddressError: Error, CustomStringConvertible, Equatable {
    public var url: String
    public var reason: String

    public var description: String { "\(Quoted(url)) \(reason)" }
}

/// A column that cannot be rendered in the format asked for.
public enum ColumnRenderError: Error, Equatable, CustomStringConvertible {
    /// Feeds need the address they are served from: their self link, their home page and their ids.
    case needsBaseURL(ColumnFormat)

    /// What to do about it; its Chinese form is in Messages/Catalog/zh-errors.json.
    public var description: String {
        switch self {
        case .needsBaseURL(let format):
            "\(format == .atom ? "an Atom feed" : "a JSON Feed") needs the address it is served from: set site.base_url in the pipeline file (pipelines/default.json) or pass --base-url https://…; feed readers use it for the feed's own link and for entry ids no other community shares"
        }
    }
}

/// Shows a URL inside an error message without its controls, cut to a readable length.
private struct Quoted: CustomStringConvertible {
    let text: String
    init(_ text: String) { self.text = text }
    var description: String { "\"" + TextCleaning.truncate(Escape.line(text), to: 120) + "\"" }
}
