import Foundation
import SluiceCore

/// Page metadata read from one walk over the tree: `<meta>` values, the head title, canonical link, JSON-LD
/// fields, microdata, headings, `<time>` elements, links to the site's home page and inline scripts. Text
/// inside `<noscript>`, `<template>`, `<textarea>` and `<svg>` is never read: pages put decoy titles there.
struct Metadata {
    /// A `<time>` element: its `datetime` (or text), and whether its markup says it is the publication or
    /// the modification date (`pubdate`, `itemprop`, or a class or id such as `published`, `updated`).
    struct TimeElement {
        var value: String
        var marksPublication: Bool
        var marksModification: Bool
        /// Where the element is in the tree: a `<time>` after the article belongs to another item.
        var index: Int
    }

    /// First `content` per `property`, `name` or `itemprop`, lower-cased with white space removed
    /// (`weibo: article:create_at` is `weibo:article:create_at`); head tags win over body tags.
    private(set) var metas: [String: String] = [:]
    /// `/html/head/title[1]`; when the head holds none, the first `<title>` outside decoy containers.
    private(set) var headTitle: String?
    private(set) var canonical: String?
    private(set) var documentLanguage: String?
    /// Text of the first `<h1>` elements, and where the first `<h2>` elements are (their text is read only
    /// when Readability's colon rule asks, see `h1AndH2(in:)`).
    private(set) var headings: [String] = []
    private(set) var h2Indices: [Int] = []
    /// How many `<h1>` elements the page has, empty ones too.
    private(set) var h1Count = 0
    /// `<time>` elements, and hAtom's `<abbr class="published" title="2024-03-05T10:00">`, in document order.
    private(set) var times: [TimeElement] = []
    /// Values of attributes that name the publication time (`data-publish-time="1581517074"`,
    /// `data-pubdate="2024-03-05"`), in document order.
    private(set) var publishAttributes: [String] = []
    /// Text of small elements whose class or id says they hold the date (`class="date"`, `pubtime`,
    /// `post-date`, `dateline`…), not the modification date, in document order.
    private(set) var dateElements: [String] = []
    /// Microdata outside `<meta>`: the first value per lower-cased `itemprop` among the date and headline
    /// properties (`content`, then `datetime`, then the text).
    private(set) var itemProperties: [String: String] = [:]
    private(set) var linkedData = LinkedData()
    /// Inline scripts that mention WeChat's identity or title variables.
    private(set) var weChatScripts: [String] = []
    /// Text of the element a WeChat article shows its account's name in (`<a id="js_name">`,
    /// `<strong class="profile_nickname">`).
    private(set) var weChatAccountElement: String?
    /// Text of links whose target is a site's home page (`href="/"`, `https://host/`): the brand's name.
    private(set) var homeLinkTexts: [String] = []

    private static let weChatMarkers = NeedleSet(["var biz", "window.biz", "__biz=", "msg_title", "var nickname"])
    private static let itemPropertiesRead: Set<String> = ["datepublished", "datecreated", "datemodified", "headline"]
    private static let publicationMarks = NeedleSet(["publish", "pubdate", "post-date", "postdate", "entry-date",
                                                     "created", "wpd"])
    private static let modificationMarks = NeedleSet(["modif", "updat", "-lm"])
    private static let dateMarks = NeedleSet(["date", "publish", "posted", "pubtime", "post-time", "byline", "time"])
    /// Whether an attribute is one of `publishAttributeNames`: the first letter is compared before the name is
    /// hashed, since this runs on every attribute of the page and almost none start with `d`.
    private static func namesPublishTime(_ attribute: DocumentTree.Attribute) -> Bool {
        attribute.name.utf8.first == 0x64 && attribute.name.utf8.count >= 12 && publishAttributeNames.contains(attribute.name)
    }

    /// Attributes scripts and widgets read the publication time from.
    static let publishAttributeNames: Set<String> = [
        "data-publish-time", "data-publishtime", "data-pubtime", "data-pubdate", "data-published",
        "data-publish-date", "data-published-time",
    ]

    init(tree: DocumentTree) {
        let nodes = tree.nodes
        var hidden = Array(repeating: false, count: nodes.count)
        var bodyMetas: [String: String] = [:]
        var headIndex = -1
        var looseTitle: String?
        for index in nodes.indices where !nodes[index].isText {
            let node = nodes[index]
            let parent = node.parent
            let parentHidden = parent >= 0 && hidden[parent]
            hidden[index] = parentHidden || node.kind.contains(.decoy)
            if !parentHidden, node.name != "meta", let property = node.attribute("itemprop")?.lowercased(),
               Self.itemPropertiesRead.contains(property), itemProperties[property] == nil {
                let value = node.attribute("content") ?? node.attribute("datetime") ?? tree.text(of: index, limit: 400)
                if !TextCleaning.line(value).isEmpty { itemProperties[property] = value }
            }
            if !parentHidden, publishAttributes.count < 8,
               let value = node.attributes.first(where: Self.namesPublishTime)?.value,
               !TextCleaning.line(value).isEmpty {
                publishAttributes.append(value)
            }
            if !parentHidden, dateElements.count < 16, node.end - index <= 12, node.name != "time", node.name != "meta" {
                let (className, id) = (node.attribute("class"), node.attribute("id"))
                if Self.dateMarks.occurs(in: className) || Self.dateMarks.occurs(in: id),
                   !Self.modificationMarks.occurs(in: className), !Self.modificationMarks.occurs(in: id) {
                    let text = tree.text(of: index, limit: 200)
                    if text.unicodeScalars.contains(where: { PublishedDate.digitValue($0) != nil }) { dateElements.append(text) }
                }
            }
            if !parentHidden, weChatAccountElement == nil, node.name == "a" || node.name == "strong" || node.name == "span",
               node.attribute("id") == "js_name" || (node.attribute("class")?.containsLiterally("profile_nickname") ?? false) {
                let text = TextCleaning.line(tree.text(of: index, limit: 200))
                if !text.isEmpty { weChatAccountElement = text }
            }
            switch node.name {
            case "html" where documentLanguage == nil:
                documentLanguage = node.attribute("lang") ?? node.attribute("xml:lang")
            case "head" where headIndex < 0:
                headIndex = index
            case "title" where parent == headIndex && headIndex >= 0 && headTitle == nil:
                headTitle = tree.text(of: index, limit: 4_000)
            case "title" where !parentHidden && looseTitle == nil && !tree.isInside(index, anyOf: ["svg"]):
                looseTitle = tree.text(of: index, limit: 4_000)
            case "meta" where !parentHidden:
                guard let content = node.attribute("content") else { break }
                for keyName in ["property", "name", "itemprop"] {
                    guard let key = node.attribute(keyName).map(Self.key), !key.isEmpty else { continue }
                    let inHead = headIndex >= 0 && index < nodes[headIndex].end
                    if inHead {
                        if metas[key] == nil { metas[key] = content }
                    } else if bodyMetas[key] == nil {
                        bodyMetas[key] = content
                    }
                }
            case "link" where canonical == nil && !parentHidden:
                let relations = (node.attribute("rel") ?? "").lowercased().split(separator: " ")
                if relations.contains("canonical"), let href = node.attribute("href"), !href.isEmpty { canonical = href }
            case "a" where !parentHidden && homeLinkTexts.count < 16 && node.end - index <= 8:
                if let href = node.attribute("href"), Self.isHomePage(href) {
                    let text = TextCleaning.line(tree.text(of: index, limit: 200))
                    if (2...40).contains(text.count) { homeLinkTexts.append(text) }
                }
            case "h1", "h2":
                guard !parentHidden else { break }
                if node.name == "h2" {
                    if h2Indices.count < 64 { h2Indices.append(index) }
                    break
                }
                h1Count += 1
                guard headings.count < 8 else { break }
                let text = TextCleaning.line(tree.text(of: index, separatingBlocks: true, limit: 2_000), limit: .max)
                if !text.isEmpty { headings.append(text) }
            case "time" where !parentHidden && times.count < 16:
                let marks = [node.attribute("class"), node.attribute("id"), node.attribute("itemprop")]
                    .compactMap { $0 }.joined(separator: " ")
                times.append(TimeElement(
                    value: node.attribute("datetime") ?? tree.text(of: index, limit: 200),
                    marksPublication: node.attribute("pubdate") != nil || Self.publicationMarks.occurs(in: marks),
                    marksModification: Self.modificationMarks.occurs(in: marks), index: index))
            case "abbr" where !parentHidden && times.count < 16:
                // hAtom (microformats): the machine-readable time is the `title` of an abbr classed `published`
                // or `updated`.
                guard let value = node.attribute("title"), let className = node.attribute("class")?.lowercased() else { break }
                let published = className.containsLiterally("published"), updated = className.containsLiterally("updated")
                if published || updated {
                    times.append(TimeElement(value: value, marksPublication: published, marksModification: updated && !published,
                                             index: index))
                }
            case "script":
                let text = tree.text(of: index)
                if (node.attribute("type") ?? "").lowercased().contains("ld+json") {
                    linkedData.read(json: text)
                } else if Self.weChatMarkers.occurs(in: text) {
                    weChatScripts.append(text)
                }
            default:
                break
            }
        }
        metas.merge(bodyMetas) { head, _ in head }
        headTitle = headTitle ?? looseTitle
    }

    /// The text of the first `<h1>` and `<h2>` elements.
    func h1AndH2(in tree: DocumentTree) -> Set<String> {
        Set(headings + h2Indices.map { TextCleaning.line(tree.text(of: $0, separatingBlocks: true, limit: 2_000), limit: .max) })
    }

    func meta(_ keys: String...) -> String? {
        meta(keys)
    }

    func meta(_ keys: [String]) -> String? {
        for key in keys {
            if let value = metas[key], !TextCleaning.line(value).isEmpty { return value }
        }
        return nil
    }

    /// WeChat's `var msg_title = '…'`: the article's own headline on mp.weixin.qq.com pages.
    var weChatTitle: String? {
        weChatScripts.lazy.compactMap { WeChatVariables.value(of: "msg_title", in: $0) }.first
    }

    /// The WeChat account (公众号) that sent the article: `var nickname = htmlDecode("…")` in the page's
    /// script, else the name shown at the top of the article.
    var weChatAccountName: String? {
        weChatScripts.lazy.compactMap { WeChatVariables.value(of: "nickname", in: $0) }.first ?? weChatAccountElement
    }

    /// WeChat's `var ct = "1581517074"`: when the article was sent, in seconds since 1970 (the page shows it
    /// through a script, so the saved page has no date in its text).
    var weChatPublicationTime: String? {
        weChatScripts.lazy.compactMap { WeChatVariables.value(of: "ct", in: $0) }.first
    }

    /// Values of `<meta>` names not in `DateChoice.publishedKeys` that still say "published" or "created"
    /// (`og:article:published_date`, `rnews:datepublished`, `article:post_date`, `content_create_date`…)
    /// and not a modification or an expiry, in key order so the choice is the same on every run.
    var otherPublicationMetas: [String] {
        metas.keys.sorted().filter { key in
            Self.publicationKeyWords.contains { key.contains($0) } && !Self.otherKeyWords.contains { key.contains($0) }
                && !DateChoice.publishedKeys.contains(key)
        }.compactMap { metas[$0] }
    }

    private static let publicationKeyWords = ["publish", "pubdate", "pub_date", "pubtime", "posted", "post_date",
                                              "created", "create_date", "releasedate", "release_date"]
    private static let otherKeyWords = ["modif", "updat", "expir", "end", "edit", "revis", "lastmod"]

    private static func key(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { !TextCleaning.isWhiteSpace($0) })
    }

    /// `/`, `./`, `../`, and `scheme://host/` (or `//host/`) with nothing after the host but an `index.*`
    /// page. Read by hand: every link of a page is checked, and parsing each as a URL costs more than the
    /// rest of the metadata walk.
    private static func isHomePage(_ href: String) -> Bool {
        var bytes = Substring(href).utf8.drop { $0 == 0x20 }
        while let last = bytes.last, last == 0x20 { bytes = bytes.dropLast() }
        if bytes.elementsEqual("/".utf8) || bytes.elementsEqual("./".utf8) || bytes.elementsEqual("../".utf8) { return true }
        let lowered = bytes.prefix(8).map(\.asciiLowercased)
        let schemeLength: Int
        if lowered.starts(with: "https://".utf8) { schemeLength = 8 }
        else if lowered.starts(with: "http://".utf8) { schemeLength = 7 }
        else if lowered.starts(with: "//".utf8) { schemeLength = 2 }
        else { return false }
        let rest = bytes.dropFirst(schemeLength)
        guard let hostEnd = rest.firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) else { return !rest.isEmpty }
        guard hostEnd > rest.startIndex, rest[hostEnd] == 0x2F else { return false }
        let path = rest[rest.index(after: hostEnd)...]
        return path.isEmpty || (path.starts(with: "index.".utf8) && !path.contains(0x3F) && !path.contains(0x2F))
    }
}
