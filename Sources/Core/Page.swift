/// WeChat article identity, read from the variables a WeChat page embeds; both link forms of one
/// article share it.
public struct WeChatIdentity: Codable, Sendable, Equatable, Hashable {
    public var biz: String
    public var mid: String
    public var idx: String
    public var sn: String
    public init(biz: String, mid: String, idx: String, sn: String) {
        self.biz = biz
        self.mid = mid
        self.idx = idx
        self.sn = sn
    }
}

/// Everything the parse stage extracts from one page. Every string is cleaned and length-limited.
public struct Page: Codable, Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var canonicalURL: String?
    public var siteName: String?
    public var author: String?
    /// ISO 8601 date (`yyyy-MM-dd`) when one was found.
    public var publishedDate: String?
    /// `zh`, `en` or `other`.
    public var language: String?
    public var images: [String]
    public var links: [String]
    /// The article body; paragraphs separated by a blank line.
    public var mainText: String
    /// About 200 characters for the review screen and the column.
    public var excerpt: String
    public var weChat: WeChatIdentity?
    /// The parser dropped content (nesting or text-node limits): the page is degraded.
    public var truncated: Bool
    public var warnings: [String]

    public init(title: String? = nil, description: String? = nil, canonicalURL: String? = nil,
                siteName: String? = nil, author: String? = nil, publishedDate: String? = nil,
                language: String? = nil, images: [String] = [], links: [String] = [], mainText: String = "",
                excerpt: String = "", weChat: WeChatIdentity? = nil, truncated: Bool = false,
                warnings: [String] = []) {
        self.title = title
        self.description = description
        self.canonicalURL = canonicalURL
        self.siteName = siteName
        self.author = author
        self.publishedDate = publishedDate
        self.language = language
        self.images = images
        self.links = links
        self.mainText = mainText
        self.excerpt = excerpt
        self.weChat = weChat
        self.truncated = truncated
        self.warnings = warnings
    }
}
