import Foundation
import SluiceCore

/// Lays one card out as plain lines of sanitized text, labels in a column of their own so values line up by
/// display width in either language (a Chinese label takes two columns a character). With a height (the
/// interactive screen) every section is capped and the excerpt takes what rows are left; without one (line
/// mode) everything is shown in full.
struct CardRenderer {
    var width: Int
    var height: Int?
    var catalog: MessageCatalog = .english

    /// Every label a card may show, in English: the label column is as wide as the widest translation.
    static let labels = ["Title", "Site", "Canonical", "Link", "Category", "Risk", "Found by", "Duplicates",
                         "Problem", "History", "Excerpt"]

    /// The widest label in the catalog's language and one column of space after it.
    var labelColumns: Int {
        Self.labels.map { TerminalText.displayWidth(catalog($0)) }.max().map { $0 + 1 } ?? 1
    }

    func lines(for card: ReviewCard) -> [String] {
        var fixed: [String] = []
        fixed += field("Title", card.title ?? catalog("(no title)"), cap: 2)
        fixed += field("Site", Self.siteText(card), cap: 1)
        if let canonical = card.canonicalURL {
            fixed += field("Canonical", Self.shown(canonical), cap: 1)
        }
        if let url = card.url, url != card.canonicalURL {
            fixed += field("Link", Self.shown(url), cap: 1)
        }
        fixed += field("Category", categoryText(card), cap: 1)
        fixed += list("Risk", card.flags.map { Self.flagText($0, catalog) }, cap: 3)
        fixed += list("Found by", card.reports.map(reportText), cap: 3)
        if card.clusterSize > 1 {
            let duplicates = card.reports.count > 1
                ? "\(card.clusterSize) items in this cluster, reported by \(card.reports.count) volunteers"
                : "\(card.clusterSize) items in this cluster"
            fixed += field("Duplicates", catalog(duplicates), cap: 1)
        }
        fixed += list("Problem", card.problems.map { catalog($0) }, cap: 2)
        fixed += list("History", card.history.map { catalog($0) }, cap: 3)
        let excerpt = field("Excerpt", card.excerpt ?? catalog("(none)"),
                            cap: height.map { max(1, $0 - fixed.count) })
        let all = fixed + excerpt
        guard let height else { return all }
        return Array(all.prefix(max(0, height)))
    }

    /// The site's name; a page that names none (a WeChat article whose account name was not found) shows the
    /// host of its link, so the row always says where the item is from.
    static func siteText(_ card: ReviewCard) -> String {
        if let site = card.site, !site.trimmingCharacters(in: .whitespaces).isEmpty { return site }
        let host = [card.canonicalURL, card.url].lazy.compactMap { $0 }.compactMap { try? HTTPURL($0) }.first?.host
        return host?.display ?? "-"
    }

    /// A URL as people read it: the host in Unicode where `URLHost.display` allows (SECURITY.md 3).
    static func shown(_ url: String) -> String {
        (try? HTTPURL(url))?.display ?? url
    }

    /// `#42 v3 pending_review`, `priority 0.82`, `P(approve) 64%`: the parts of the line above every card.
    static func status(of card: ReviewCard, _ catalog: MessageCatalog = .english) -> [String] {
        var parts = ["#\(card.id) v\(card.version) " + catalog(card.state), catalog("priority \(format(card.priority))")]
        if let pApprove = card.pApprove {
            parts.append(catalog("P(approve) \(Int((pApprove * 100).rounded()))%")
                         + (card.uncertain ? " " + catalog("uncertain") : ""))
        }
        return parts
    }

    /// A flag the item warns against is boxed `⚠ 避坑` (a scam warning), so it is not read as the item's hype.
    /// The family is named in the reader's language; the rule keeps its id, which is what the rules file and
    /// `sluice rules test` call it.
    static func flagText(_ flag: RiskFlag, _ catalog: MessageCatalog = .english) -> String {
        (flag.warned ? "⚠ 避坑 " : "") + "\(catalog(flag.family)) «\(flag.matched)» (\(flag.rule))"
    }

    private func categoryText(_ card: ReviewCard) -> String {
        var text = card.category ?? catalog("(none)")
        if let basis = card.basis, card.categorySource != CategorySource.moderator.rawValue {
            return text + " (" + catalog(basis.summary) + ")"
        }
        var basis: [String] = []
        if let source = card.categorySource { basis.append(catalog(source)) }
        if !card.matchedTerms.isEmpty { basis.append(card.matchedTerms.joined(separator: ", ")) }
        if !basis.isEmpty { text += " (" + basis.joined(separator: ": ") + ")" }
        return text
    }

    private func reportText(_ report: VolunteerReport) -> String {
        let note = report.note.map { ": " + $0 } ?? ""
        return "\(report.volunteer) \(Self.minute(report.submittedAt))\(note)"
    }

    /// `2026-11-03T08:15:42.120Z` as `2026-11-03 08:15 UTC`: the minute is all a moderator compares, and the
    /// zone stays said. Text of any other shape is shown as it is.
    static func minute(_ timestamp: String) -> String {
        let characters = Array(timestamp)
        guard characters.count >= 16, characters[10] == "T", characters[13] == ":", timestamp.hasSuffix("Z") else {
            return timestamp
        }
        return String(characters[0..<10]) + " " + String(characters[11..<16]) + " UTC"
    }

    /// One line per entry under one label; with a height, entries past the cap collapse into `+N more`.
    private func list(_ label: String, _ entries: [String], cap: Int) -> [String] {
        var shown = entries
        if height != nil, entries.count > cap {
            shown = Array(entries.prefix(cap - 1)) + [catalog("+\(entries.count - cap + 1) more")]
        }
        return shown.enumerated().flatMap { entry in
            field(entry.offset == 0 ? label : "", entry.element, cap: 1)
        }
    }

    /// The label then the value wrapped into the value column; with a height, cut to `cap` lines.
    private func field(_ label: String, _ value: String, cap: Int?) -> [String] {
        let labelColumns = labelColumns
        let valueColumns = max(2, width - labelColumns)
        var wrapped = TerminalText.wrap(value, columns: valueColumns)
        if height != nil, let cap, wrapped.count > cap {
            wrapped = Array(wrapped.prefix(cap))
            wrapped[cap - 1] = TerminalText.fit(wrapped[cap - 1] + "…", columns: valueColumns)
        }
        let labelText = TerminalText.pad(label.isEmpty ? "" : catalog(label), columns: labelColumns)
        let indent = String(repeating: " ", count: labelColumns)
        return wrapped.enumerated().map { ($0.offset == 0 ? labelText : indent) + $0.element }
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
