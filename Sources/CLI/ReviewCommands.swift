import Foundation
import SluiceApp
import SluiceCore
import SluiceReview

/// `sluice review …`: the scripted forms (list, show, approve, reject, log) and the interactive screen.
enum ReviewCommands {
    static func review(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let positionals = peekSubcommand(&arguments)
        switch positionals {
        case "list": return try list(&arguments, context)
        case "show": return try show(&arguments, context)
        case "approve": return try decide(&arguments, context, approving: true)
        case "reject": return try decide(&arguments, context, approving: false)
        case "log": return try log(&arguments, context)
        case "unlink": return try DedupCommands.unlink(&arguments, context)
        case nil: return try interactive(&arguments, context)
        case let other?: throw UsageError("review: unknown subcommand \"\(TerminalSafe.text(other))\" (see sluice review --help)")
        }
    }

    /// Takes the first argument as a subcommand when it is not an option.
    private static func peekSubcommand(_ arguments: inout Arguments) -> String? {
        arguments.takeSubcommand()
    }

    /// `review list`: the review queue or any state, as text, a JSON array or JSON Lines. The JSON forms and
    /// text given `--after` list by id, read a page at a time (see `ReviewStore.forEachPage`); text without
    /// `--after` shows the review queue highest priority first, which cannot be paged.
    static func list(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let stateName = try arguments.option("--state") ?? ItemState.pendingReview.rawValue
        let limit = try listLimit(try arguments.option("--limit"))
        let after = try listAfter(try arguments.option("--after"))
        let json = arguments.flag("--json")
        let jsonLines = arguments.flag("--jsonl")
        try arguments.finish()
        guard !(json && jsonLines) else {
            throw UsageError("review list: --json and --jsonl are two forms of the same list; give one of them")
        }
        let state: ItemState?
        if stateName == "all" {
            state = nil
        } else if let named = ItemState(rawValue: stateName) {
            state = named
        } else {
            throw UsageError("review list: unknown state \"\(TerminalSafe.text(stateName))\" (one of all, "
                             + ItemState.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        let store = try context.store()
        if json || jsonLines {
            // No hint when --limit cuts the list short: a script continues with the last id it read.
            var list = StreamedJSONList(jsonLines ? .lines : .array)
            try store.forEachPage(state: state, after: after ?? 0, limit: limit) { page in
                context.console.writeRaw(try list.page(page))
            }
            context.console.writeRaw(list.end())
            return 0
        }
        let shown = limit ?? 50
        if state == .pendingReview && after == nil {
            let queue = try store.records(state: state, limit: shown < Int.max ? shown + 1 : shown, after: nil)
            if queue.isEmpty { context.say("no items in \(stateName)") }
            for record in queue.prefix(shown) { context.console.print(line(for: record, context.console.catalog)) }
            if queue.count > shown {
                let hint = "(--limit N shows more; --after 0 pages through them all by id)"
                context.say("more items wait: the first \(shown) by priority are shown \(hint)")
            }
            return 0
        }
        var listed = 0
        let next = try store.forEachPage(state: state, after: after ?? 0, limit: shown) { page in
            context.console.writeRaw(Data(page.map { line(for: $0, context.console.catalog) + "\n" }.joined().utf8))
            listed += page.count
        }
        if listed == 0 { context.say("no items in \(stateName)" + (after.map { " after #\($0)" } ?? "")) }
        if let next { context.say("next page: --after \(next)") }
        return 0
    }

    /// `--limit N`: how many items to list, at least one.
    private static func listLimit(_ text: String?) throws -> Int? {
        guard let text else { return nil }
        guard let limit = Int(text), limit > 0 else {
            throw UsageError("review list: --limit takes a number of items greater than 0, not \"\(TerminalSafe.text(text))\"")
        }
        return limit
    }

    /// `--after ID`: the id the list continues after (0 starts at the first item).
    private static func listAfter(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        guard let id = Int64(text), id >= 0 else {
            throw UsageError("review list: --after takes an item id (0 for the first), not \"\(TerminalSafe.text(text))\"")
        }
        return id
    }

    /// One line per item, fitted to 100 columns by display width (CJK takes two).
    static func line(for record: ItemRecord, _ catalog: MessageCatalog) -> String {
        let id = "#\(record.id)".padding(toLength: 6, withPad: " ", startingAt: 0)
        let state = TerminalText.pad(catalog(record.state.rawValue), columns: 14)
        let priority = String(format: "%5.2f", record.priority)
        let category = (record.category ?? "-").padding(toLength: 16, withPad: " ", startingAt: 0)
        let flags = record.flags.isEmpty ? "  " : (record.flags.allSatisfy(\.warned) ? "⚠" : "⚑") + "\(record.flags.count)"
        let problem = record.error.map { "[\($0.code.rawValue)] " } ?? ""
        let claim = record.claimedBy.map { catalog("[claimed by \($0)]") + " " } ?? ""
        let title = record.title ?? record.note ?? record.url ?? ""
        let site = record.site.map { " — \($0)" } ?? ""
        let head = "\(id) \(state) \(priority) \(category) \(flags) "
        return head + TerminalText.fit(TerminalText.sanitize(claim + problem + title + site), columns: max(20, 100 - TerminalText.displayWidth(head)))
    }

    static func show(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let json = arguments.flag("--json")
        let ids = try itemIDs(try arguments.positionals(), command: "review show")
        let store = try context.store()
        var records: [ItemRecord] = []
        for id in ids {
            guard let record = try store.record(id: id) else { throw StoreError.notFound(itemID: id) }
            records.append(record)
        }
        if json {
            try context.printJSON(records.count == 1 ? AnyEncodable(records[0]) : AnyEncodable(records))
            return 0
        }
        for record in records {
            context.console.print(ItemText.render(record))
        }
        return 0
    }

    static func itemIDs(_ positionals: [String], command: String) throws -> [Int64] {
        guard !positionals.isEmpty else { throw UsageError("\(command): name at least one item id") }
        return try positionals.map { text in
            guard let id = Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text), id > 0 else {
                throw UsageError("\(command): \"\(TerminalSafe.text(text))\" is not an item id")
            }
            return id
        }
    }

    static func decide(_ arguments: inout Arguments, _ context: Context, approving: Bool) throws -> Int32 {
        let command = approving ? "review approve" : "review reject"
        guard let moderator = try arguments.option("--as"), !moderator.isEmpty else {
            throw UsageError("\(command): --as MODERATOR is required (every decision is audited)")
        }
        let decision: Decision
        if approving {
            decision = .approve(category: try arguments.option("--category"), title: try arguments.option("--title"))
        } else {
            guard let reason = try arguments.option("--reason"), !reason.isEmpty else {
                throw UsageError("review reject: --reason is required (one of "
                                 + RejectReason.allCases.map(\.rawValue).joined(separator: ", ") + ", or your own words)")
            }
            decision = .reject(reason: reason, text: try arguments.option("--text"))
        }
        let expectedVersion = try arguments.integer("--version")
        let json = arguments.flag("--json")
        let selection = try selection(&arguments, command: command)
        let confirmed = arguments.flag("--yes")
        let positionals = try arguments.positionals()
        let moderation = ModerationService(store: try context.store(), clock: context.clock)
        if let selection {
            guard positionals.isEmpty else { throw UsageError("\(command): give item ids or a selection, not both") }
            let selected = try moderation.select(selection)
            guard confirmed else {
                let verb = approving ? "approve" : "reject"
                context.say(TerminalSafe.text("\(selected.count) item(s) in the review queue match \(selection)"
                                              + "; nothing was changed (add --yes to \(verb) them)"))
                return 0
            }
            let report = try moderation.decide(selected, decision, moderator: moderator)
            if json {
                try context.printJSON(report)
            } else {
                for entry in report.applied { context.say("#\(entry.itemID): \(entry.fromState) → \(entry.toState)") }
                let decided = "\(report.applied.count) of \(report.selected) selected item(s) decided"
                context.say(report.skipped.isEmpty
                            ? decided : "\(decided); \(report.skipped.count) had moved on and were left as they are")
            }
            for skipped in report.skipped { context.console.error(TerminalSafe.text("\(command): \(skipped.reason)")) }
            return report.skipped.isEmpty ? 0 : 1
        }
        var entries: [DecisionEntry] = []
        var failures = 0
        for id in try itemIDs(positionals, command: command) {
            do {
                let entry = try moderation.decide(itemID: id, decision, moderator: moderator,
                                                  expected: expectedVersion.map { ExpectedItem(version: $0) })
                entries.append(entry)
                if !json { context.say("#\(id): \(entry.fromState) → \(entry.toState)") }
            } catch let error as StoreError where !error.isEnvironmental {
                failures += 1
                context.console.error(TerminalSafe.text("\(command): \(error.description)"))
            }
        }
        if json { try context.printJSON(entries) }
        return failures == 0 ? 0 : 1
    }

    static func log(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let moderator = try arguments.option("--as")
        let sinceText = try arguments.option("--since")
        let json = arguments.flag("--json")
        try arguments.finish()
        var since: Date?
        if let sinceText {
            guard let date = Timestamp.date(sinceText) ?? Timestamp.date(sinceText + "T00:00:00.000Z") else {
                throw UsageError("review log: --since takes a date like 2026-11-01, not \"\(TerminalSafe.text(sinceText))\"")
            }
            since = date
        }
        let entries = try ModerationService(store: try context.store()).log(moderator: moderator, since: since)
        if json {
            try context.printJSON(entries)
            return 0
        }
        for entry in entries {
            let why = [entry.reason, entry.detail].compactMap { $0 }.joined(separator: ": ")
            context.say(TerminalSafe.text("\(Timestamp.string(entry.at)) \(entry.moderator) \(entry.action) #\(entry.itemID) "
                                          + "\(entry.fromState) → \(entry.toState)" + (why.isEmpty ? "" : " (\(why))")))
        }
        return 0
    }

    /// `sluice review --as MODERATOR`: the keyboard screen on a terminal, the line-oriented form otherwise.
    static func interactive(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let moderator = try arguments.option("--as"), !moderator.isEmpty else {
            throw UsageError("review: --as MODERATOR is required (or a subcommand: list, show, approve, reject, log)")
        }
        let forceLines = arguments.flag("--lines")
        let json = arguments.flag("--json")
        try arguments.finish()
        let backend = ModerationBackend(store: try context.store(), clock: context.clock)
        let summary: ReviewSummary
        if context.console.isTerminal && !forceLines {
            summary = try InteractiveReview(backend: backend, moderator: moderator, input: STDIN_FILENO, output: STDOUT_FILENO,
                                            pager: context.environment["PAGER"], catalog: context.console.catalog).run()
        } else {
            summary = try context.console.withLineStreams { input, output in
                try LineReview(backend: backend, moderator: moderator, input: input, output: output,
                               catalog: context.console.catalog).run()
            }
        }
        if json {
            try context.printJSON(summary)
        } else {
            let counts = "approved \(summary.approved), rejected \(summary.rejected), edited \(summary.edited), skipped \(summary.skipped), undone \(summary.undone)"
            context.console.print(context.console.catalog(counts))
        }
        return 0
    }
}

/// Encodes whichever value it wraps, so one command can print an object or an array.
struct AnyEncodable: Encodable {
    private let encodeValue: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeValue = value.encode }
    func encode(to encoder: Encoder) throws { try encodeValue(encoder) }
}

/// The plain-text view of one item (review show, and the line-mode review screen's fallback).
enum ItemText {
    static func render(_ record: ItemRecord) -> String {
        var lines: [String] = []
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append("\(label.padding(toLength: 12, withPad: " ", startingAt: 0)) \(TerminalText.sanitize(value))")
        }
        add("item", "#\(record.id) (\(record.state.rawValue), version \(record.version))")
        add("title", record.title)
        add("site", record.site)
        add("url", record.url)
        if record.canonicalURL != record.url { add("canonical", record.canonicalURL) }
        add("category", record.category.map { "\($0) (\(record.categorySource?.rawValue ?? "?"))" })
        add("decided by", record.categorySource == .moderator ? nil : record.categoryBasis?.summary)
        add("matched", record.categoryBasis == nil && !record.matchedTerms.isEmpty ? record.matchedTerms.joined(separator: ", ") : nil)
        for flag in record.flags { add("risk", (flag.warned ? "⚠ 避坑 warned against: " : "") + "\(flag.family): \(flag.matched)") }
        add("p(approve)", record.pApprove.map { String(format: "%.2f", $0) + (record.uncertain ? " (uncertain)" : "") })
        add("model", record.modelVersion)
        add("priority", String(format: "%.2f", record.priority))
        add("problem", record.error.map { "\($0.code.rawValue): \($0.message)" })
        add("duplicate", record.duplicateOf.map { "of #\($0) (\(record.duplicateKind ?? "?"))" })
        add("reason", record.decisionReason)
        for report in record.reports {
            add("reported by", "\(report.volunteer) on \(Timestamp.string(report.submittedAt).prefix(10))"
                + (report.note.map { ": \($0)" } ?? ""))
        }
        add("excerpt", record.excerpt ?? record.description)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ReviewCommands {
    /// A bulk decision's selection over the review queue: `--where volunteer=NAME`, `--site HOST`,
    /// `--flag FAMILY|any|none`, `--problem CODE|any|none`, `--cluster ID`, or `--all`; several combine (all
    /// must hold). Nil when none is given.
    static func selection(_ arguments: inout Arguments, command: String) throws -> ReviewSelection? {
        var selection = ReviewSelection()
        if let condition = try arguments.option("--where") {
            let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "volunteer" else {
                throw UsageError("\(command): --where takes volunteer=NAME, not \"\(TerminalSafe.text(condition))\"")
            }
            selection.volunteer = parts[1]
        }
        selection.site = try arguments.option("--site")
        selection.flag = try arguments.option("--flag")
        if let text = try arguments.option("--cluster") {
            guard let id = Int64(text) else { throw UsageError("\(command): --cluster takes an item id") }
            selection.cluster = id
        }
        selection.problem = try arguments.option("--problem")
        let all = arguments.flag("--all")
        return selection == ReviewSelection() && !all ? nil : selection
    }
}
