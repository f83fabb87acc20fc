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

    static func choose(headTitle: String?, metaTitles: [String?], headings: [String], siteName: String?) -> String? {
        let head = headTitle.map { TextCleaning.line($0) } ?? ""
        if let meta = metaTitles.compactMap({ $0.map { TextCleaning.line($0) } }).first(where: { !$0.isEmpty }) {
            return strip(meta, siteName: siteName, onlyKnownSites: true)
        }
        if !head.isEmpty {
            if let heading = headings.first(where: { $0.count >= 2 && head.hasPrefix($0) && $0.count < head.count }) {
                let rest = head.dropFirst(heading.count).trimmingCharacters(in: .whitespaces)
                if separators.contains(where: { rest.hasPrefix($0.trimmingCharacters(in: .whitespaces)) }) {
                    return heading
                }
            }
            return strip(head, siteName: siteName, onlyKnownSites: false)
        }
        return headings.first
    }

    /// Removes trailing (and a leading) segments naming the site. Titles in CJK scripts drop short trailing
    /// segments; Latin titles drop the last segment only when enough words remain.
    static func strip(_ title: String, siteName: String?, onlyKnownSites: Bool) -> String {
        var current = title
        let site = siteName.map { TextCleaning.line($0) } ?? ""
        for _ in 0..<3 {
            guard let (front, back) = lastSplit(current) else { break }
            let isCJK = back.unicodeScalars.contains(where: Script.isCharacterToken)
                || front.unicodeScalars.contains(where: Script.isCharacterToken)
            let namesSite = (!site.isEmpty && (back == site || site.contains(back) || back.contains(site)))
                || siteWords.contains { back.lowercased().hasSuffix($0) }
            let wordsLeft = front.split(separator: " ").count
            let removable: Bool
            if onlyKnownSites {
                removable = namesSite
            } else if isCJK {
                removable = namesSite || (back.count <= 12 && front.count >= 4)
            } else {
                removable = namesSite || (wordsLeft >= 3 && back.split(separator: " ").count <= 4)
            }
            guard removable, !front.isEmpty else { break }
            current = front
        }
        if !site.isEmpty, let (front, back) = firstSplit(current), front == site, !back.isEmpty {
            current = back
        }
        return current
    }

    private static func lastSplit(_ title: String) -> (String, String)? {
        for separator in separators {
            guard let range = title.range(of: separator, options: .backwards) else { continue }
            let front = title[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let back = title[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if !front.isEmpty, !back.isEmpty { return (front, back) }
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

/// Dates as pages write them: ISO 8601, `2024/3/5`, `2024.03.05`, `2024年3月5日`.
enum PublishedDate {
    /// The first plausible date in `text` as `yyyy-MM-dd`.
    static func normalize(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars.prefix(4_000))
        var index = 0
        while index + 7 < scalars.count {
            if let date = date(at: index, in: scalars) { return date }
            index += 1
        }
        return nil
    }

    private static func digits(at start: Int, in scalars: [Unicode.Scalar], maximum: Int) -> (value: Int, end: Int)? {
        var value = 0
        var position = start
        while position < scalars.count, position - start < maximum, let digit = digitValue(scalars[position]) {
            value = value * 10 + digit
            position += 1
        }
        return position == start ? nil : (value, position)
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: Int(scalar.value - 0xFF10)
        default: nil
        }
    }

    private static func skipSpaces(_ position: Int, _ scalars: [Unicode.Scalar]) -> Int {
        var position = position
        while position < scalars.count, scalars[position] == " " { position += 1 }
        return position
    }

    private static func date(at start: Int, in scalars: [Unicode.Scalar]) -> String? {
        if start > 0, digitValue(scalars[start - 1]) != nil { return nil }
        guard let year = digits(at: start, in: scalars, maximum: 4), year.end - start == 4,
              (1970...2100).contains(year.value) else { return nil }
        var position = skipSpaces(year.end, scalars)
        guard position < scalars.count, "-/.年".unicodeScalars.contains(scalars[position]) else { return nil }
        let chinese = scalars[position] == "年"
        position = skipSpaces(position + 1, scalars)
        guard let month = digits(at: position, in: scalars, maximum: 2), (1...12).contains(month.value) else { return nil }
        position = skipSpaces(month.end, scalars)
        guard position < scalars.count,
              chinese ? scalars[position] == "月" : "-/.".unicodeScalars.contains(scalars[position]) else { return nil }
        position = skipSpaces(position + 1, scalars)
        guard let day = digits(at: position, in: scalars, maximum: 2), (1...31).contains(day.value) else { return nil }
        if day.end < scalars.count, digitValue(scalars[day.end]) != nil { return nil }
        func padded(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year.value)-\(padded(month.value))-\(padded(day.value))"
    }
}

/// WeChat article identity from the variables a WeChat page embeds (`var biz = "…" || "";`) or from the
/// query of an article link (`__biz`, `mid`, `idx`, `sn`).
enum WeChatVariables {
    static func identity(scripts: [String], links: [String]) -> WeChatIdentity? {
        for script in scripts {
            if let biz = value(of: "biz", in: script), let mid = value(of: "mid", in: script),
               let idx = value(of: "idx", in: script), let sn = value(of: "sn", in: script) {
                return WeChatIdentity(biz: biz, mid: mid, idx: idx, sn: sn)
            }
        }
        for link in links {
            let query = link.replacingOccurrences(of: "&amp;", with: "&")
            guard query.contains("__biz="), let items = URLComponents(string: query)?.queryItems else { continue }
            func item(_ name: String) -> String? { items.first { $0.name == name }?.value.flatMap { $0.isEmpty ? nil : $0 } }
            if let biz = item("__biz"), let mid = item("mid"), let idx = item("idx"), let sn = item("sn") {
                return WeChatIdentity(biz: biz, mid: mid, idx: idx, sn: sn)
            }
        }
        return nil
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
    private static let englishWords: Set<String> = ["the", "and", "of", "to", "is", "in", "that", "for", "with", "was"]

    static func guess(text: String, declared: String?) -> String? {
        var han = 0, kana = 0, hangul = 0, latin = 0, letters = 0
        for scalar in text.unicodeScalars.prefix(20_000) where scalar.properties.isAlphabetic {
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
        let words = text.prefix(5_000).lowercased().split { !$0.isLetter }
        let common = words.filter { englishWords.contains(String($0)) }.count
        return common * 12 >= words.count ? "en" : "other"
    }
}

/// Absolute `http`/`https` URLs from attribute values, resolved against the page's base URL.
struct LinkResolver {
    private let base: URL?

    init(baseURL: String?) {
        base = baseURL.flatMap { URL(string: $0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func resolve(_ reference: String) -> String? {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count < 4_096, !trimmed.unicodeScalars.contains(where: TextCleaning.isControl),
              let url = URL(string: trimmed, relativeTo: base)?.absoluteURL,
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false else { return nil }
        return url.absoluteString
    }
}
