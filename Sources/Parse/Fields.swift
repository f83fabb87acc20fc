import Foundation
import SluiceCore

/// Picks the article title from the page's candidates and strips the site name that `<title>` carries.
enum TitleChoice {
    /// Separators between a headline and a site or channel name, checked from the end of the title.
    private static let separators = [" | ", " - ", " – ", " — ", " :: ", " » ", " / ", "｜", "|", "_", "－", "—", "–", "-"]
    /// Endings of segment text that name a site or channel rather than an article.
    private static let siteWords = [
        "网", "新闻", "频道", "知乎", "论坛", "博客", "日报", "晚报", "首页", "官网", "在线", "门户", "社区",
        "客户端", "订阅", "号", "36氪", "百科", "中心", "平台", "之家", ".com", ".cn", ".net", ".org",
    ]

    /// Metadata titles (JSON-LD, og:title, twitter:title) are the publisher's own headline: taken as they are,
    /// except that CJK ones lose a trailing site name and truncated ones ("…") give way. A CJK `<title>`
    /// gives way to a heading it starts with (the headline without the site suffix), else loses its site
    /// suffix; when the page text never mentions it, the last headline-like element before the text wins.
    /// Latin `<title>`s follow Readability's rules, which keep the title whole unless a cut leaves a clear
    /// headline.
    static func choose(headTitle: String?, metaTitles: [String?], headings: [String], bodyText: String,
                       siteName: String?) -> String? {
        let head = headTitle.map { TextCleaning.line($0) } ?? ""
        let metas = metaTitles.compactMap { $0.map { TextCleaning.line($0) } }.filter { !$0.isEmpty }
        if let meta = metas.first(where: { !isCut($0) }) {
            return isCJK(meta) ? strip(meta, siteName: siteName) : meta
        }
        guard !head.isEmpty else { return headings.last }
        guard isCJK(head) else { return readabilityTitle(head, headings: headings) }
        let compactHead = head.filter { !$0.isWhitespace }
        if let heading = headings.first(where: { heading in
            heading.count >= 4 && compactHead.hasPrefix(heading.filter { !$0.isWhitespace })
        }) {
            return heading
        }
        let stripped = strip(head, siteName: siteName)
        if isCut(stripped), let completed = completion(of: stripped, in: bodyText) { return completed }
        let suffixRemoved = stripped.count < head.count && ["_", "|", "｜"].contains { head.contains($0) }
        if headings.isEmpty || suffixRemoved || bodyText.contains(stripped) { return stripped }
        return headings.last
    }

    /// `<title>` without its site name, by the rules for its script; the reference for JSON-LD's name/headline choice.
    static func headline(fromHeadTitle title: String?) -> String? {
        guard let title else { return nil }
        let line = TextCleaning.line(title)
        return isCJK(line) ? strip(line, siteName: nil) : readabilityTitle(line, headings: [])
    }

    private static func isCut(_ title: String) -> Bool {
        title.hasSuffix("...") || title.hasSuffix("…")
    }

    /// A title the site cut short (`【安徽阜阳一动物园2...`), completed from the body where its start opens a
    /// line: up to the closing `】` when it opens with `【`, else to the end of that line's first sentence.
    private static func completion(of cut: String, in bodyText: String) -> String? {
        let start = String(cut.drop { $0 == "【" }.reversed().drop { $0 == "." || $0 == "…" }.reversed())
        guard start.count >= 4, let found = bodyText.range(of: start) else { return nil }
        let opener = bodyText[..<found.lowerBound].last
        guard opener == nil || opener == "\n" || opener == "【" else { return nil }
        let stops: Set<Character> = opener == "【" ? ["】", "\n"] : ["。", "！", "!", "\n"]
        let rest = bodyText[found.lowerBound...].prefix(200)
        guard let end = rest.firstIndex(where: stops.contains), opener == "【" || rest[end] != "\n" else { return nil }
        let completed = TextCleaning.line(String(rest[..<end]))
        return completed.count > start.count ? completed : nil
    }

    private static func isCJK(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: Script.isCharacterToken)
    }

    private static func wordCount(_ text: String) -> Int {
        text.split { $0.isWhitespace }.count
    }

    /// Readability's `_getArticleTitle` for titles in spaced scripts.
    static func readabilityTitle(_ original: String, headings: [String]) -> String {
        let separatorCharacters: Set<Character> = ["|", "-", "\\", "/", ">", "»"]
        let hierarchical: Set<Character> = ["\\", "/", ">", "»"]
        let characters = Array(original)
        let separatorPositions = characters.indices.filter { index in
            index > 0 && index + 1 < characters.count && characters[index - 1] == " " && characters[index + 1] == " "
                && separatorCharacters.contains(characters[index])
        }
        var current = original
        var hadHierarchical = false
        if let last = separatorPositions.last, let first = separatorPositions.first {
            hadHierarchical = separatorPositions.contains { hierarchical.contains(characters[$0]) }
            current = String(characters[..<last])
            if wordCount(current) < 3 { current = String(characters[(first + 1)...]) }
        } else if let colon = original.range(of: ": "), let lastColon = original.range(of: ":", options: .backwards) {
            if !headings.contains(original) {
                current = String(original[original.index(after: lastColon.lowerBound)...])
                if wordCount(current) < 3 {
                    current = String(original[colon.upperBound...])
                } else if wordCount(String(original[..<colon.lowerBound])) > 5 {
                    current = original
                }
            }
        } else if original.count > 150 || original.count < 15, headings.count == 1 {
            current = headings[0]
        }
        current = TextCleaning.line(current)
        let separatorFree = TextCleaning.line(String(original.filter { !separatorCharacters.contains($0) }))
        if wordCount(current) <= 4, !hadHierarchical || wordCount(current) != wordCount(separatorFree) - 1 {
            return original
        }
        return current
    }

    /// Removes trailing (and a leading) segments naming the site from a CJK title: segments after `_` or a
    /// bar always (headlines do not use them), after a dash only when short or naming a site.
    static func strip(_ title: String, siteName: String?) -> String {
        var current = title
        let site = siteName.map { TextCleaning.line($0) } ?? ""
        for _ in 0..<6 {
            guard let (front, back, separator) = lastSplit(current) else { break }
            let namesSite = (!site.isEmpty && (back == site || site.contains(back) || back.contains(site)))
                || siteWords.contains { back.lowercased().hasSuffix($0) }
            let alwaysSplits = separator.contains("_") || separator.contains("|") || separator.contains("｜")
            let dash = separator.contains("-") || separator.contains("－")
            guard alwaysSplits || namesSite || (dash && back.count <= 8 && front.count >= 6) else { break }
            current = front
        }
        if !site.isEmpty, let (front, back) = firstSplit(current), front == site, !back.isEmpty {
            current = back
        }
        return current
    }

    private static func lastSplit(_ title: String) -> (String, String, String)? {
        for separator in separators {
            guard let range = title.range(of: separator, options: .backwards) else { continue }
            let front = title[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let back = title[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if !front.isEmpty, !back.isEmpty { return (front, back, separator) }
        }
        return nil
    }

    private static func firstSplit(_ title: String) -> (String, String)? {
        for separator in separators {
            guard let range = title.range(of: separator) else { continue }
            return (title[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                    title[range.upperBound...].trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// Headline-like elements before the article text: headings, and on old table layouts the bold or large
/// short line above the text.
enum Headline {
    private static let emphasis: Set<String> = ["h1", "h2", "h3", "b", "strong", "font"]

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

    /// Without decoration around it: bullets, stars and a leading `[channel]` or `【channel】` tag.
    private static func trimmedHeadline(_ text: String) -> String {
        var result = Substring(text)
        while let first = result.unicodeScalars.first, "*·•★☆■□◆◇>》#".unicodeScalars.contains(first) {
            result = result.dropFirst()
        }
        for (open, close) in [("[", "]"), ("【", "】")] where result.hasPrefix(open) {
            if let end = result.firstIndex(of: Character(close)), result[result.index(after: end)...].count >= 4 {
                result = result[result.index(after: end)...]
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
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
            guard query.contains("__biz="), let items = URLComponents(string: query)?.queryItems else { continue }
            func item(_ name: String) -> String? { items.first { $0.name == name }?.value.flatMap { $0.isEmpty ? nil : $0 } }
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

    /// The first non-empty quoted string of `var name = "a" || "b"` (or `window.name = …`).
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

/// Absolute `http`/`https` URLs from attribute values, resolved against the page's base URL.
struct LinkResolver {
    private let base: URL?

    init(baseURL: String?) {
        base = baseURL.flatMap { URL(string: $0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func resolve(_ reference: String) -> String? {
        let padded = reference.unicodeScalars.first.map(TextCleaning.isWhiteSpace) == true
            || reference.unicodeScalars.last.map(TextCleaning.isWhiteSpace) == true
        let trimmed = padded ? reference.trimmingCharacters(in: .whitespacesAndNewlines) : reference
        guard !trimmed.isEmpty, trimmed.utf8.count < 4_096, !trimmed.unicodeScalars.contains(where: TextCleaning.isControl),
              let url = URL(string: trimmed, relativeTo: base)?.absoluteURL,
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false else { return nil }
        return url.absoluteString
    }
}
