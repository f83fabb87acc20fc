import Foundation
import SluiceCore

/// One published item as the column shows it. All text is untrusted (from volunteers and web pages):
/// renderers escape it for their medium.
public struct ColumnItem: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String
    /// The URL the volunteer submitted; empty for a volunteer's note (intel without a link).
    public var url: String
    /// The URL the column links to (after redirects and canonicalisation).
    public var canonicalURL: String
    public var site: String?
    /// A category id; one of `Column.categories` normally.
    public var category: String
    public var summary: String?
    public var flags: [RiskFlag]
    /// The volunteer who found the item first, then those who reported duplicates of it.
    public var volunteers: [String]
    /// When the item was published in the column (the moderators' approval put it there).
    public var publishedAt: Date
    /// The article's own publication day as the page states it (`Page.publishedDate`, `yyyy-MM-dd`), nil
    /// for a note or a page that states none; renderers show it only when it is a real calendar day.
    public var articleDate: String?
    /// When the evidence (text, sanitized HTML, digest) was frozen.
    public var capturedAt: Date?
    public var evidenceSHA256: String?
    public var source: SourceStatus?

    public init(id: Int64, title: String, url: String, canonicalURL: String, site: String?, category: String,
                summary: String?, flags: [RiskFlag], volunteers: [String], publishedAt: Date,
                capturedAt: Date?, evidenceSHA256: String?, source: SourceStatus?, articleDate: String? = nil) {
        self.id = id
        self.title = title
        self.url = url
        self.canonicalURL = canonicalURL
        self.site = site
        self.category = category
        self.summary = summary
        self.flags = flags
        self.volunteers = volunteers
        self.publishedAt = publishedAt
        self.articleDate = articleDate
        self.capturedAt = capturedAt
        self.evidenceSHA256 = evidenceSHA256
        self.source = source
    }

    /// A volunteer's note: intel submitted without a link. `summary` holds the note, `title` a moderator's
    /// title or nothing; every format shows it as 志愿者笔记 with no link line.
    public var isNote: Bool { url.isEmpty }
}

/// How many of the month's approved items came from one site.
public struct SiteCount: Sendable, Codable, Equatable {
    public var site: String
    public var count: Int

    public init(site: String, count: Int) {
        self.site = site
        self.count = count
    }
}

/// The month's figures shown in the column header.
public struct ColumnFigures: Sendable, Codable, Equatable {
    public var submissions: Int
    /// Distinct volunteers who submitted this month.
    public var volunteers: Int
    public var approved: Int
    /// Rejections per moderator reason; rendered sorted by reason so output is deterministic.
    public var rejectedByReason: [String: Int]
    public var duplicatesMerged: Int
    public var topSites: [SiteCount]

    public init(submissions: Int, volunteers: Int, approved: Int, rejectedByReason: [String: Int],
                duplicatesMerged: Int, topSites: [SiteCount]) {
        self.submissions = submissions
        self.volunteers = volunteers
        self.approved = approved
        self.rejectedByReason = rejectedByReason
        self.duplicatesMerged = duplicatesMerged
        self.topSites = topSites
    }

    /// All rejections, whatever the reason.
    public var rejected: Int { rejectedByReason.values.reduce(0, +) }
}

/// One line of the volunteers' roll of honour.
public struct VolunteerCredit: Sendable, Codable, Equatable {
    public var name: String
    /// Items of this volunteer accepted this month (found first or reported as a duplicate).
    public var accepted: Int
    /// Category ids the volunteer contributes most, most contributed first.
    public var tags: [String]

    public init(name: String, accepted: Int, tags: [String]) {
        self.name = name
        self.accepted = accepted
        self.tags = tags
    }
}

/// A category of the column, in the fixed order the column shows them.
public struct CategoryInfo: Sendable, Codable, Equatable {
    public var id: String
    /// The display title, e.g. "电商 E-commerce".
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }

    /// The column's categories in their fixed order, with their display names.
    public static let column: [CategoryInfo] = [
        CategoryInfo(id: "ecommerce", title: "电商 E-commerce"),
        CategoryInfo(id: "affiliate", title: "淘宝客与返利 Affiliate"),
        CategoryInfo(id: "content", title: "内容创作 Content creation"),
        CategoryInfo(id: "short_video_live", title: "短视频与直播 Short video & live"),
        CategoryInfo(id: "ai_tools", title: "AI 工具 AI tools"),
        CategoryInfo(id: "freelance", title: "自由职业与接单 Freelancing"),
        CategoryInfo(id: "private_domain", title: "私域流量 Private-domain traffic"),
        CategoryInfo(id: "local_services", title: "本地生活 Local services"),
        CategoryInfo(id: "courses", title: "知识付费 Courses"),
        CategoryInfo(id: "risk_warning", title: "避坑预警 Scam warnings"),
        CategoryInfo(id: "other", title: "其他 Other"),
    ]
}

/// One month's column: everything a renderer needs, so rendering is a pure function of this value.
public struct Column: Sendable, Codable, Equatable {
    /// "YYYY-MM".
    public var month: String
    public var title: String
    /// The categories in the order the column shows them.
    public var categories: [CategoryInfo]
    public var items: [ColumnItem]
    public var figures: ColumnFigures
    public var roll: [VolunteerCredit]
    /// Supplied by the caller (e.g. the month's last publication time) so the same store renders
    /// byte-identical output.
    public var generatedAt: Date
    /// Where the exports are served; the feeds need its base URL.
    public var site: SiteOptions

    public init(month: String, title: String, categories: [CategoryInfo], items: [ColumnItem],
                figures: ColumnFigures, roll: [VolunteerCredit], generatedAt: Date, site: SiteOptions = SiteOptions()) {
        self.month = month
        self.title = title
        self.categories = categories
        self.items = items
        self.figures = figures
        self.roll = roll
        self.generatedAt = generatedAt
        self.site = site
    }
}

/// The output formats of `sluice export`.
public enum ColumnFormat: String, CaseIterable, Sendable {
    case md, html, json, atom

    /// The media type to serve or save the output as.
    public var mediaType: String {
        switch self {
        case .md: "text/markdown; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .json: "application/feed+json"
        case .atom: "application/atom+xml"
        }
    }

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .md: "md"
        case .html: "html"
        case .json: "json"
        case .atom: "atom"
        }
    }
}
