import Foundation
import SluiceCore

/// A day of the Gregorian calendar, checked to exist (30 April, 29 February only in leap years).
struct CalendarDay: Comparable, Hashable {
    var year: Int
    var month: Int
    var day: Int

    init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC day of `date`.
    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    /// `yyyy-MM-dd`.
    var iso: String {
        func padded(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(padded(month))-\(padded(day))"
    }

    static func < (left: CalendarDay, right: CalendarDay) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Dates as pages write them: ISO 8601, `2024/3/5`, `2024.03.05`, `2024年3月5日`, `7/5/2005` (month first),
/// `05.03.2024` (day first), `March 5, 2024`, `5 Mar 2024`, `Tue, 05 Mar 2024`, `5. März 2024`.
package enum PublishedDate {
    /// The first date in `text` as `yyyy-MM-dd`.
    package static func normalize(_ text: String) -> String? {
        firstDay(in: text)?.iso
    }

    /// The first date in the first 4,000 characters of `text`, years 1970 to 2100.
    static func firstDay(in text: String) -> CalendarDay? {
        // Most text holds no digit at all, and then no date: checked on the bytes before anything is copied.
        guard text.utf8.prefix(16_000).contains(where: { (0x30...0x39).contains($0) || $0 == 0xEF }) else { return nil }
        let scalars = Array(text.unicodeScalars.prefix(4_000))
        var index = 0
        while index + 5 < scalars.count {
            if let day = numericDate(at: index, in: scalars) ?? slashedDate(at: index, in: scalars)
                ?? monthFirst(at: index, in: scalars) ?? dayFirst(at: index, in: scalars) {
                return day
            }
            index += 1
        }
        return nil
    }

    /// A declared value (a meta `content`, a `datetime`): any written form, or `yyyyMMdd` digits alone.
    static func declaredDay(_ value: String) -> CalendarDay? {
        if let day = firstDay(in: value) { return day }
        let digits = Array(value.unicodeScalars.prefix { digitValue($0) != nil })
        guard digits.count == 8 || (digits.count == 14 && digits.count == value.unicodeScalars.count) else { return nil }
        let number = digits.prefix(8).reduce(0) { $0 * 10 + (digitValue($1) ?? 0) }
        let year = number / 10_000
        guard (1970...2100).contains(year) else { return nil }
        return CalendarDay(year: year, month: number / 100 % 100, day: number % 100)
    }

    private static let years = 1970...2100

    /// `2024-03-05`, `2024/3/5`, `2024.03.05`, `2024年3月5日`.
    private static func numericDate(at start: Int, in scalars: [Unicode.Scalar]) -> CalendarDay? {
        if start > 0, digitValue(scalars[start - 1]) != nil { return nil }
        guard let year = digits(at: start, in: scalars, maximum: 4), year.end - start == 4,
              years.contains(year.value) else { return nil }
        var position = skipSpaces(year.end, scalars)
        guard position < scalars.count, "-/.年".unicodeScalars.contains(scalars[position]) else { return nil }
        let chinese = scalars[position] == "年"
        position = skipSpaces(position + 1, scalars)
        guard let month = digits(at: position, in: scalars, maximum: 2) else { return nil }
        position = skipSpaces(month.end, scalars)
        guard position < scalars.count,
              chinese ? scalars[position] == "月" : "-/.".unicodeScalars.contains(scalars[position]) else { return nil }
        position = skipSpaces(position + 1, scalars)
        guard let day = digits(at: position, in: scalars, maximum: 2) else { return nil }
        if day.end < scalars.count, digitValue(scalars[day.end]) != nil { return nil }
        return CalendarDay(year: year.value, month: month.value, day: day.value)
    }

    /// `7/5/2005 9:23:57 PM`: month first as in the US, unless the first number cannot be a month;
    /// `05.03.2024` and `5.3.2024`: day first, as German and most European pages write it.
    private static func slashedDate(at start: Int, in scalars: [Unicode.Scalar]) -> CalendarDay? {
        guard let first = digits(at: start, in: scalars, maximum: 2), first.end < scalars.count else { return nil }
        let separator = scalars[first.end]
        guard separator == "/" || separator == "." else { return nil }
        if start > 0, digitValue(scalars[start - 1]) != nil || scalars[start - 1] == separator { return nil }
        guard let second = digits(at: first.end + 1, in: scalars, maximum: 2), second.end < scalars.count,
              scalars[second.end] == separator,
              let year = digits(at: second.end + 1, in: scalars, maximum: 4), year.end - second.end - 1 == 4,
              years.contains(year.value) else { return nil }
        if year.end < scalars.count, digitValue(scalars[year.end]) != nil || scalars[year.end] == separator { return nil }
        let dayFirst = separator == "." || first.value > 12
        let (month, day) = dayFirst ? (second.value, first.value) : (first.value, second.value)
        return CalendarDay(year: year.value, month: month, day: day)
    }

    /// `March 5, 2024`, `Mar. 5 2024`, `Sept 5th, 2024`.
    private static func monthFirst(at start: Int, in scalars: [Unicode.Scalar]) -> CalendarDay? {
        guard let month = monthName(at: start, in: scalars) else { return nil }
        var position = skipSpaces(month.end, scalars)
        guard let day = digits(at: position, in: scalars, maximum: 2) else { return nil }
        position = skipOrdinal(day.end, scalars)
        if position < scalars.count, scalars[position] == "," { position += 1 }
        position = skipSpaces(position, scalars)
        guard let year = fourDigitYear(at: position, in: scalars) else { return nil }
        return CalendarDay(year: year, month: month.value, day: day.value)
    }

    /// `5 March 2024`, `05 Mar 2024` (RFC 822), `5th of March, 2024`.
    private static func dayFirst(at start: Int, in scalars: [Unicode.Scalar]) -> CalendarDay? {
        if start > 0, digitValue(scalars[start - 1]) != nil { return nil }
        guard let day = digits(at: start, in: scalars, maximum: 2) else { return nil }
        var position = skipOrdinal(day.end, scalars)
        if position < scalars.count, scalars[position] == "." { position += 1 }
        position = skipSpaces(position, scalars)
        if position + 2 < scalars.count, scalars[position] == "o", scalars[position + 1] == "f", scalars[position + 2] == " " {
            position = skipSpaces(position + 2, scalars)
        }
        guard position > day.end, let month = monthName(at: position, in: scalars) else { return nil }
        position = month.end
        if position < scalars.count, scalars[position] == "," { position += 1 }
        position = skipSpaces(position, scalars)
        guard let year = fourDigitYear(at: position, in: scalars) else { return nil }
        return CalendarDay(year: year, month: month.value, day: day.value)
    }

    /// English and German month names and their abbreviations, lower-cased, to the month's number.
    private static let monthNumbers: [String: Int] = {
        let names = [
            ["january", "jan", "januar", "jänner"], ["february", "feb", "februar"],
            ["march", "mar", "märz", "mär", "maerz", "mrz"], ["april", "apr"], ["may", "mai"],
            ["june", "jun", "juni"], ["july", "jul", "juli"], ["august", "aug"],
            ["september", "sep", "sept"], ["october", "oct", "oktober", "okt"], ["november", "nov"],
            ["december", "dec", "dezember", "dez"],
        ]
        var numbers: [String: Int] = [:]
        for (index, spellings) in names.enumerated() {
            for spelling in spellings { numbers[spelling] = index + 1 }
        }
        return numbers
    }()

    /// A month name as a whole word (`March`, `Mar.`, `März`), with an optional full stop.
    private static func monthName(at start: Int, in scalars: [Unicode.Scalar]) -> (value: Int, end: Int)? {
        if start > 0, isWordLetter(scalars[start - 1]) { return nil }
        var end = start
        var word = ""
        while end < scalars.count, end - start < 10, isWordLetter(scalars[end]) {
            word.unicodeScalars.append(scalars[end])
            end += 1
        }
        guard word.unicodeScalars.count >= 3, end == scalars.count || !isWordLetter(scalars[end]),
              let month = monthNumbers[word.lowercased()] else { return nil }
        if end < scalars.count, scalars[end] == "." { end += 1 }
        return (month, end)
    }

    /// Letters of Latin scripts, accented ones too (`ä` in `März`).
    private static func isWordLetter(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || (scalar.value >= 0xC0 && scalar.value < 0x250 && scalar.properties.isAlphabetic)
    }

    private static func fourDigitYear(at start: Int, in scalars: [Unicode.Scalar]) -> Int? {
        guard let year = digits(at: start, in: scalars, maximum: 4), year.end - start == 4, years.contains(year.value)
        else { return nil }
        if year.end < scalars.count, digitValue(scalars[year.end]) != nil { return nil }
        return year.value
    }

    private static func skipOrdinal(_ position: Int, _ scalars: [Unicode.Scalar]) -> Int {
        guard position + 1 < scalars.count, isLetter(scalars[position]), isLetter(scalars[position + 1]) else { return position }
        // ASCII letters lower-cased by setting bit 5, compared as scalars: no string is made per digit run.
        switch (Character(Unicode.Scalar(scalars[position].value | 0x20) ?? " "),
                Character(Unicode.Scalar(scalars[position + 1].value | 0x20) ?? " ")) {
        case ("s", "t"), ("n", "d"), ("r", "d"), ("t", "h"): break
        default: return position
        }
        return position + 2 == scalars.count || !isLetter(scalars[position + 2]) ? position + 2 : position
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
    }

    static func digits(at start: Int, in scalars: [Unicode.Scalar], maximum: Int) -> (value: Int, end: Int)? {
        var value = 0
        var position = start
        while position < scalars.count, position - start < maximum, let digit = digitValue(scalars[position]) {
            value = value * 10 + digit
            position += 1
        }
        return position == start ? nil : (value, position)
    }

    static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: Int(scalar.value - 0xFF10)
        default: nil
        }
    }

    private static func skipSpaces(_ position: Int, _ scalars: [Unicode.Scalar]) -> Int {
        var position = position
        while position < scalars.count, scalars[position] == " " || scalars[position] == "\u{A0}" { position += 1 }
        return position
    }
}

/// Dates in a URL's path: `/2024/03/05/`, `/2024-03-05-slug`, `/20240305/`, `/t20240305_1.htm`,
/// `/2024/0305/`, `/2024-03/05/`, `/202403/05/`, `/2019/jan/03/`.
enum URLDate {
    static func day(in url: String?) -> CalendarDay? {
        guard let url, let path = URLComponents(string: url.trimmingCharacters(in: .whitespaces))?.percentEncodedPath,
              !path.isEmpty else { return nil }
        let scalars = Array(path.unicodeScalars.prefix(2_000))
        var index = 0
        while index + 6 <= scalars.count {
            if index == 0 || PublishedDate.digitValue(scalars[index - 1]) == nil,
               let day = date(at: index, in: scalars) {
                return day
            }
            index += 1
        }
        return nil
    }

    private static let separators = "/-_.".unicodeScalars

    private static func date(at start: Int, in scalars: [Unicode.Scalar]) -> CalendarDay? {
        guard let run = PublishedDate.digits(at: start, in: scalars, maximum: 8) else { return nil }
        let length = run.end - start
        let next = run.end < scalars.count ? scalars[run.end] : nil
        if next.map({ PublishedDate.digitValue($0) != nil }) == true { return nil }
        switch length {
        case 8:
            return CalendarDay(year: run.value / 10_000, month: run.value / 100 % 100, day: run.value % 100)
        case 6 where next == "/":
            guard let day = twoDigits(at: run.end + 1, in: scalars) else { return nil }
            return CalendarDay(year: run.value / 100, month: run.value % 100, day: day)
        case 4:
            guard let next, separators.contains(next) else { return nil }
            let year = run.value
            if let month = PublishedDate.digits(at: run.end + 1, in: scalars, maximum: 4) {
                let monthLength = month.end - run.end - 1
                let after = month.end < scalars.count ? scalars[month.end] : nil
                if monthLength == 4, after == "/" || after == nil || after.map(separators.contains) == true {
                    return CalendarDay(year: year, month: month.value / 100, day: month.value % 100)
                }
                guard monthLength <= 2, let after, separators.contains(after),
                      let day = PublishedDate.digits(at: month.end + 1, in: scalars, maximum: 2),
                      day.end == scalars.count || PublishedDate.digitValue(scalars[day.end]) == nil else { return nil }
                return CalendarDay(year: year, month: month.value, day: day.value)
            }
            return namedMonth(year: year, at: run.end + 1, in: scalars)
        default:
            return nil
        }
    }

    /// `/2019/jan/03/`.
    private static func namedMonth(year: Int, at start: Int, in scalars: [Unicode.Scalar]) -> CalendarDay? {
        guard start + 4 < scalars.count, scalars[start + 3] == "/" else { return nil }
        let word = String(String.UnicodeScalarView(scalars[start..<start + 3])).lowercased()
        guard let month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            .firstIndex(of: word), let day = twoDigits(at: start + 4, in: scalars) else { return nil }
        return CalendarDay(year: year, month: month + 1, day: day)
    }

    private static func twoDigits(at start: Int, in scalars: [Unicode.Scalar]) -> Int? {
        guard let day = PublishedDate.digits(at: start, in: scalars, maximum: 2),
              day.end == scalars.count || PublishedDate.digitValue(scalars[day.end]) == nil else { return nil }
        return day.value
    }
}

/// The page's publication day, from the strongest evidence that gives a plausible one: the publisher's
/// declaration (JSON-LD, `<meta>`, microdata), a date labelled as the publication date near the headline, a
/// `<time>` element marked as the publication date, the URL's path (or the canonical URL's), an element
/// whose class or id says it holds the date, the first `<time>` element, the first date written near the
/// headline, a modification date, and last a relative date near the headline (`昨天`, `3天前`, `2 hours ago`,
/// counted back from when the page was fetched). Published beats modified throughout.
/// Plausible: not before 1995 and not after the day the page was fetched (one day of slack for time zones).
enum DateChoice {
    /// Meta names and properties that carry the publication date, most specific first: Readability's
    /// (`article:published_time`, `parsely-pub-date`) lead, as JSON-LD's `datePublished` does before them.
    static let publishedKeys = [
        "article:published_time", "parsely-pub-date", "og:article:published_time", "article:published",
        "og:published_time", "published_time", "datepublished", "pubdate", "publishdate", "publish_date",
        "publish-date", "publication_date", "publicationdate", "sailthru.date", "dc.date.issued", "dcterms.issued",
        "dc.date", "dcterms.date", "dc.date.created", "dcterms.created", "citation_publication_date",
        "citation_date", "citation_online_date", "weibo:article:create_at", "weibo:webpage:create_at",
        "article.published", "datecreated", "originalpublicationdate", "publish_time", "pub_date", "ptime",
        "pdate", "bt:pubdate", "date", "created",
    ]
    static let modifiedKeys = [
        "article:modified_time", "og:updated_time", "article:updated_time", "datemodified", "dc.date.modified",
        "dcterms.modified", "last-modified", "lastmod", "weibo:article:update_at", "updated_time", "updatetime",
        "update_time", "revised",
    ]
    private static let earliest = CalendarDay(year: 1995, month: 1, day: 1)

    static func choose(metadata: Metadata, tree: DocumentTree, roots: [Int], url: String?, fetchedAt: Date) -> String? {
        let latest = CalendarDay(fetchedAt.addingTimeInterval(86_400))
        func plausible(_ day: CalendarDay?) -> CalendarDay? {
            guard let day, earliest.map({ day >= $0 }) ?? true, day <= latest else { return nil }
            return day
        }
        func declared(_ values: [String?]) -> CalendarDay? {
            values.lazy.compactMap { $0 }.compactMap { plausible(PublishedDate.declaredDay($0)) }.first
        }
        let linked = metadata.linkedData
        // The page text is read only when no declaration settles the date.
        var textDates: TextDates?
        var text: TextDates {
            if let textDates { return textDates }
            let read = TextDates(tree: tree, roots: roots, plausible: plausible)
            textDates = read
            return read
        }
        // Dates other items carry (related articles, comments) follow the article: a `<time>` nothing marks
        // counts only before the end of the main text.
        let articleEnd = roots.first.map { tree.nodes[$0].end } ?? tree.nodes.count
        var laterDates: TextDates.Later?
        var later: TextDates.Later {
            if let laterDates { return laterDates }
            let read = TextDates.Later(tree: tree, roots: roots, plausible: plausible)
            laterDates = read
            return read
        }
        let steps: [() -> CalendarDay?] = [
            { declared([linked.datePublished]) },
            { declared(publishedKeys.map { metadata.meta($0) }) },
            { declared([linked.anyDatePublished, metadata.itemProperties["datepublished"], linked.anyDateCreated,
                        metadata.itemProperties["datecreated"]] + metadata.otherPublicationMetas) },
            { metadata.publishAttributes.lazy.compactMap { plausible(EpochTime.day($0, hoursEastOfUTC: 0) ?? PublishedDate.declaredDay($0)) }.first },
            { text.labelled },
            { declared(metadata.times.filter { $0.marksPublication && !$0.marksModification }.map(\.value)) },
            { [url, metadata.canonical, metadata.meta("og:url")].lazy.compactMap { plausible(URLDate.day(in: $0)) }.first },
            { declared(metadata.dateElements) },
            // WeChat's send time, which the page shows through a script: the shown date, where a saved page
            // kept it, is what readers saw.
            { metadata.weChatPublicationTime.flatMap { plausible(EpochTime.day($0, hoursEastOfUTC: 8)) } },
            { later.labelled },
            { declared(metadata.times.filter { !$0.marksModification && $0.index < articleEnd }.prefix(1).map(\.value)) },
            { text.unlabelled },
            { declared(modifiedKeys.map { metadata.meta($0) } + [linked.anyDateModified, metadata.itemProperties["datemodified"]]
                + metadata.times.map(\.value)) },
            { text.modified },
            { plausible(text.relative.map { $0.day(before: fetchedAt) }) },
        ]
        for step in steps {
            if let day = step() { return day.iso }
        }
        return nil
    }
}

/// Dates written in the page text from its start to a little past the start of the article: the first one
/// labelled as the publication date (`发布时间：`, `发表于`, `Posted on`…), the first one labelled as a
/// modification, the first unlabelled one and the first relative one (`昨天 12:08`, `3天前`). A label may sit
/// in its own element before the date.
private struct TextDates {
    var labelled: CalendarDay?
    var modified: CalendarDay?
    var unlabelled: CalendarDay?
    var relative: RelativeDate?

    static let skipped: Set<String> = ["head", "script", "style", "noscript", "template", "textarea"]

    /// Most text nodes are the white space between tags; scalars are tested without grapheme breaking.
    static func hasVisibleText(_ text: String) -> Bool {
        text.unicodeScalars.contains { !TextCleaning.isWhiteSpace($0) }
    }

    init(tree: DocumentTree, roots: [Int], plausible: (CalendarDay?) -> CalendarDay?) {
        let searchEnd = roots.first.map { min(tree.nodes[$0].end, $0 + 200) } ?? tree.nodes.count
        var pending: PublicationLabel.Kind?
        var index = 0
        while index < searchEnd, labelled == nil {
            let node = tree.nodes[index]
            if !node.isText, Self.skipped.contains(node.name) {
                index = node.end
                continue
            }
            index += 1
            guard node.isText, Self.hasVisibleText(node.text) else { continue }
            let found = PublicationLabel.find(in: node.text)
            let kind = found?.kind ?? pending
            let rest = found.map { String($0.rest) } ?? node.text
            if let kind, let day = plausible(PublishedDate.firstDay(in: rest)) {
                if kind == .published { labelled = day } else if modified == nil { modified = day }
            } else if unlabelled == nil, node.text.utf8.count >= 8 {
                unlabelled = plausible(PublishedDate.firstDay(in: node.text))
            }
            if relative == nil, kind != .modified { relative = RelativeDate.find(in: rest) }
            pending = found.flatMap { $0.rest.allSatisfy { $0.isWhitespace || $0.isPunctuation } ? $0.kind : nil }
        }
    }

    /// A date labelled as the publication date at the end of the article or a little past it: small sites
    /// print `发布日期：2019-03-06` under the text. Read only when nothing before it settled the date, and only
    /// the article's last few hundred nodes, so a long article costs no more than a short one.
    struct Later {
        var labelled: CalendarDay?

        init(tree: DocumentTree, roots: [Int], plausible: (CalendarDay?) -> CalendarDay?) {
            guard let root = roots.first else { return }
            let rootEnd = tree.nodes[root].end
            let end = min(rootEnd + 80, tree.nodes.count)
            var pending = false
            var index = max(min(rootEnd, root + 200), rootEnd - 300)
            while index < end, labelled == nil {
                let node = tree.nodes[index]
                if !node.isText, TextDates.skipped.contains(node.name) {
                    index = node.end
                    continue
                }
                index += 1
                guard node.isText, TextDates.hasVisibleText(node.text) else { continue }
                let found = PublicationLabel.find(in: node.text)
                if found?.kind == .published || (found == nil && pending) {
                    labelled = plausible(PublishedDate.firstDay(in: found.map { String($0.rest) } ?? node.text))
                }
                pending = found.map { $0.kind == .published && $0.rest.allSatisfy { $0.isWhitespace || $0.isPunctuation } } ?? false
            }
        }
    }
}

/// A date written relative to the reader's day: `今天`, `昨天`, `前天`, `3天前`, `5小时前`, `10分钟前`, `刚刚`,
/// `yesterday`, `2 days ago`. Chinese words count days in Beijing time, English ones in UTC.
struct RelativeDate: Equatable {
    var daysBack: Int
    var hoursBack: Int
    var hoursEastOfUTC: Int

    func day(before fetchedAt: Date) -> CalendarDay {
        let moment = fetchedAt.addingTimeInterval(Double((hoursEastOfUTC - hoursBack) * 3_600 - daysBack * 86_400))
        return CalendarDay(moment)
    }

    private static let words: [(String, Int)] = [("刚刚", 0), ("今天", 0), ("今日", 0), ("昨天", 1), ("昨日", 1), ("前天", 2)]
    private static let needles = NeedleSet(["刚刚", "今天", "今日", "昨天", "昨日", "前天", "前", "ago", "yesterday", "today"])

    /// The first relative date in a short text (a date line, not a sentence that says "today").
    static func find(in text: String) -> RelativeDate? {
        guard text.utf8.count <= 60, needles.occurs(in: text) else { return nil }
        let line = TextCleaning.line(text).lowercased()
        // The word alone or followed by a time (`昨天 12:08`): `今日头条` in a share bar is a site, not a date.
        for (word, days) in words {
            guard let found = line.range(of: word) else { continue }
            let after = line[found.upperBound...].drop { $0 == " " }
            if line == word || after.first?.isNumber == true {
                return RelativeDate(daysBack: days, hoursBack: 0, hoursEastOfUTC: 8)
            }
        }
        let scalars = Array(line.unicodeScalars)
        for index in scalars.indices {
            guard let number = PublishedDate.digits(at: index, in: scalars, maximum: 3),
                  index == 0 || PublishedDate.digitValue(scalars[index - 1]) == nil else { continue }
            let after = String(String.UnicodeScalarView(scalars[number.end...])).trimmingCharacters(in: .whitespaces)
            for (unit, hours) in [("分钟前", 0), ("小时前", 1), ("天前", 24), ("周前", 168)] where after.hasPrefix(unit) {
                return RelativeDate(daysBack: 0, hoursBack: number.value * hours, hoursEastOfUTC: 8)
            }
            for (unit, hours) in [("minute", 0), ("min", 0), ("hour", 1), ("day", 24), ("week", 168)]
                where after.hasPrefix(unit) && after.contains("ago") {
                return RelativeDate(daysBack: 0, hoursBack: number.value * hours, hoursEastOfUTC: 0)
            }
        }
        if line.hasPrefix("yesterday") || line.contains(" yesterday") { return RelativeDate(daysBack: 1, hoursBack: 0, hoursEastOfUTC: 0) }
        if line.hasPrefix("today") { return RelativeDate(daysBack: 0, hoursBack: 0, hoursEastOfUTC: 0) }
        return nil
    }
}

/// Times written as seconds (or milliseconds) since 1970, as scripts keep them (`var ct = "1581517074"`,
/// `data-publish-time="1581517074000"`).
enum EpochTime {
    /// The day `value` falls on, `hoursEastOfUTC` from UTC; nil unless `value` is 10 or 13 digits alone.
    static func day(_ value: String, hoursEastOfUTC: Int) -> CalendarDay? {
        let digits = value.trimmingCharacters(in: .whitespaces)
        guard digits.utf8.count == 10 || digits.utf8.count == 13, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let number = Double(digits) else { return nil }
        let seconds = digits.utf8.count == 13 ? number / 1_000 : number
        return CalendarDay(Date(timeIntervalSince1970: seconds + Double(hoursEastOfUTC * 3_600)))
    }
}

/// Words pages put before a date to say what it is.
enum PublicationLabel {
    enum Kind {
        case published
        case modified
    }

    private static let labels: [(String, Kind)] = [
        ("更新时间", .modified), ("更新于", .modified), ("更新日期", .modified), ("修改时间", .modified),
        ("最后更新", .modified), ("updated", .modified), ("last modified", .modified), ("modified", .modified),
        ("发表于", .published), ("发布于", .published), ("发布时间", .published), ("发布日期", .published),
        ("发表时间", .published), ("发表日期", .published), ("发文时间", .published), ("出版时间", .published),
        ("刊发时间", .published), ("日期：", .published), ("日期:", .published), ("时间：", .published),
        ("时间:", .published), ("published", .published), ("posted on", .published), ("posted", .published),
        ("date:", .published),
    ]
    private static let needles = NeedleSet(labels.map(\.0))

    /// The first label in `text` (a modification label wins where one contains the other, as `更新时间`
    /// contains `时间`) and the text after it.
    static func find(in text: String) -> (kind: Kind, rest: Substring)? {
        guard needles.occurs(in: text) else { return nil }
        let lowered = text.lowercased()
        var best: (start: String.Index, end: String.Index, kind: Kind)?
        for (label, kind) in labels {
            guard let range = lowered.range(of: label) else { continue }
            if best.map({ range.lowerBound < $0.start }) ?? true { best = (range.lowerBound, range.upperBound, kind) }
        }
        guard let best else { return nil }
        return (best.kind, lowered[best.end...])
    }
}
