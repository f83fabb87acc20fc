import Foundation
import SluiceCore
import SluicePipeline
import SluicePublish
import SluiceStore

/// `sluice publish`, `sluice unpublish` and `sluice export`.
enum PublishCommands {
    /// The column's fixed category order and display names.
    static let categories: [CategoryInfo] = [
        CategoryInfo(id: "ecommerce", title: "电商 E-commerce"),
        CategoryInfo(id: "affiliate", title: "淘宝客与返利 Affiliate"),
        CategoryInfo(id: "content", title: "内容创作 Content creation"),
        CategoryInfo(id: "short_video_live", title: "短视频与直播 Short video & live"),
        CategoryInfo(id: "ai_tools", title: "AI 工具 AI tools"),
        CategoryInfo(id: "freelance", title: "自由职业与接单 Freelancing"),
        CategoryInfo(id: "private_domain", title: "私域流量 Private-domain traffic"),
        CategoryInfo(id: "local_services", title: "本地生活 Local services"),
        CategoryInfo(id: "courses", title: "知识付费 Courses"),
        CategoryInfo(id: "other", title: "其他 Other"),
    ]

    struct PublishResult: Encodable {
        var published: [Int64] = []
        var alreadyPublished: [Int64] = []
        var paths: [String] = []

        enum CodingKeys: String, CodingKey {
            case published, paths
            case alreadyPublished = "already_published"
        }
    }

    static func publish(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let contentRoot = try arguments.option("--content") ?? "content"
        let json = arguments.flag("--json")
        try arguments.finish()
        let store = try context.store()
        let directory = ContentDirectory(root: URL(fileURLWithPath: contentRoot))
        var result = PublishResult()
        var taken = try store.takenSlugs()
        for record in try store.approvedAwaitingPublication() {
            let now = Date()
            let month = Timestamp.month(now)
            let evidence = try store.evidenceForPublication(itemID: record.id)
            var item = columnItem(record, publishedAt: now, capturedAt: evidence.capturedAt,
                                  evidenceSHA256: evidence.textSHA256)
            item.articleDate = try store.page(itemID: record.id)?.publishedDate
            let slug = Slug.make(title: record.title ?? record.note ?? "", id: record.id, taken: taken)
            let path = try directory.write(item, slug: slug, month: month, evidenceText: evidence.text)
            let publication = Publication(itemID: record.id, month: month, publishedAt: now, slug: slug, path: path,
                                          evidenceSHA256: evidence.textSHA256, evidenceText: evidence.text,
                                          capturedAt: evidence.capturedAt)
            if try store.recordPublication(publication, actor: "publish") {
                taken.insert(slug)
                result.published.append(record.id)
                result.paths.append(path)
            } else {
                result.alreadyPublished.append(record.id)
            }
        }
        if json {
            try context.printJSON(result)
        } else {
            for (id, path) in zip(result.published, result.paths) {
                context.console.print(TerminalSafe.text("published #\(id) → \(contentRoot)/\(path)"))
            }
            context.console.print("published \(result.published.count) item(s)")
        }
        return 0
    }

    struct UnpublishResult: Encodable {
        var unpublished: [Unpublished] = []
        var refused: [Refusal] = []
    }

    struct Unpublished: Encodable {
        var id: Int64
        var month: String
        var removed: String?
    }

    struct Refusal: Encodable {
        var id: String
        var reason: String
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
        let store = try context.store()
        let directory = ContentDirectory(root: URL(fileURLWithPath: contentRoot))
        var result = UnpublishResult()
        for text in ids {
            guard let id = Int64(text), id > 0 else {
                result.refused.append(Refusal(id: text, reason: "\"\(text)\" is not an item id"))
                continue
            }
            guard let record = try store.record(id: id) else {
                result.refused.append(Refusal(id: text, reason: "no item #\(id) in the store"))
                continue
            }
            guard record.state == .published else {
                result.refused.append(Refusal(id: text, reason: "item #\(id) is \(record.state.rawValue), not published"))
                continue
            }
            let publication = try store.retract(itemID: id, reason: reason, moderator: moderator)
            if let path = publication.path { try directory.remove(relativePath: path) }
            result.unpublished.append(Unpublished(id: id, month: publication.month, removed: publication.path))
        }
        if json {
            try context.printJSON(result)
        } else {
            for entry in result.unpublished {
                let removed = entry.removed.map { ", removed \(contentRoot)/\($0)" } ?? ""
                context.console.print(TerminalSafe.text("unpublished #\(entry.id) from \(entry.month)\(removed)"))
            }
            context.console.print("unpublished \(result.unpublished.count) item(s)")
        }
        for refusal in result.refused { context.console.error(TerminalSafe.text("unpublish: " + refusal.reason)) }
        return result.refused.isEmpty ? 0 : 1
    }

    /// The item as the column shows it. Intel without a link is a volunteer's note (`ColumnItem.isNote`):
    /// no URL, the note as its text, a title only when a moderator gave one.
    static func columnItem(_ record: ItemRecord, publishedAt: Date, capturedAt: Date?, evidenceSHA256: String?) -> ColumnItem {
        let url = record.url ?? ""
        let volunteers = record.reports.map(\.volunteer).reduce(into: [String]()) { names, name in
            if !names.contains(name) { names.append(name) }
        }
        let isNote = record.url == nil
        let canonicalURL = isNote ? "" : record.canonicalURL ?? url
        // Most pages name no site: the host of the link stands in, for the byline and the top sites.
        let host = URLComponents(string: canonicalURL)?.host.map { $0.hasPrefix("www.") ? String($0.dropFirst(4)) : $0 }
        return ColumnItem(id: record.id, title: record.title ?? (isNote ? "" : url),
                          url: url, canonicalURL: canonicalURL, site: record.site ?? host,
                          category: record.category ?? "other",
                          summary: isNote ? record.note : record.description ?? record.excerpt ?? record.note,
                          flags: record.flags, volunteers: volunteers.isEmpty ? [record.volunteer] : volunteers,
                          publishedAt: publishedAt, capturedAt: capturedAt, evidenceSHA256: evidenceSHA256, source: nil)
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
        let site = try siteOptions(&arguments)
        try arguments.finish()
        var column = try buildColumn(month: month, store: try context.store())
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
            context.console.print("wrote \(column.items.count) item(s) to \(TerminalSafe.text(out))")
        } else {
            context.console.writeRaw(Data(text.utf8))
        }
        return 0
    }

    /// The pipeline file's `site` section (`--pipeline FILE`, else pipelines/default.json when it exists),
    /// with `--base-url URL` taking precedence over its base URL.
    static func siteOptions(_ arguments: inout Arguments) throws -> SiteOptions {
        let named = try arguments.option("--pipeline")
        let override = try arguments.option("--base-url")
        let path = named ?? PipelineCommands.defaultPipeline
        var site = named != nil || FileManager.default.fileExists(atPath: path) ? try PipelineDefinition.load(path: path).site
            : SiteOptions()
        if let override {
            do throws(SiteAddressError) {
                site.baseURL = try SiteOptions.checkedBaseURL(override)
            } catch {
                throw UsageError("export: --base-url " + TerminalSafe.text(error.description))
            }
        }
        return site
    }

    static func buildColumn(month: String, store: Store) throws -> Column {
        let publications = try store.publications(month: month)
        let items = try publications.map { entry in
            var item = columnItem(entry.record, publishedAt: entry.publication.publishedAt,
                                  capturedAt: entry.publication.capturedAt, evidenceSHA256: entry.publication.evidenceSHA256)
            item.articleDate = try store.page(itemID: entry.record.id)?.publishedDate
            item.source = try store.sourceStatus(itemID: entry.record.id)
            return item
        }
        let figures = try store.figures(month: month)
        let roll = ColumnTally.roll(of: items, categoryOrder: categories.map(\.id))
        let generatedAt = items.map(\.publishedAt).max() ?? Timestamp.date(month + "-01T00:00:00.000Z") ?? Date(timeIntervalSince1970: 0)
        return Column(month: month, title: "副业情报月刊 \(month)", categories: categories, items: items,
                      figures: ColumnFigures(submissions: figures.submissions, volunteers: figures.volunteers,
                                             approved: figures.approved, rejectedByReason: figures.rejectedByReason,
                                             duplicatesMerged: figures.duplicatesMerged,
                                             topSites: ColumnTally.topSites(of: items)),
                      roll: roll, generatedAt: generatedAt)
    }
}
