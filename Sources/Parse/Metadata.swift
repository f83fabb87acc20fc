import Foundation
import SluiceCore

/// Page metadata read from one walk over the tree: `<meta>` values, the head title, canonical link, JSON-LD
/// fields, headings, `<time>` values and inline scripts. Text inside `<noscript>`, `<template>`, `<textarea>`
/// and `<svg>` is never read: pages put decoy titles there.
struct Metadata {
    /// First `content` per lower-cased `property`, `name` or `itemprop`; head tags win over body tags.
    private(set) var metas: [String: String] = [:]
    /// `/html/head/title[1]`; when the head holds none, the first `<title>` outside decoy containers.
    private(set) var headTitle: String?
    private(set) var canonical: String?
    private(set) var documentLanguage: String?
    private(set) var headings: [String] = []
    private(set) var times: [String] = []
    private(set) var linkedData = LinkedData()
    /// Inline scripts that mention WeChat's identity variables.
    private(set) var weChatScripts: [String] = []

    private static let weChatMarkers = NeedleSet(["var biz", "window.biz", "__biz="])

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
            switch node.name {
            case "html" where documentLanguage == nil:
                documentLanguage = node.attribute("lang") ?? node.attribute("xml:lang")
            case "head" where headIndex < 0:
                headIndex = index
            case "title" where parent == headIndex && headIndex >= 0 && headTitle == nil:
                headTitle = tree.text(of: index)
            case "title" where !parentHidden && looseTitle == nil && !tree.isInside(index, anyOf: ["svg"]):
                looseTitle = tree.text(of: index)
            case "meta" where !parentHidden:
                guard let content = node.attribute("content") else { break }
                for keyName in ["property", "name", "itemprop"] {
                    guard let key = node.attribute(keyName)?.lowercased(), !key.isEmpty else { continue }
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
            case "h1" where !parentHidden && headings.count < 8:
                let text = Script.cleanLine(tree.text(of: index, separatingBlocks: true))
                if !text.isEmpty { headings.append(text) }
            case "time" where !parentHidden && times.count < 8:
                times.append(node.attribute("datetime") ?? tree.text(of: index))
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

    func meta(_ keys: String...) -> String? {
        for key in keys {
            if let value = metas[key], !TextCleaning.line(value).isEmpty { return value }
        }
        return nil
    }
}

/// Article fields from JSON-LD blocks: the first article-like object found wins each field.
struct LinkedData {
    var headline: String?
    var name: String?
    var datePublished: String?
    var author: String?
    var publisher: String?
    var description: String?

    /// Readability's rule: some sites put their own name in `name` and the article title in `headline`,
    /// so when both exist and differ, the one `<title>` contains wins, `name` otherwise.
    func title(headTitle: String?) -> String? {
        guard let name, let headline, name != headline else { return name ?? headline }
        let head = headTitle ?? ""
        return Self.similarity(headline, head) > 0.75 && Self.similarity(name, head) <= 0.75 ? headline : name
    }

    /// Share of `candidate`'s tokens (by text length) that `reference` also has.
    static func similarity(_ candidate: String, _ reference: String) -> Double {
        let referenceTokens = Set(Script.tokens(reference))
        let tokens = Script.tokens(candidate)
        let total = tokens.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0 }
        let shared = tokens.filter { referenceTokens.contains($0) }.reduce(0) { $0 + $1.count }
        return Double(shared) / Double(total)
    }

    private static let articleTypes = ["article", "posting", "news", "report", "webpage", "blog"]

    mutating func read(json: String) {
        // Some pages wrap the JSON in a CDATA section inside the script.
        var text = json.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("<![CDATA["), text.hasSuffix("]]>") {
            text = String(text.dropFirst(9).dropLast(3))
        }
        guard let data = text.data(using: .utf8),
              let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return }
        var pending: [Any] = [root]
        var visited = 0
        while let value = pending.popLast(), visited < 500 {
            visited += 1
            if let array = value as? [Any] {
                pending.append(contentsOf: array.reversed())
                continue
            }
            guard let object = value as? [String: Any] else { continue }
            if let graph = object["@graph"] { pending.append(graph) }
            let types = Self.strings(object["@type"]).map { $0.lowercased() }
            guard types.contains(where: { type in Self.articleTypes.contains { type.contains($0) } }) else { continue }
            headline = headline ?? Self.strings(object["headline"]).first
            name = name ?? Self.strings(object["name"]).first
            datePublished = datePublished ?? Self.strings(object["datePublished"]).first
            description = description ?? Self.strings(object["description"]).first
            author = author ?? Self.names(object["author"]).first
            publisher = publisher ?? Self.names(object["publisher"]).first
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
