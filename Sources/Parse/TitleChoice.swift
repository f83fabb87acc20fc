import Foundation
import SluiceCore

/// What a page says its site is called: `og:site_name`, `application-name`, the JSON-LD publisher, the
/// Twitter handle, the labels of its host (`news.sohu.com` → `sohu`, `news`) and the text of links to its home
/// page. A part of `<title>` or `og:title` that matches one of them names the site, not the article.
struct SiteNames {
    private var names: [String] = []
    private var hostLabels: [String] = []

    /// Labels that say nothing about the site: subdomains for devices and languages, and the endings of
    /// registrable names.
    private static let genericLabels: Set<String> = [
        "www", "m", "wap", "mobile", "news", "en", "cn", "zh", "com", "net", "org", "edu", "gov", "co", "uk", "info",
        "io", "html", "htm", "shtml", "php", "asp", "aspx", "jsp", "blog", "blogs", "mp", "amp",
    ]

    /// Link texts that say "home", not the site's name.
    private static let navigationWords: Set<String> = ["首页", "主页", "返回首页", "网站首页", "回到首页", "home", "homepage", "主頁", "首頁"]

    init(declared: [String?], url: String?, homeLinkTexts: [String]) {
        let links = homeLinkTexts.map(Self.fold).filter { !Self.navigationWords.contains($0) }
        names = (declared.compactMap { $0 }.map(Self.fold) + links).filter { $0.count >= 2 }
        if let host = url.flatMap({ URLComponents(string: $0.trimmingCharacters(in: .whitespaces))?.host })?.lowercased() {
            hostLabels = host.split(separator: ".").map(String.init)
                .filter { $0.count >= 2 && !Self.genericLabels.contains($0) && !$0.allSatisfy(\.isNumber) }
        }
    }

    /// True when `part` is one of the site's names, is contained in one, starts or ends with one and a few
    /// characters more (a channel such as `搜狐财经` beside `搜狐`), or spells a host label (`Aktuálně.cz`).
    func named(by part: String) -> Bool {
        let folded = Self.fold(part)
        guard folded.count >= 2 else { return false }
        // A part starting or ending with the name and a few more characters (`搜狐财经` for `搜狐`) names the
        // site; a headline that mentions it does not.
        if names.contains(where: { name in
            name == folded || name.contains(folded)
                || ((folded.hasPrefix(name) || folded.hasSuffix(name)) && folded.count <= name.count + 6)
        }) {
            return true
        }
        let letters = Self.asciiLetters(part)
        return letters.count >= 3 && hostLabels.contains { label in
            letters == label || letters.hasPrefix(label) && letters.dropFirst(label.count).allSatisfy(\.isLetter)
                && ["com", "cn", "net", "org", "cz", "de", "jp", "co", "uk"].contains(String(letters.dropFirst(label.count)))
        }
    }

    /// Lower-cased, without white space, punctuation or diacritics (Foundation's folding only where the
    /// text has something to fold: it is slow, and most parts are plain CJK or ASCII).
    static func fold(_ text: String) -> String {
        // Only cased or accented letters and full-width forms change: CJK text and punctuation pass as they are.
        let plain = text.unicodeScalars.allSatisfy { scalar in
            scalar.value < 0x80 ? !(0x41...0x5A).contains(scalar.value)
                : scalar.value >= 0x2000 && !(0xFF00...0xFFEF).contains(scalar.value)
        }
        let folded = plain ? text : text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return String(folded.unicodeScalars.filter { scalar in
            !TextCleaning.isWhiteSpace(scalar) && !scalar.properties.generalCategory.isPunctuationOrSymbol
        }.map(Character.init))
    }

    private static func asciiLetters(_ text: String) -> String {
        String(fold(text).filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }
}

private extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: true
        default: false
        }
    }
}

/// A title split at the separators sites put between the headline and their own name or channel.
struct TitleParts {
    /// Separators that divide a title into parts: spaced ones in any script, and in CJK titles the bare
    /// bars, underscores and full-width dashes, and a bare hyphen next to a CJK character. Not the em dash
    /// alone, which CJK headlines use for their subtitle (`对比试车—测试…`).
    private static let spaced = [" | ", " - ", " – ", " — ", " · ", " :: ", " » ", " / ", " _ ", " ｜ ", " 丨 "]
    private static let bare: Set<Character> = ["|", "｜", "丨", "_", "－", "—", "–"]
    /// Bars and underscores never sit inside a CJK headline: what follows them is always the site's.
    private static let strong: Set<Character> = ["|", "｜", "丨", "_"]

    private(set) var parts: [String] = []
    /// For each part after the first, whether a bar or underscore comes before it.
    private(set) var afterStrongSeparator: [Bool] = []
    /// For each part after the first, whether a bare em or en dash comes before it: CJK headlines use them
    /// for a subtitle, so only a part naming the site is cut there.
    private(set) var afterWeakSeparator: [Bool] = []

    init(_ title: String) {
        var current = ""
        var strongPending = false, weakPending = false
        let characters = Array(title)
        self.characters = characters
        var index = 0
        var partStart = 0
        func flush(strongNext: Bool, weakNext: Bool = false) {
            let part = current.trimmingCharacters(in: .whitespaces)
            if !part.isEmpty {
                parts.append(part)
                spans.append(partStart..<index)
                afterStrongSeparator.append(strongPending)
                afterWeakSeparator.append(weakPending)
                strongPending = strongNext
                weakPending = weakNext
            } else {
                strongPending = strongPending || strongNext
            }
            current = ""
        }
        while index < characters.count {
            if let separator = Self.spaced.first(where: { Self.matches($0, characters, at: index) }) {
                flush(strongNext: separator.contains { Self.strong.contains($0) })
                index += separator.count
                partStart = index
                continue
            }
            let character = characters[index]
            let cjkNeighbour = (index > 0 && Self.isCJK(characters[index - 1]))
                || (index + 1 < characters.count && Self.isCJK(characters[index + 1]))
            if Self.bare.contains(character) || (character == "-" && cjkNeighbour) {
                flush(strongNext: Self.strong.contains(character), weakNext: character == "—" || character == "–")
                partStart = index + 1
            } else {
                current.append(character)
            }
            index += 1
        }
        flush(strongNext: false)
    }

    private let characters: [Character]
    /// Where each part lies in the title, separators left out.
    private var spans: [Range<Int>] = []

    /// The title from the start of part `first` to the end of part `last`, its own separators kept.
    func text(from first: Int, through last: Int) -> String {
        String(characters[spans[first].lowerBound..<spans[last].upperBound]).trimmingCharacters(in: .whitespaces)
    }

    private static func matches(_ separator: String, _ characters: [Character], at index: Int) -> Bool {
        let wanted = Array(separator)
        guard index + wanted.count <= characters.count else { return false }
        return (0..<wanted.count).allSatisfy { characters[index + $0] == wanted[$0] }
    }

    static func isCJK(_ character: Character) -> Bool {
        character.unicodeScalars.contains(where: Script.isCharacterToken)
    }
}

/// Picks the article title from the page's candidates.
///
/// Titles in spaced scripts follow Readability, the convention most readers and our English ground truth
/// share: the publisher's metadata title as it is (JSON-LD, `dc:title`, `og:title`, `weibo:*`, `title`,
/// `twitter:title`, `parsely-title`, in that order), else `<title>` by Readability's separator and colon
/// rules. CJK titles are the headline without the site's name, found by agreement between the sources: a
/// heading that is a whole leading part of `<title>` or of a metadata title is the headline; else the first
/// metadata title that is not only a site name, without its site parts; else `<title>` without its site
/// parts, completed from the text when cut short; and when `<title>` names only the site, the headline-like
/// element before the text.
enum TitleChoice {
    /// Everything the choice reads, gathered by `Extractor`.
    struct Sources {
        var headTitle: String?
        /// Metadata titles in Readability's order, for spaced scripts; for CJK pages the publisher's headline
        /// fields (JSON-LD, `og:title`, `weibo:*`, `twitter:title`, WeChat's `msg_title`, microdata), which
        /// Chinese sites fill with the headline while `dc:title` and `title` often carry the site.
        var metaTitles: [String?]
        var cjkMetaTitles: [String?]
        /// `<h1>` texts, then headline-like elements before the text, in document order.
        var headings: [String]
        var h1s: [String]
        /// The text of the `<h1>` and `<h2>` elements (read only when asked), and how many `<h1>` the page
        /// has: Readability's title rules.
        var h1AndH2: () -> Set<String>
        var h1Count: Int
        var firstH1: String?
        var bodyText: String
        var site: SiteNames
        /// Folded link and breadcrumb texts before the article (read only when asked): the site's channels.
        var channels: () -> Set<String> = { [] }
    }

    /// Words ending a part that names a site or channel rather than an article (`新浪网`, `财经频道`,
    /// `百度知道`'s `知道` is not one: such parts are found by the site's own names instead).
    private static let siteWords = [
        "网", "新闻", "频道", "论坛", "博客", "日报", "晚报", "早报", "时报", "首页", "官网", "在线", "门户", "社区",
        "客户端", "订阅", "号", "百科", "中心", "平台", "之家", "资讯", "吧", "網", "新聞", "頻道", "論壇", "日報",
        "晚報", "時報", "首頁", "官網", "社區", "資訊", ".com", ".cn", ".net", ".org",
    ]

    static func choose(_ sources: Sources) -> String? {
        let head = sources.headTitle.map(cleanedLine) ?? ""
        let metas = sources.metaTitles.compactMap { $0.map(cleanedLine) }.filter { !$0.isEmpty }
        let extras = sources.cjkMetaTitles.compactMap { $0.map(cleanedLine) }.filter { !$0.isEmpty }
        let isCJKPage = TitleParts.isCJKText(head) || (metas + extras).contains(where: TitleParts.isCJKText)
        let cjkMetas = extras
        guard isCJKPage else { return spacedTitle(head: head, metas: metas, sources: sources) }
        return cjkTitle(head: head, metas: cjkMetas, sources: sources)
    }

    /// One line, with the character references a page escaped twice (`&amp;#8216;` in an attribute, which
    /// the parser leaves as `&#8216;`) resolved: no headline spells a reference on purpose.
    private static func cleanedLine(_ text: String) -> String {
        TextCleaning.line(CharacterReferences.resolved(in: text))
    }

    /// Spaced scripts: Readability's choice, the first metadata title as it is, else `<title>` by its rules;
    /// a metadata title cut short or a URL slug (`adac-kindersitztest-herbst-2018`) is no title in any
    /// convention, so the next one is taken.
    private static func spacedTitle(head: String, metas: [String], sources: Sources) -> String? {
        if let meta = metas.first(where: { !isCut($0) && !isSlug($0) }) { return meta }
        guard !head.isEmpty else { return sources.headings.last }
        return readabilityTitle(head, sources: sources)
    }

    /// `adac-kindersitztest-herbst-2018`, `d-161500790`: a page's address segment in a title field.
    private static func isSlug(_ title: String) -> Bool {
        title.contains { $0 == "-" || $0 == "_" }
            && title.allSatisfy { $0 == "-" || $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
    }

    private static func cjkTitle(head: String, metas: [String], sources: Sources) -> String? {
        let headParts = TitleParts(head).parts
        // A heading the page shows that is also a whole leading part of a title it declares: the headline.
        // The page's <h1> only: other headline-like elements may be a channel or a breadcrumb that also
        // opens <title>.
        let headlines = sources.headings.filter { $0.count >= 4 && !sources.site.named(by: $0) }
        for title in [head] + metas where !title.isEmpty {
            let runs = leadingRuns(of: TitleParts(title).parts).map(compact)
            if let heading = sources.h1s.first(where: { $0.count >= 4 && !sources.site.named(by: $0) && runs.contains(compact($0)) }) {
                return heading
            }
        }

        // Metadata titles that are only the site's name (or a part of `<title>` after the headline) say nothing.
        let usable = metas.filter { meta in
            !isCut(meta) && !sources.site.named(by: meta) && !headParts.dropFirst().contains { compact($0) == compact(meta) }
        }
        if let meta = usable.first {
            return strip(meta, site: sources.site)
        }
        guard !head.isEmpty else { return sources.headings.last }
        // A heading `<title>` starts with, its site's name (or more of the headline) following.
        if let heading = headlines.first(where: { compact(head).hasPrefix(compact($0)) }) { return heading }
        let stripped = strip(head, site: sources.site)
        if isCut(stripped), let completed = completion(of: stripped, in: sources.bodyText) { return completed }
        // `<title>` is only a channel of the site (`新闻动态--某学会官网` on every news page): the headline is the
        // last headline-like element before the text that is not a channel itself.
        if stripped.count <= 12, !sources.headings.isEmpty {
            let channels = sources.channels()
            if channels.contains(SiteNames.fold(stripped)),
               let heading = headlines.last(where: { !channels.contains(SiteNames.fold($0)) && !isBreadcrumb($0, channels) }) {
                return untagged(heading, head: head)
            }
        }
        let lostSiteParts = headParts.count > 1 && stripped.count < head.count
        if sources.headings.isEmpty || lostSiteParts || sources.bodyText.containsLiterally(stripped) { return stripped }
        // `<title>` holds only the site's name or a greeting: the headline is the last element before the text.
        return sources.headings.last.map { untagged($0, head: head) }
    }

    /// A heading whose parts are all channels (`首页 - 新闻动态`).
    private static func isBreadcrumb(_ heading: String, _ channels: Set<String>) -> Bool {
        let parts = TitleParts(heading).parts
        return parts.count > 1 && parts.dropFirst().allSatisfy { channels.contains(SiteNames.fold($0)) }
    }

    /// A heading's leading `【channel】` tag goes unless `<title>` carries it too.
    private static func untagged(_ heading: String, head: String) -> String {
        let trimmed = Headline.withoutLeadingTag(heading)
        guard trimmed.count < heading.count else { return heading }
        return compact(head).hasPrefix(compact(heading)) ? heading : trimmed
    }

    /// `a`, `a b`, `a b c`…: the runs of parts from the first.
    private static func leadingRuns(of parts: [String]) -> [String] {
        parts.indices.map { parts[...$0].joined(separator: " ") }
    }

    private static func compact(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace })
    }

    private static func isCut(_ title: String) -> Bool {
        title.hasSuffix("...") || title.hasSuffix("…")
    }

    /// Removes the parts naming the site or a channel: from the end while the last part follows a bar or an
    /// underscore, names the site or is short beside the rest, then a leading part that is the site's name;
    /// a trailing page number (`(页 1)`) goes too.
    static func strip(_ title: String, site: SiteNames) -> String {
        let split = TitleParts(title)
        let parts = split.parts
        guard !parts.isEmpty else { return title }
        var (first, last) = (0, parts.count - 1)
        while last > 0, split.afterStrongSeparator[last] || namesSite(parts[last], site: site)
                || (!split.afterWeakSeparator[last] && parts[last].count <= 8 && parts[0].count >= 6
                    && !site.named(by: parts[0])) {
            last -= 1
        }
        // Only the site's own name leads a title: a first part ending like a site (`…平台`) is the headline.
        if last > 0, site.named(by: parts[0]), !site.named(by: parts[1]) { first = 1 }
        let kept = first == 0 && last == parts.count - 1 ? title : split.text(from: first, through: last)
        return withoutPageNumber(withoutTrailingSite(kept, site: site))
    }

    /// A site name closing the title without a separator the parts saw: in brackets (`标题【装修吧】`,
    /// `标题（某某网）`) or after a hyphen between Latin letters (`Python 入门 for beginners-CSDN博客`).
    private static func withoutTrailingSite(_ title: String, site: SiteNames) -> String {
        for (open, close) in [("【", "】"), ("（", "）"), ("(", ")"), ("[", "]")] where title.hasSuffix(close) {
            guard let start = title.range(of: open, options: .backwards)?.lowerBound, start > title.startIndex else { continue }
            let inside = String(title[title.index(after: start)..<title.index(before: title.endIndex)])
            let rest = title[..<start].trimmingCharacters(in: .whitespaces)
            if inside.count <= 15, rest.count >= 4, namesSite(inside, site: site) { return rest }
        }
        if let hyphen = title.range(of: "-", options: .backwards)?.lowerBound {
            let tail = String(title[title.index(after: hyphen)...]).trimmingCharacters(in: .whitespaces)
            let rest = title[..<hyphen].trimmingCharacters(in: .whitespaces)
            if (2...15).contains(tail.count), rest.count >= 4, namesSite(tail, site: site) { return rest }
        }
        return title
    }

    private static func namesSite(_ part: String, site: SiteNames) -> Bool {
        let lowered = part.lowercased()
        return site.named(by: part) || siteWords.contains { lowered.hasSuffix($0) } || lowered.hasPrefix("powered by")
    }

    /// `标题(页 1)`, `标题（第2页）`, `标题 第2页` → `标题`.
    private static func withoutPageNumber(_ title: String) -> String {
        guard title.hasSuffix("页") || title.hasSuffix("页)") || title.hasSuffix("页）") || title.hasSuffix(")")
                || title.hasSuffix("）") else { return title }
        let scalars = Array(title.unicodeScalars)
        var start = scalars.count
        var sawDigit = false, sawPage = false
        while start > 0 {
            let scalar = scalars[start - 1]
            if scalar == "页" { sawPage = true } else if PublishedDate.digitValue(scalar) != nil { sawDigit = true }
            else if !"()（）第 ".unicodeScalars.contains(scalar) { break }
            start -= 1
            if scalar == "(" || scalar == "（" { break }
        }
        guard sawPage, sawDigit, start > 0 else { return title }
        let rest = String(String.UnicodeScalarView(scalars[..<start])).trimmingCharacters(in: .whitespaces)
        return rest.count >= 4 ? rest : title
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

    private static func wordCount(_ text: String) -> Int {
        text.split { $0.isWhitespace }.count
    }

    /// `<title>` without its site name for the JSON-LD name/headline choice: Readability's rules for spaced
    /// scripts, the CJK rules otherwise.
    static func headline(fromHeadTitle title: String?, sources: Sources) -> String? {
        guard let title else { return nil }
        let line = TextCleaning.line(title)
        return TitleParts.isCJKText(line) ? strip(line, site: sources.site) : readabilityTitle(line, sources: sources)
    }

    /// Readability's `_getArticleTitle` for titles in spaced scripts.
    static func readabilityTitle(_ original: String, sources: Sources) -> String {
        let separatorCharacters: Set<Character> = ["|", "-", "\\", "/", ">", "»"]
        let hierarchical: Set<Character> = ["\\", "/", ">", "»"]
        let characters = Array(original)
        let separatorPositions = characters.indices.filter { index in
            index > 0 && index + 1 < characters.count && characters[index - 1] == " " && characters[index + 1] == " "
                && separatorCharacters.contains(characters[index])
        }
        var current = original
        var hadHierarchical = false
        if let last = separatorPositions.last {
            hadHierarchical = separatorPositions.contains { hierarchical.contains(characters[$0]) }
            current = String(characters[..<(last - 1)])
            // After the first spaced separator: a hyphen inside a word (`Internet-Law » …`) divides nothing.
            if wordCount(current) < 3, let first = separatorPositions.first {
                current = String(characters[(first + 1)...])
            }
        } else if original.contains(": ") {
            if !sources.h1AndH2().contains(original), let lastColon = original.lastIndex(of: ":"),
               let firstColon = original.firstIndex(of: ":") {
                current = String(original[original.index(after: lastColon)...])
                if wordCount(current) < 3 {
                    current = String(original[original.index(after: firstColon)...])
                } else if wordCount(String(original[..<firstColon])) > 5 {
                    current = original
                }
            }
        } else if original.count > 150 || original.count < 15, sources.h1Count == 1, let h1 = sources.firstH1 {
            current = h1
        }
        current = TextCleaning.line(current)
        let separatorFree = TextCleaning.line(String(original.filter { !separatorCharacters.contains($0) }))
        if wordCount(current) <= 4, !hadHierarchical || wordCount(current) != wordCount(separatorFree) - 1 {
            return original
        }
        return current
    }
}

extension TitleParts {
    static func isCJKText(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: Script.isCharacterToken)
    }
}

/// Character references left in text after parsing, where a page escaped its `&` once too often.
enum CharacterReferences {
    private static let named: [Substring: Character] = ["amp": "&", "quot": "\"", "apos": "'", "lt": "<", "gt": ">", "nbsp": " "]

    /// `&#8216;`, `&#x2019;`, `&quot;` resolved; anything else, and references to controls or surrogates, kept.
    static func resolved(in text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let tail = rest[rest.index(after: ampersand)...]
            if let semicolon = tail.prefix(10).firstIndex(of: ";"), let character = character(for: tail[..<semicolon]) {
                result.append(character)
                rest = tail[tail.index(after: semicolon)...]
            } else {
                result.append("&")
                rest = tail
            }
        }
        return result + rest
    }

    private static func character(for name: Substring) -> Character? {
        if let character = named[name] { return character }
        guard name.first == "#" else { return nil }
        let digits = name.dropFirst()
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, value >= 0x20, let scalar = Unicode.Scalar(value) else { return nil }
        return Character(scalar)
    }
}
