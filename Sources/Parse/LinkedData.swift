import Foundation
import SluiceCore

/// Fields from a page's JSON-LD blocks, read two ways.
///
/// The article fields (`headline`, `name`, `datePublished`, `author`, `publisher`, `description`) follow
/// Readability's reading, the convention our English ground truth and most readers share: the first block
/// (or the first item of an array, or of `@graph` when the block has no type) whose `@context` is schema.org
/// and whose `@type` is one of the article types. Dates are also collected from every object of every
/// block, nested ones and `@graph` included, whatever its type (a `WebPage`, a `VideoObject`…), for pages
/// whose only date sits there.
struct LinkedData {
    var headline: String?
    var name: String?
    var datePublished: String?
    var author: String?
    var publisher: String?
    var description: String?
    /// The first headline of any article-like object (`NewsArticle`, `BlogPosting`, `Report`…), whichever
    /// block it is in.
    var anyHeadline: String?
    /// The publisher's name in any article-like object.
    var anyPublisher: String?
    private var articleDates = Dates()
    private var otherDates = Dates()
    private var readArticle = false

    private struct Dates {
        var published: String?
        var created: String?
        var modified: String?

        mutating func fill(published: String?, created: String?, modified: String?) {
            self.published = self.published ?? published
            self.created = self.created ?? created
            self.modified = self.modified ?? modified
        }
    }

    /// The first of each date in any object of any block, shallowest first, article-like objects' before
    /// the others'.
    var anyDatePublished: String? { articleDates.published ?? otherDates.published }
    var anyDateCreated: String? { articleDates.created ?? otherDates.created }
    var anyDateModified: String? { articleDates.modified ?? otherDates.modified }

    /// Readability's rule: some sites put their own name in `name` and the article title in `headline`,
    /// so when both exist and differ, the headline wins when it matches `<title>` (without its site name,
    /// worked out only then) and the name does not.
    func title(headTitle: () -> String?) -> String? {
        guard let name, let headline, name != headline else { return name ?? headline }
        let head = headTitle() ?? ""
        return Self.similarity(headline, head) > 0.75 && Self.similarity(name, head) <= 0.75 ? headline : name
    }

    /// Readability's `_textSimilarity(candidate, reference)`: the share of `reference`'s text (its
    /// tokens joined by spaces) made of tokens `candidate` also has. Tokens are runs of ASCII letters,
    /// digits and `_`, lower-cased, as JavaScript's `\W` splits them.
    static func similarity(_ candidate: String, _ reference: String) -> Double {
        let candidateTokens = Set(asciiWords(candidate))
        let referenceTokens = asciiWords(reference)
        let total = referenceTokens.joined(separator: " ").count
        guard total > 0, !candidateTokens.isEmpty else { return 0 }
        let unique = referenceTokens.filter { !candidateTokens.contains($0) }.joined(separator: " ").count
        return 1 - Double(unique) / Double(total)
    }

    private static func asciiWords(_ text: String) -> [String] {
        text.lowercased().split { character in
            !(character.isASCII && (character.isLetter || character.isNumber || character == "_"))
        }.map(String.init)
    }

    /// Readability's article types: the pattern `^Article|…|Report|…|APIReference$` matches a type that
    /// starts with `Article`, ends with `APIReference` or contains any of the others.
    private static let articleTypes = [
        "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report",
        "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
        "LiveBlogPosting", "DiscussionForumPosting", "TechArticle",
    ]

    static func isArticleType(_ type: Any?) -> Bool {
        guard let type = type as? String else { return false }
        return type.hasPrefix("Article") || type.hasSuffix("APIReference") || articleTypes.contains { type.contains($0) }
    }

    /// Types whose objects describe the article for the dates and headline read from any block.
    private static func isArticleLike(_ object: [String: Any]) -> Bool {
        strings(object["@type"]).contains { type in
            let lowered = type.lowercased()
            return ["article", "posting", "report", "news", "blog"].contains { lowered.contains($0) }
        }
    }

    mutating func read(json: String) {
        // Some pages wrap the JSON in a CDATA section inside the script.
        var text = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<![CDATA[") { text.removeFirst(9) }
        if text.hasSuffix("]]>") { text.removeLast(3) }
        guard let data = text.data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return }
        if !readArticle, let article = Self.readabilityArticle(in: root) {
            readArticle = true
            func trimmed(_ value: Any?) -> String? {
                (value as? String).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
            headline = trimmed(article["headline"])
            name = trimmed(article["name"])
            datePublished = trimmed(article["datePublished"])
            description = trimmed(article["description"])
            author = Self.names(article["author"]).first
            publisher = trimmed((article["publisher"] as? [String: Any])?["name"])
        }
        readAnywhere(root)
    }

    /// The object Readability takes from one block, or nil when it takes none.
    private static func readabilityArticle(in root: Any) -> [String: Any]? {
        var candidate: [String: Any]?
        if let array = root as? [Any] {
            candidate = array.lazy.compactMap { $0 as? [String: Any] }.first { isArticleType($0["@type"]) }
        } else {
            candidate = root as? [String: Any]
        }
        guard var object = candidate, isSchemaOrg(object["@context"]) else { return nil }
        if object["@type"] == nil, let graph = object["@graph"] as? [Any] {
            guard let found = graph.lazy.compactMap({ $0 as? [String: Any] }).first(where: { isArticleType($0["@type"]) })
            else { return nil }
            object = found
        }
        return isArticleType(object["@type"]) ? object : nil
    }

    private static func isSchemaOrg(_ context: Any?) -> Bool {
        func matches(_ value: Any?) -> Bool {
            guard let text = value as? String else { return false }
            return ["http://schema.org", "https://schema.org", "http://schema.org/", "https://schema.org/"].contains(text)
        }
        if matches(context) { return true }
        return matches((context as? [String: Any])?["@vocab"])
    }

    /// Breadth first over every object of the block (at most 500 values).
    private mutating func readAnywhere(_ root: Any) {
        var level: [Any] = [root]
        var visited = 0
        while !level.isEmpty, visited < 500 {
            var next: [Any] = []
            for value in level where visited < 500 {
                visited += 1
                if let array = value as? [Any] {
                    next.append(contentsOf: array)
                    continue
                }
                guard let object = value as? [String: Any] else { continue }
                let published = Self.strings(object["datePublished"]).first
                let created = Self.strings(object["dateCreated"]).first ?? Self.strings(object["uploadDate"]).first
                let modified = Self.strings(object["dateModified"]).first
                if Self.isArticleLike(object) {
                    anyHeadline = anyHeadline ?? Self.strings(object["headline"]).first
                    anyPublisher = anyPublisher ?? Self.names(object["publisher"]).first
                    articleDates.fill(published: published, created: created, modified: modified)
                } else {
                    otherDates.fill(published: published, created: created, modified: modified)
                }
                for key in object.keys.sorted() where key != "@context" {
                    if let child = object[key], child is [Any] || child is [String: Any] { next.append(child) }
                }
            }
            level = next
        }
    }

    private static func strings(_ value: Any?) -> [String] {
        if let text = value as? String { return [text] }
        if let array = value as? [Any] { return array.compactMap { $0 as? String } }
        return []
    }

    private static func names(_ value: Any?) -> [String] {
        if let text = value as? String { return [text] }
        if let object = value as? [String: Any] { return strings(object["name"]) }
        if let array = value as? [Any] { return array.flatMap { names($0) } }
        return []
    }
}
