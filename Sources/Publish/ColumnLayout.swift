import Foundation
import SluiceCore

/// The column arranged for reading, shared by every format so they agree: sections in the fixed category
/// order with items sorted, the header figures, the roll of honour sorted, and the wording of the notes.
/// Text here is still raw and untrusted; each renderer escapes it for its own medium.
struct ColumnLayout {
    struct Section {
        var category: CategoryInfo
        var items: [ColumnItem]
    }

    /// One line of the header figures: a fixed label and a value that may hold untrusted text (reasons,
    /// sites).
    struct FigureRow {
        var label: String
        var value: String
    }

    var sections: [Section]
    var figures: [FigureRow]
    var roll: [VolunteerCredit]
    /// Most items first, then by name.
    var topSites: [SiteCount]
    private var categoryTitles: [String: String]

    init(_ column: Column) {
        var byCategory: [String: [ColumnItem]] = [:]
        for item in column.items { byCategory[item.category, default: []].append(item) }
        let known = Set(column.categories.map(\.id))
        // Items of a category the caller did not list still appear, after the fixed ones, titled by id.
        let extra = byCategory.keys.filter { !known.contains($0) }.sorted().map { CategoryInfo(id: $0, title: $0) }
        sections = (column.categories + extra).compactMap { category in
            guard let items = byCategory[category.id], !items.isEmpty else { return nil }
            return Section(category: category, items: items.sorted {
                ($0.publishedAt, $0.id) < ($1.publishedAt, $1.id)
            })
        }
        var titles: [String: String] = [:]
        for category in column.categories where titles[category.id] == nil { titles[category.id] = category.title }
        categoryTitles = titles
        roll = column.roll.sorted { ($1.accepted, $0.name) < ($0.accepted, $1.name) }
        topSites = column.figures.topSites.sorted { ($1.count, $0.site) < ($0.count, $1.site) }
        figures = Self.figureRows(column.figures, topSites: topSites)
    }

    func categoryTitle(_ id: String) -> String {
        categoryTitles[id] ?? id
    }

    /// "电商 E-commerce、AI 工具" for a volunteer's tags.
    func tagTitles(_ tags: [String]) -> String {
        tags.map(categoryTitle).joined(separator: "、")
    }

    private static func figureRows(_ figures: ColumnFigures, topSites: [SiteCount]) -> [FigureRow] {
        let reasons = figures.rejectedByReason.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: "，")
        let sites = topSites.map { "\($0.site) \($0.count)" }.joined(separator: "，")
        return [
            FigureRow(label: "投稿 Submissions", value: "\(figures.submissions)"),
            FigureRow(label: "志愿者 Volunteers", value: "\(figures.volunteers)"),
            FigureRow(label: "采纳 Approved", value: "\(figures.approved)"),
            FigureRow(label: "未采纳 Rejected", value: reasons.isEmpty ? "\(figures.rejected)" : "\(figures.rejected)（\(reasons)）"),
            FigureRow(label: "合并重复 Duplicates merged", value: "\(figures.duplicatesMerged)"),
            FigureRow(label: "主要来源 Top sites", value: sites.isEmpty ? "—" : sites),
        ]
    }
}

/// The fixed wording of the column, in one place so every format says the same.
enum ColumnWording {
    static let figuresHeading = "本月数据 This month"
    static let rollHeading = "志愿者光荣榜 Roll of honour"
    static let emptyMonth = "本月没有发布的条目。No items were published this month."
    static let linkOmitted = "（链接已省略：不是 http(s) 地址）"
    static let noteLabel = "志愿者笔记"
    static let evidenceIsNote = "（证据即上方的志愿者笔记。The evidence is the volunteer's note above.）"

    /// The heading of an item: its title, or for a volunteer's note 志愿者笔记 with the moderator's title
    /// when one was given (the note itself is the text below, never repeated as a heading).
    static func heading(_ item: ColumnItem) -> String {
        guard item.isNote else { return item.title }
        let title = Escape.line(item.title)
        return title.isEmpty ? noteLabel + " Volunteer note" : noteLabel + "：" + title
    }

    /// The title of a feed entry or content file, which readers list by title alone: a note without a
    /// moderator's title is named by its opening words.
    static func entryTitle(_ item: ColumnItem) -> String {
        guard item.isNote, Escape.line(item.title).isEmpty else { return heading(item) }
        let note = Escape.line(item.summary ?? "")
        let opening = TextCleaning.truncate(note, to: 30)
        return noteLabel + "：" + opening + (opening.count < note.count ? "…" : "")
    }

    /// "风险提示：夸大宣传「暴利」「躺赚」；收益承诺「日入过万」" for the flags an item promotes, nil without
    /// any. Families keep the order of their first flag; a matched text appears once per family.
    static func riskNote(_ flags: [RiskFlag]) -> String? {
        flagList(flags.filter { !$0.warned }).map { "风险提示：" + $0 }
    }

    /// "⚠ 避坑：本文提醒警惕 拉人头「拉人头」" for the flags an item warns against (a scam warning is intel,
    /// not hype), nil without any. Every format shows it as a box of its own.
    static func warningNote(_ flags: [RiskFlag]) -> String? {
        flagList(flags.filter(\.warned)).map { warningLabel + "：本文提醒警惕 " + $0 }
    }

    static let warningLabel = "⚠ 避坑"

    private static func flagList(_ flags: [RiskFlag]) -> String? {
        guard !flags.isEmpty else { return nil }
        var families: [String] = []
        var matches: [String: [String]] = [:]
        for flag in flags {
            if matches[flag.family] == nil {
                families.append(flag.family)
                matches[flag.family] = []
            }
            if !flag.matched.isEmpty, matches[flag.family]?.contains(flag.matched) == false {
                matches[flag.family]?.append(flag.matched)
            }
        }
        let parts = families.map { family in
            familyName(family) + (matches[family] ?? []).map { "「\($0)」" }.joined()
        }
        return parts.joined(separator: "；")
    }

    /// A feed's or a content file's tags: the risk families as the column names them, in the order of their
    /// first flag, 志愿者笔记 for a volunteer's note and ⚠ 避坑 for an item that warns against a flag.
    static func tags(_ item: ColumnItem) -> [String] {
        var seen = Set<String>()
        let families = item.flags.map { familyName($0.family) }.filter { seen.insert($0).inserted }
        return (item.isNote ? [noteLabel] : []) + families + (item.flags.contains(where: \.warned) ? [warningLabel] : [])
    }

    static func familyName(_ family: String) -> String {
        switch family {
        case "hype": "夸大宣传"
        case "money_claim": "收益承诺"
        case "recruiting": "拉人头"
        case "fraud": "疑似诈骗"
        case "paid_group": "付费社群"
        default: family
        }
    }

    /// The note on a source that was deleted or changed after capture; nil while it is alive or unchecked.
    static func sourceNote(_ item: ColumnItem) -> String? {
        guard let source = item.source else { return nil }
        let captured = item.capturedAt.map { "evidence captured on \(day($0))" } ?? "no evidence captured"
        switch source.state {
        case .alive:
            return nil
        case .deleted:
            return "原文已删除：source deleted on \(day(source.checkedAt)); \(captured)"
        case .changed:
            return "原文已改动：source changed by \(day(source.checkedAt)); \(captured)"
        }
    }

    /// "发现者：甲；也报告了 also reported by：乙、丙", nil without volunteers.
    static func credit(_ volunteers: [String]) -> String? {
        guard let finder = volunteers.first else { return nil }
        let others = volunteers.dropFirst()
        return others.isEmpty ? "发现者：\(finder)" : "发现者：\(finder)；也报告了 also reported by：\(others.joined(separator: "、"))"
    }

    /// "36kr.com · 原文发表于 2026-11-02 · 收录于 2026-11-05": the site, the article's own date when the page
    /// states one, and the day the column took it in.
    static func byline(_ item: ColumnItem) -> String {
        [item.site, articleDay(item).map { "原文发表于 \($0)" }, "收录于 \(day(item.publishedAt))"]
            .compactMap { $0 }.joined(separator: " · ")
    }

    /// The article's own day (`ColumnItem.articleDate`) when it is a real `yyyy-MM-dd` calendar day.
    static func articleDay(_ item: ColumnItem) -> String? {
        guard let text = item.articleDate, text.utf8.count == 10,
              text.utf8.enumerated().allSatisfy({ [4, 7].contains($0.offset) ? $0.element == UInt8(ascii: "-")
                                                  : (0x30...0x39).contains($0.element) }),
              let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)), let dayOfMonth = Int(text.suffix(2)),
              let date = utcCalendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth)),
              utcCalendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: dayOfMonth)
        else { return nil }
        return text
    }

    /// The article's own day as an RFC 3339 time (midnight UTC), for feeds that take only full times.
    static func articleTimestamp(_ item: ColumnItem) -> String? {
        articleDay(item).map { $0 + "T00:00:00Z" }
    }

    static func subtitle(_ column: Column) -> String {
        "\(column.month) · 共 \(column.items.count) 条 · 生成于 \(day(column.generatedAt))"
    }

    /// A date as the community reads it: the calendar day in Beijing time (UTC+8, no daylight saving).
    static func day(_ date: Date) -> String {
        let parts = beijingCalendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.year ?? 0)-" + "\(parts.month ?? 0)".leftPadded(to: 2) + "-" + "\(parts.day ?? 0)".leftPadded(to: 2)
    }

    /// RFC 3339 in UTC, as feeds require.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    private static let beijingCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
        return calendar
    }()
}
