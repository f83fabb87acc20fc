import Foundation
import SluiceApp
import SluiceCore
import SluicePipeline
import SluicePublish

/// `sluice publish`, `sluice unpublish` and `sluice export`.
enum PublishCommands {
    static func publishing(_ context: Context) throws -> PublishingService {
        PublishingService(store: try context.store(), clock: context.clock)
    }

    static func publish(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let contentRoot = try arguments.option("--content") ?? "content"
        let json = arguments.flag("--json")
        try arguments.finish()
        let display = context.progress(["publish"])
        let result = try publishing(context).publish(into: ContentDirectory(root: URL(fileURLWithPath: contentRoot))) { done, total in
            display?.update("publish", done: done, total: total)
        }
        display?.finish()
        if json {
            try context.printJSON(result)
        } else {
            for (id, path) in zip(result.published, result.paths) {
                context.say(TerminalSafe.text("published #\(id) → \(contentRoot)/\(path)"))
            }
            context.say("published \(result.published.count) item(s)")
        }
        return 0
    }

    /// `sluice unpublish ID… --reason TEXT --as MODERATOR`: retracts published items. The content file is
    /// removed, the ledger entry kept and marked retracted, the audit log records who and why, and the item
    /// goes back to `approved`: the next `publish` puts it in that month's column (and only there).
    static func unpublish(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let reason = try arguments.option("--reason"), !reason.isEmpty else {
            throw UsageError("unpublish: --reason TEXT is required (every retraction is audited)")
        }
        guard let moderator = try arguments.option("--as"), !moderator.isEmpty else {
            throw UsageError("unpublish: --as MODERATOR is required (every retraction is audited)")
        }
        let contentRoot = try arguments.option("--content") ?? "content"
        let json = arguments.flag("--json")
        let ids = try arguments.positionals()
        guard !ids.isEmpty else { throw UsageError("unpublish: name at least one item id (see sluice unpublish --help)") }
        let result = try publishing(context).unpublish(ids, reason: reason, moderator: moderator,
                                                       from: ContentDirectory(root: URL(fileURLWithPath: contentRoot)))
        if json {
            try context.printJSON(result)
        } else {
            for entry in result.unpublished {
                let removed = entry.removed.map { ", removed \(contentRoot)/\($0)" } ?? ""
                context.say(TerminalSafe.text("unpublished #\(entry.id) from \(entry.month)\(removed)"))
            }
            context.say("unpublished \(result.unpublished.count) item(s)")
        }
        for refusal in result.refused { context.console.error(TerminalSafe.text("unpublish: " + refusal.reason)) }
        return result.refused.isEmpty ? 0 : 1
    }

    /// `--month YYYY-MM`, checked; nil when absent.
    static func month(_ arguments: inout Arguments, command: String) throws -> String? {
        guard let month = try arguments.option("--month") else { return nil }
        guard ContentDirectory.isMonth(month) else {
            throw UsageError("\(command): --month takes a month like 2026-11, not \"\(TerminalSafe.text(month))\"")
        }
        return month
    }

    static func export(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let month = try month(&arguments, command: "export") else { throw UsageError("export: --month YYYY-MM is required") }
        let formatName = try arguments.option("--format") ?? "md"
        guard let format = ColumnFormat(rawValue: formatName) else {
            throw UsageError("export: --format is one of " + ColumnFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let out = try arguments.option("--out")
        let site = try siteOptions(&arguments, context)
        try arguments.finish()
        var column = try publishing(context).column(month: month)
        column.site = site
        let text: String
        do throws(ColumnRenderError) {
            text = try ColumnRenderer.render(column, as: format)
        } catch {
            context.console.error("export: " + error.description)
            return 1
        }
        if let out {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
            context.say("wrote \(column.items.count) item(s) to \(TerminalSafe.text(out))")
        } else {
            context.console.writeRaw(Data(text.utf8))
        }
        return 0
    }

    /// The `site` section of the pipeline in force, with `--base-url URL` taking precedence over its base URL.
    static func siteOptions(_ arguments: inout Arguments, _ context: Context) throws -> SiteOptions {
        var site = try context.pipeline(&arguments).site
        let override = try arguments.option("--base-url")
        if let override {
            do throws(SiteAddressError) {
                site.baseURL = try SiteOptions.checkedBaseURL(override)
            } catch {
                throw UsageError("export: --base-url " + TerminalSafe.text(error.description))
            }
        }
        return site
    }
}
