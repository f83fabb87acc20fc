import Foundation
import SluiceCore

/// Headline-like elements before the article text: headings, and on old table layouts the bold or large
/// short line above the text.
enum Headline {
    private static let emphasis: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "font"]

    /// Candidates in document order, from the start of the body to the first long paragraph of the content.
    static func candidates(in tree: DocumentTree, before roots: [Int]) -> [String] {
        guard let root = roots.first else { return [] }
        var limit = tree.nodes[root].end
        for index in root..<tree.nodes[root].end where tree.nodes[index].isText
            && Script.visibleLength(tree.nodes[index].text) >= 40 {
            limit = index
            break
        }
        var found: [String] = []
        var index = 0
        while index < limit {
            let node = tree.nodes[index]
            if MainText.ignoredTags.contains(node.name) {
                index = node.end
                continue
            }
            // A headline is a short run of text: elements spanning many nodes are containers, not headlines.
            if node.end - index <= 24,
               emphasis.contains(node.name) || namesHeadline(node) {
                let text = trimmedHeadline(TextCleaning.line(tree.text(of: index, separatingBlocks: true), limit: .max))
                let length = text.count
                if (4...80).contains(length), let last = text.unicodeScalars.last,
                   !Script.isSentenceEnd(last) || last == "？" || last == "！", !looksLikeByline(text) {
                    if found.last.map({ !$0.contains(text) }) ?? true { found.append(text) }
                    index = node.end
                    continue
                }
            }
            index += 1
        }
        return found
    }

    private static let headlineNames = NeedleSet(["title", "headline"])

    private static func namesHeadline(_ node: DocumentTree.Node) -> Bool {
        headlineNames.occurs(in: node.attribute("class")) || headlineNames.occurs(in: node.attribute("id"))
    }

    /// Without the bullets and stars around it. A leading `[channel]` or `【channel】` tag stays: whether it is
    /// part of the headline is decided against `<title>` (see `TitleChoice`).
    private static func trimmedHeadline(_ text: String) -> String {
        var result = Substring(text)
        while let first = result.unicodeScalars.first, "*·•★☆■□◆◇>》#".unicodeScalars.contains(first) {
            result = result.dropFirst()
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// `text` without a leading `[channel]` or `【channel】` tag, when the rest is long enough to be a headline.
    static func withoutLeadingTag(_ text: String) -> String {
        var result = Substring(text)
        for (open, close) in [("[", "]"), ("【", "】")] where result.hasPrefix(open) {
            if let end = result.firstIndex(of: Character(close)), result[result.index(after: end)...].count >= 4 {
                result = result[result.index(after: end)...]
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// Folded texts of the links and breadcrumb items before the article (`新闻动态` in a menu, `首页 > 新闻动态`):
    /// the site's channels. A `<title>` that is only one of them names a listing, not the article.
    static func channels(in tree: DocumentTree, before roots: [Int]) -> Set<String> {
        guard let root = roots.first else { return [] }
        var found = Set<String>()
        var index = 0
        while index < root {
            let node = tree.nodes[index]
            if MainText.ignoredTags.contains(node.name) {
                index = node.end
                continue
            }
            if node.kind.contains(.link), node.end - index <= 6 {
                let text = TextCleaning.line(tree.text(of: index, limit: 80))
                if (2...20).contains(text.count) { found.insert(SiteNames.fold(text)) }
                index = node.end
                continue
            }
            if node.isText, let crumbs = breadcrumb(node.text) { found.formUnion(crumbs) }
            index += 1
        }
        return found
    }

    private static let breadcrumbStarts = ["首页", "主页", "网站首页", "当前位置", "您的位置", "你的位置", "位置", "home"]

    /// The items after the first of `首页 > 新闻 > 国内`, `当前位置：首页 - 新闻动态`, `Home » News`.
    private static func breadcrumb(_ text: String) -> [String]? {
        let line = TextCleaning.line(text, limit: 200).lowercased()
        guard line.count <= 80, breadcrumbStarts.contains(where: line.hasPrefix) else { return nil }
        let items = line.split(whereSeparator: { ">»›→＞/-|".contains($0) || $0 == "：" || $0 == ":" })
            .map { SiteNames.fold(String($0)) }.filter { !$0.isEmpty }
        return items.count >= 2 ? Array(items.dropFirst()) : nil
    }

    /// Date lines and bylines ("作者：… 发布日期：7/5/2005 9:23:57 PM") are not headlines.
    private static func looksLikeByline(_ text: String) -> Bool {
        if PublishedDate.normalize(text) != nil { return true }
        let scalars = Array(text.unicodeScalars)
        for index in scalars.indices.dropFirst().dropLast(2) where scalars[index] == ":"
            && scalars[index - 1].properties.numericType != nil && scalars[index + 1].properties.numericType != nil {
            return true
        }
        return false
    }
}

/// The edges of the article text: the headline repeated at the top with its date line, and the publisher's
/// boilerplate at the bottom (editor credit, disclaimers, "back to the site"), which the title and date fields
/// already carry or which is not the article.
enum ArticleEdges {
    private static let trailingMarkers = NeedleSet([
        "责任编辑", "平台声明", "免责声明", "版权声明", "版权所有", "返回搜狐", "查看更多", "扫描二维码", "未经授权",
        "转载请注明", "本文来源", "(编辑", "（编辑",
    ])

    static func trim(_ paragraphs: [String], title: String?) -> [String] {
        var start = 0
        let compactTitle = title.map { $0.filter { !$0.isWhitespace } } ?? ""
        while start < min(paragraphs.count, 4), paragraphs[start].count < 60 {
            let paragraph = paragraphs[start]
            let isTitle = !compactTitle.isEmpty && paragraph.filter { !$0.isWhitespace } == compactTitle
            let isDateLine = paragraph.count < 40 && (PublishedDate.normalize(paragraph) != nil || paragraph.hasPrefix("发布于"))
            guard isTitle || isDateLine else { break }
            start += 1
        }
        var end = paragraphs.count
        while end > start + 1, paragraphs[end - 1].count < 120,
              trailingMarkers.occurs(in: paragraphs[end - 1]) {
            end -= 1
        }
        return Array(paragraphs[start..<end])
    }
}

/// WeChat article identity from the variables a WeChat page embeds (`var biz = "…" || "";`) or from the
/// query of an article link (`__biz`, `mid`, `idx`, `sn`).
enum WeChatVariables {
    static func identity(scripts: [String], links: [String]) -> WeChatIdentity? {
        for script in scripts {
            if let biz = value(of: "biz", in: script), let mid = value(of: "mid", in: script),
               let idx = value(of: "idx", in: script), let sn = value(of: "sn", in: script) {
                return cleaned(biz: biz, mid: mid, idx: idx, sn: sn)
            }
        }
        for link in links {
            let query = link.replacingOccurrences(of: "&amp;", with: "&")
            guard query.contains("__biz="), let items = (try? HTTPURL(query))?.queryItems else { continue }
            func item(_ name: String) -> String? { items.first { $0.name == name }.flatMap { $0.value.isEmpty ? nil : $0.value } }
            if let biz = item("__biz"), let mid = item("mid"), let idx = item("idx"), let sn = item("sn") {
                return cleaned(biz: biz, mid: mid, idx: idx, sn: sn)
            }
        }
        return nil
    }

    /// Identity values come from page scripts and links: cleaned and capped like every stored string.
    private static func cleaned(biz: String, mid: String, idx: String, sn: String) -> WeChatIdentity? {
        let values = [biz, mid, idx, sn].map { TextCleaning.line($0, limit: 128) }
        guard !values.contains(where: \.isEmpty) else { return nil }
        return WeChatIdentity(biz: values[0], mid: values[1], idx: values[2], sn: values[3])
    }

    /// The first non-empty quoted string of `var name = "a" || "b"` (or `window.name = …`), also inside the
    /// `htmlDecode("…")` WeChat wraps names in.
    static func value(of name: String, in script: String) -> String? {
        for prefix in ["var \(name) ", "var \(name)=", "window.\(name) ", "window.\(name)="] {
            var searchStart = script.startIndex
            while let found = script.range(of: prefix, range: searchStart..<script.endIndex) {
                searchStart = found.upperBound
                if let value = firstQuoted(after: found.upperBound, in: script) { return value }
            }
        }
        return nil
    }

    private static func firstQuoted(after start: String.Index, in script: String) -> String? {
        var position = start
        var sawEquals = false
        var quote: Character?
        var current = ""
        while position < script.endIndex {
            let character = script[position]
            position = script.index(after: position)
            if let open = quote {
                if character == open {
                    let cleaned = current.trimmingCharacters(in: .whitespaces)
                    if !cleaned.isEmpty, cleaned.count <= 128 { return cleaned }
                    quote = nil
                    current = ""
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "=" where !sawEquals: sawEquals = true
            case "\"", "'":
                guard sawEquals else { return nil }
                quote = character
            case " ", "|", "\t": continue
            case "h" where sawEquals && script[position...].hasPrefix("tmlDecode("):
                position = script.index(position, offsetBy: 10)
            default: return nil
            }
        }
        return nil
    }
}

/// `zh`, `en` or `other`, from script statistics of the text and the page's `lang` attribute.
enum LanguageGuess {
    private static let englishWords: Set<[UInt8]> = Set(
        ["the", "and", "of", "to", "is", "in", "that", "for", "with", "was"].map { Array($0.utf8) })

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) }
        return scalar.properties.isAlphabetic
    }

    static func guess(text: String, declared: String?) -> String? {
        var han = 0, kana = 0, hangul = 0, latin = 0, letters = 0
        for scalar in text.unicodeScalars.prefix(4_000) where isLetter(scalar) {
            letters += 1
            if Script.isHan(scalar) { han += 1 } else if Script.isKana(scalar) { kana += 1 }
            else if Script.isHangul(scalar) { hangul += 1 } else if scalar.value < 0x250 { latin += 1 }
        }
        let declaredPrimary = declared?.lowercased().split(separator: "-").first.map(String.init)
        guard letters >= 20 else {
            guard let declaredPrimary, !declaredPrimary.isEmpty else { return nil }
            return declaredPrimary == "zh" || declaredPrimary == "en" ? declaredPrimary : "other"
        }
        if han * 10 >= letters * 3, kana * 20 < han { return "zh" }
        if latin * 2 < letters { return "other" }
        if let declaredPrimary, !declaredPrimary.isEmpty { return declaredPrimary == "en" ? "en" : "other" }
        var words = 0, common = 0
        var word: [UInt8] = []
        for byte in text.utf8.prefix(6_000) {
            if (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte >= 0x80 {
                word.append(byte | (byte < 0x80 ? 0x20 : 0))
                continue
            }
            guard !word.isEmpty else { continue }
            words += 1
            if englishWords.contains(word) { common += 1 }
            word.removeAll(keepingCapacity: true)
        }
        return common * 12 >= max(words, 1) ? "en" : "other"
    }
}

/// Absolute `http`/`https` URLs from attribute values, resolved against the page's base URL by the one URL parser.
struct LinkResolver {
    private let base: HTTPURL?

    init(baseURL: String?) {
        base = baseURL.flatMap { try? HTTPURL($0) }
    }

    func resolve(_ reference: String) -> String? {
        let padded = reference.unicodeScalars.first.map(TextCleaning.isWhiteSpace) == true
            || reference.unicodeScalars.last.map(TextCleaning.isWhiteSpace) == true
        let trimmed = padded ? reference.trimmingCharacters(in: .whitespacesAndNewlines) : reference
        guard !trimmed.isEmpty, trimmed.utf8.count < 4_096 else { return nil }
        return (try? HTTPURL(trimmed, relativeTo: base))?.href
    }
}
