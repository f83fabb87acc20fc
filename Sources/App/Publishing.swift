import Foundation
import SluiceCore
import SluicePublish

/// Approved items into the community's content store, once each; retractions; the month's column.
public struct PublishingService: Sendable {
    let store: any PublicationStore & ReviewStore
    let clock: any TimeSource

    public init(store: any PublicationStore & ReviewStore, clock: any TimeSource = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// What `publish` did.
    public struct PublishResult: Sendable, Encodable {
        public var published: [Int64] = []
        public var alreadyPublished: [Int64] = []
        public var paths: [String] = []

        enum CodingKeys: String, CodingKey {
            case published, paths
            case alreadyPublished = "already_published"
        }
    }

    /// Writes one content file per publishable item and records its ledger entry. The file is written
    /// (atomically) before the ledger entry, so a crash in between leaves the item approved and the next
    /// `publish` writes the same file again: nothing is published twice, nothing lost.
    public func publish(into directory: ContentDirectory, progress: (Int, Int) -> Void = { _, _ in }) throws -> PublishResult {
        var result = PublishResult()
        var taken = try store.takenSlugs()
        let awaiting = try store.approvedAwaitingPublication()
        for (index, record) in awaiting.enumerated() {
            let now = clock.now()
            let month = Timestamp.month(now)
            let evidence = try evidence(for: record.id, at: now)
            var item = Self.columnItem(record, publishedAt: now, capturedAt: evidence.capturedAt,
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
            progress(index + 1, awaiting.count)
        }
        return result
    }

    /// The evidence frozen at approval; for an item approved before evidence was frozen, frozen now.
    private func evidence(for itemID: Int64, at now: Date) throws -> FrozenEvidence {
        if let stored = try store.evidence(itemID: itemID) { return stored }
        let source = try store.evidenceSource(itemID: itemID)
        let evidence = FrozenEvidence.freeze(title: source.title, text: source.text, capturedAt: source.capturedAt)
        try store.saveEvidence(evidence, itemID: itemID, at: now)
        return evidence
    }

    /// What `unpublish` did.
    public struct UnpublishResult: Sendable, Encodable {
        public var unpublished: [Unpublished] = []
        public var refused: [Refusal] = []

        public struct Unpublished: Sendable, Encodable {
            public var id: Int64
            public var month: String
            public var removed: String?
        }

        public struct Refusal: Sendable, Encodable {
            public var id: String
            public var reason: String
        }
    }

    /// Retracts published items: the content file is removed, the ledger entry kept and marked, the audit
    /// log records who and why, and the item goes back to `approved`.
    public func unpublish(_ ids: [String], reason: String, moderator: String, from directory: ContentDirectory) throws
        -> UnpublishResult {
        var result = UnpublishResult()
        for text in ids {
            guard let id = Int64(text), id > 0 else {
                result.refused.append(.init(id: text, reason: "\"\(text)\" is not an item id"))
                continue
            }
            guard let record = try store.record(id: id) else {
                result.refused.append(.init(id: text, reason: "no item #\(id) in the store"))
                continue
            }
            guard record.state == .published else {
                result.refused.append(.init(id: text, reason: "item #\(id) is \(record.state.rawValue), not published"))
                continue
            }
            let publication = try store.retract(itemID: id, reason: reason, moderator: moderator, at: clock.now())
            if let path = publication.path { try directory.remove(relativePath: path) }
            result.unpublished.append(.init(id: id, month: publication.month, removed: publication.path))
        }
        return result
    }

    /// The months with live publications, newest first.
    public func publishedMonths() throws -> [String] {
        try store.publishedMonths()
    }

    /// The month's column: the live publications with their sources' state, the figures and the roll.
    public func column(month: String) throws -> Column {
        let items = try store.publications(month: month).map { entry in
            var item = Self.columnItem(entry.record, publishedAt: entry.publication.publishedAt,
                                       capturedAt: entry.publication.capturedAt,
                                       evidenceSHA256: entry.publication.evidenceSHA256)
            item.articleDate = try store.page(itemID: entry.record.id)?.publishedDate
            item.source = try store.sourceStatus(itemID: entry.record.id)
            return item
        }
        let figures = try store.figures(month: month)
        let categories = CategoryInfo.column
        let roll = ColumnTally.roll(of: items, categoryOrder: categories.map(\.id))
        let generatedAt = items.map(\.publishedAt).max() ?? Timestamp.date(month + "-01T00:00:00.000Z")
            ?? Date(timeIntervalSince1970: 0)
        return Column(month: month, title: "副业情报月刊 \(month)", categories: categories, items: items,
                      figures: ColumnFigures(submissions: figures.submissions, volunteers: figures.volunteers,
                                             approved: figures.approved, rejectedByReason: figures.rejectedByReason,
                                             duplicatesMerged: figures.duplicatesMerged,
                                             topSites: ColumnTally.topSites(of: items)),
                      roll: roll, generatedAt: generatedAt)
    }

    /// The item as the column shows it. Intel without a link is a volunteer's note (`ColumnItem.isNote`):
    /// no URL, the note as its text, a title only when a moderator gave one.
    public static func columnItem(_ record: ItemRecord, publishedAt: Date, capturedAt: Date?, evidenceSHA256: String?)
        -> ColumnItem {
        let url = record.url ?? ""
        let volunteers = record.reports.map(\.volunteer).reduce(into: [String]()) { names, name in
            if !names.contains(name) { names.append(name) }
        }
        let isNote = record.url == nil
        let canonicalURL = isNote ? "" : record.canonicalURL ?? url
        // Most pages name no site: the host of the link stands in, for the byline and the top sites.
        let host = (try? HTTPURL(canonicalURL)).map { url in
            url.host.display.hasPrefix("www.") ? String(url.host.display.dropFirst(4)) : url.host.display
        }
        return ColumnItem(id: record.id, title: record.title ?? (isNote ? "" : url),
                          url: url, canonicalURL: canonicalURL, site: record.site ?? host,
                          category: record.category ?? "other",
                          summary: isNote ? record.note : record.description ?? record.excerpt ?? record.note,
                          flags: record.flags, volunteers: volunteers.isEmpty ? [record.volunteer] : volunteers,
                          publishedAt: publishedAt, capturedAt: capturedAt, evidenceSHA256: evidenceSHA256, source: nil)
    }
}
