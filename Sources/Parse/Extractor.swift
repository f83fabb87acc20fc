public import Foundation
public import SluiceCore

/// Turns one decoded page into a `Page`: metadata, the main text, an excerpt and WeChat identity.
///
/// Stateless and `Sendable`: each call parses its own document on the calling thread, so several threads
/// may extract pages at once.
public struct Extractor: Sendable {
    public let options: ParseOptions

    public init(options: ParseOptions = ParseOptions()) {
        self.options = options
    }

    /// Extracts every field from `html` (already decoded to a String by the fetch stage). `baseURL`
    /// resolves relative links and images and may carry the date in its path; `fetchedAt` (now when nil)
    /// bounds the publication date, which cannot be later. Throws `Problem(.parseError, stage: .parse,
    /// message:)` only when nothing usable can be read.
    public func extract(html: String, baseURL: String?, fetchedAt: Date? = nil) throws -> Page {
        let name = baseURL.map { TextCleaning.line($0, limit: 300) } ?? "page"
        let document: HTMLDocument
        do {
            document = try HTMLDocument(html: html, url: baseURL)
        } catch {
            throw Problem(.parseError, stage: .parse, message: "\(name): \(error.description)")
        }
        let tree = document.tree
        guard !tree.nodes.isEmpty else {
            throw Problem(.parseError, stage: .parse, message: "\(name): no HTML elements in \(html.utf8.count) bytes")
        }
        var page = build(tree: tree, truncated: document.truncated, baseURL: baseURL, fetchedAt: fetchedAt ?? Date())
        if document.cuts.longTags > 0 {
            page.warnings.append("\(document.cuts.longTags) tag(s) had more than \(MarkupLimits.attributesPerTag) attributes; the rest were dropped")
        }
        if document.cuts.unseenNames > 0 {
            page.warnings.append("the page used more than \(MarkupLimits.distinctNames) distinct tag or attribute names; \(document.cuts.unseenNames) tags or attributes with further names were dropped")
        }
        return page
    }

    private func build(tree: DocumentTree, truncated: Bool, baseURL: String?, fetchedAt: Date) -> Page {
        let metadata = Metadata(tree: tree)
        let resolver = LinkResolver(baseURL: baseURL)
        let (paragraphs, roots) = MainText.extract(from: tree)
        let fullText = paragraphs.joined(separator: "\n\n")

        var page = Page()
        page.truncated = truncated
        if truncated {
            page.warnings.append("the parser dropped part of the page (nesting deeper than 256 or a text node over 10 MB)")
        }
        let siteName = metadata.meta("og:site_name", "application-name") ?? metadata.linkedData.publisher
            ?? metadata.linkedData.anyPublisher
        // A WeChat article's site is the account that sent it; the platform's own name says nothing.
        let weChatAccount = Self.isWeChatArticle(baseURL: baseURL, metadata: metadata) ? metadata.weChatAccountName : nil
        page.siteName = cleaned(weChatAccount ?? siteName, limit: options.titleLimit)
        page.title = cleaned(title(metadata, tree: tree, roots: roots, bodyText: fullText, baseURL: baseURL),
                             limit: options.titleLimit)
        let articleParagraphs = ArticleEdges.trim(paragraphs, title: page.title)
        let trimmed = articleParagraphs.joined(separator: "\n\n")
        // Counting characters is slow on long text; fewer UTF-8 bytes than the limit means fewer characters.
        let mainText = trimmed.utf8.count <= options.textLimit ? trimmed : TextCleaning.truncate(trimmed, to: options.textLimit)
        page.mainText = mainText
        let declaredDescription = [metadata.meta("og:description", "description", "twitter:description"),
                                   metadata.linkedData.description]
            .compactMap { $0 }.first { !Summary.repeatsTitle($0, title: page.title) }
        let lead = Summary.lead(of: articleParagraphs, title: page.title)
        page.description = cleaned(declaredDescription ?? Script.leadingSentences(lead, limit: 160),
                                   limit: options.descriptionLimit)
        page.excerpt = TextCleaning.line(
            Script.leadingSentences(lead.isEmpty ? (page.description ?? "") : lead, limit: options.excerptLength),
            limit: options.excerptLength + 1)
        page.canonicalURL = [metadata.canonical, metadata.meta("og:url")].compactMap { $0 }
            .lazy.compactMap(resolver.resolve).first
        page.author = cleaned(author(metadata), limit: options.titleLimit)
        page.publishedDate = DateChoice.choose(metadata: metadata, tree: tree, roots: roots, url: baseURL,
                                               fetchedAt: fetchedAt)
        page.language = LanguageGuess.guess(text: mainText.isEmpty ? (page.title ?? "") : mainText,
                                            declared: metadata.documentLanguage)
        page.images = images(metadata, tree: tree, roots: roots, resolver: resolver)
        page.links = links(tree: tree, roots: roots, resolver: resolver)
        page.weChat = WeChatVariables.identity(
            scripts: metadata.weChatScripts,
            links: [baseURL, page.canonicalURL, metadata.meta("og:url")].compactMap { $0 })
        return page
    }

    /// Readability's metadata titles (`weibo:*`, `dc:title` spelt with a dot or a colon too), then the
    /// headlines CJK pages declare elsewhere.
    private func title(_ metadata: Metadata, tree: DocumentTree, roots: [Int], bodyText: String, baseURL: String?) -> String? {
        let site = SiteNames(
            declared: [metadata.meta("og:site_name"), metadata.meta("application-name"), metadata.linkedData.publisher,
                       metadata.linkedData.anyPublisher, metadata.meta("twitter:site").map { $0.replacingOccurrences(of: "@", with: "") }],
            url: baseURL ?? metadata.canonical, homeLinkTexts: metadata.homeLinkTexts)
        var sources = TitleChoice.Sources(
            headTitle: metadata.headTitle, metaTitles: [], cjkMetaTitles: [],
            headings: metadata.headings + Headline.candidates(in: tree, before: roots), h1s: metadata.headings,
            h1AndH2: { metadata.h1AndH2(in: tree) }, h1Count: metadata.h1Count, firstH1: metadata.headings.first,
            bodyText: bodyText, site: site, channels: { Headline.channels(in: tree, before: roots) })
        let linkedTitle = metadata.linkedData.title {
            TitleChoice.headline(fromHeadTitle: metadata.headTitle, sources: sources)
        }
        sources.metaTitles = [
            linkedTitle,
            metadata.meta("dc:title", "dc.title", "dc-title"), metadata.meta("dcterm:title", "dcterm.title", "dcterm-title"),
            metadata.meta("og:title"), metadata.meta("weibo:article:title"), metadata.meta("weibo:webpage:title"),
            metadata.meta("title"), metadata.meta("twitter:title"), metadata.meta("parsely-title"),
        ]
        sources.cjkMetaTitles = [
            sources.metaTitles[0], metadata.meta("og:title"), metadata.meta("weibo:article:title"),
            metadata.meta("weibo:webpage:title"), metadata.meta("twitter:title"), metadata.weChatTitle,
            metadata.itemProperties["headline"], metadata.linkedData.anyHeadline,
        ]
        return TitleChoice.choose(sources)
    }

    /// A page from mp.weixin.qq.com, or one carrying WeChat's article variables (a saved copy elsewhere).
    private static func isWeChatArticle(baseURL: String?, metadata: Metadata) -> Bool {
        if !metadata.weChatScripts.isEmpty { return true }
        let links = [baseURL, metadata.canonical, metadata.meta("og:url")].compactMap { $0 }
        return links.contains { (try? HTTPURL($0))?.host.serialized == "mp.weixin.qq.com" }
    }

    private func cleaned(_ text: String?, limit: Int) -> String? {
        guard let text else { return nil }
        // Private-use characters are icon-font glyphs: invisible or meaningless outside the page's fonts.
        let visible = String(String.UnicodeScalarView(text.unicodeScalars.filter { !(0xE000...0xF8FF).contains($0.value) }))
        let line = TextCleaning.line(visible, limit: limit)
        return line.isEmpty ? nil : line
    }

    private func author(_ metadata: Metadata) -> String? {
        let candidates = [metadata.meta("author", "article:author", "dc.creator", "byl", "parsely-author"),
                          metadata.linkedData.author]
        return candidates.compactMap { $0 }.first { !$0.lowercased().hasPrefix("http") }
    }

    private func images(_ metadata: Metadata, tree: DocumentTree, roots: [Int], resolver: LinkResolver) -> [String] {
        var found = [metadata.meta("og:image", "og:image:url", "twitter:image")].compactMap { $0 }
        for root in roots {
            for index in root..<tree.nodes[root].end where tree.nodes[index].name == "img" {
                let node = tree.nodes[index]
                if let source = node.attribute("data-src") ?? node.attribute("data-original") ?? node.attribute("src") {
                    found.append(source)
                }
            }
        }
        return unique(found.compactMap(resolver.resolve), limit: options.maxImages)
    }

    private func links(tree: DocumentTree, roots: [Int], resolver: LinkResolver) -> [String] {
        // A page's navigation repeats the same few references many times: each is resolved once.
        var references = Set<String>()
        var resolved = Set<String>()
        var found: [String] = []
        for root in roots {
            for index in root..<tree.nodes[root].end where tree.nodes[index].name == "a" {
                guard found.count < options.maxLinks else { return found }
                guard let href = tree.nodes[index].attribute("href"), references.insert(href).inserted,
                      let url = resolver.resolve(href), resolved.insert(url).inserted else { continue }
                found.append(url)
            }
        }
        return found
    }

    private func unique(_ values: [String], limit: Int) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for value in values where result.count < limit && seen.insert(value).inserted { result.append(value) }
        return result
    }
}

/// Where a summary starts: a description or excerpt that only repeats the headline tells a moderator nothing.
enum Summary {
    /// True when `text` is the title again, or a part of it (a site's description set to its headline).
    static func repeatsTitle(_ text: String, title: String?) -> Bool {
        let compactTitle = compact(title ?? "")
        let compactText = compact(text)
        return !compactTitle.isEmpty && (compactText.isEmpty || compactTitle.contains(compactText))
    }

    /// The first paragraph of the article that is not the headline, a headline with the site's name added,
    /// or a short date line under it; a paragraph that opens with the headline keeps what follows it.
    static func lead(of paragraphs: [String], title: String?) -> String {
        let compactTitle = compact(title ?? "")
        let lead = paragraphs.first { paragraph in
            let compactParagraph = compact(paragraph.prefix(compactTitle.count + 40))
            let isHeadline = !compactTitle.isEmpty && compactParagraph.count <= compactTitle.count + 20
                && (compactTitle.contains(compactParagraph) || compactParagraph.contains(compactTitle))
            let isDateLine = paragraph.utf8.count < 160 && paragraph.count < 40 && PublishedDate.normalize(paragraph) != nil
            return !isHeadline && !isDateLine
        } ?? ""
        guard let title, !title.isEmpty, lead.hasPrefix(title) else { return lead }
        let rest = lead.dropFirst(title.count).drop { $0.isWhitespace || $0.isPunctuation }
        return rest.isEmpty ? lead : String(rest)
    }

    private static func compact<Text: StringProtocol>(_ text: Text) -> String {
        String(text.filter { !$0.isWhitespace })
    }
}
