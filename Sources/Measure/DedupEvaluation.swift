import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

/// Precision and recall of one kind of duplicate detection, counted the way the pipeline decides: items
/// arrive in a seeded shuffled order and each is matched against the items before it.
public struct DetectionScore: Codable, Sendable, Equatable {
    /// Items that have an earlier item of their own cluster (the duplicates to find).
    public var duplicates: Int
    /// Items matched to an earlier item of their cluster.
    public var correct: Int
    /// Items matched to an item of another cluster.
    public var wrong: Int

    enum Outcome { case correct, wrong, missed, unique }

    /// Counts one item: whether an earlier item of its cluster exists, and the cluster it was matched to.
    mutating func record(cluster: Int, hasEarlier: Bool, matchedCluster: Int?) -> Outcome {
        if hasEarlier { duplicates += 1 }
        defer {
            precision = correct + wrong == 0 ? 1 : Double(correct) / Double(correct + wrong)
            recall = duplicates == 0 ? 1 : Double(correct) / Double(duplicates)
        }
        switch matchedCluster {
        case cluster?:
            correct += 1
            return .correct
        case .some:
            wrong += 1
            return .wrong
        case nil:
            return hasEarlier ? .missed : .unique
        }
    }

    /// Correct matches among all matches (1 when nothing was matched); kept current by `record`.
    public var precision: Double = 1
    /// Duplicates found among all duplicates (1 when there were none); kept current by `record`.
    public var recall: Double = 1
}

/// How one kind of variant fared against its original, by content.
public struct VariantFigures: Codable, Sendable, Equatable {
    public var kind: String
    public var pairs: Int
    /// Pairs the judge calls duplicates.
    public var detected: Int
    public var exact: Int
    public var medianDistance: Int
    public var maxDistance: Int
    /// Exact Jaccard similarity of the two shingle sets (what the MinHash sketches estimate).
    public var meanJaccard: Double
    public var minJaccard: Double
}

/// Pairs of texts that are not duplicates, and how close they came.
public struct NegativeFigures: Codable, Sendable, Equatable {
    public var label: String
    public var pairs: Int
    /// Pairs the judge wrongly calls duplicates.
    public var falseMatches: Int
    public var minDistance: Int
    /// The highest Jaccard similarity among the pairs: exact for the same-site pairs, estimated from the
    /// MinHash sketches for all pairs (exact over 10^5 pairs would dominate the run time).
    public var maxJaccard: Double
}

/// The labelled-set evaluation of the dedup engine on `../shared/corpus`.
public struct DedupReport: Codable, Sendable, Equatable, CustomStringConvertible {
    public var pages: Int
    public var urlItems: Int
    public var contentItems: Int
    public var options: DedupOptions
    public var rulesVersion: String
    public var url: DetectionScore
    public var content: DetectionScore
    public var variants: [VariantFigures]
    public var negatives: [NegativeFigures]
    /// Time to fingerprint every content item (normalization, shingles, SimHash, MinHash) and its text size.
    public var fingerprintSeconds: Double
    public var fingerprintCharacters: Int
    /// Examples of misses and false matches, for a person to look at.
    public var examples: [String]

    public var description: String {
        func ratio(_ value: Double) -> String { String(format: "%.4f", value) }
        func score(_ name: String, _ score: DetectionScore) -> String {
            "\(name): precision \(ratio(score.precision)), recall \(ratio(score.recall)) "
                + "(\(score.correct) of \(score.duplicates) duplicates found, \(score.wrong) wrong matches)"
        }
        var lines = [
            "dedup evaluation: \(pages) corpus pages → \(urlItems) URL items, \(contentItems) content items; "
                + "rules \(rulesVersion), max distance \(options.maxHammingDistance), min Jaccard \(options.minJaccard) "
                + "(\(options.lshBands) bands x \(options.lshRows) rows), shingles "
                + "\(options.shingleSizeCJK) CJK chars / \(options.shingleSizeWords) words",
            score("URL duplicates    ", url),
            score("content duplicates", content),
            "variants against their original (SimHash distance; shingle Jaccard):",
        ]
        for variant in variants {
            lines.append("  \(variant.kind.padding(toLength: 18, withPad: " ", startingAt: 0)) \(variant.detected)/\(variant.pairs) "
                + "detected (\(variant.exact) exact), distance median \(variant.medianDistance) max \(variant.maxDistance); "
                + "Jaccard mean \(String(format: "%.2f", variant.meanJaccard)) min \(String(format: "%.2f", variant.minJaccard))")
        }
        lines.append("non-duplicate pairs (Jaccard: exact for same site, MinHash estimate for all):")
        for negative in negatives {
            lines.append("  \(negative.label.padding(toLength: 18, withPad: " ", startingAt: 0)) \(negative.falseMatches)/\(negative.pairs) "
                + "false matches, closest distance \(negative.minDistance); Jaccard max \(String(format: "%.2f", negative.maxJaccard))")
        }
        lines.append("fingerprinting: \(fingerprintCharacters) characters in \(String(format: "%.3f", fingerprintSeconds)) s = "
            + String(format: "%.1f", Double(fingerprintCharacters) / max(fingerprintSeconds, 1e-9) / 1e6) + "M characters/s")
        lines += examples.map { "  e.g. \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Builds a labelled set from the corpus (ground-truth `body` as page text, `url` for URL variants), makes
/// variants of each page (tracking-parameter, cosmetic and short-link URLs; reformatted text, the article in
/// another site's template, a truncated copy, a copy with one paragraph changed), and measures detection
/// against pages that are different articles, including pages of the same site (the hard negatives).
public enum DedupEvaluation {
    /// `pairFigures: false` leaves out the per-variant and non-duplicate pair figures (over 10^5 pairs), which
    /// explain the scores but do not change them.
    public static func run(corpus: URL, canonicalizer: URLCanonicalizer, options: DedupOptions,
                           pairFigures includePairs: Bool = true) throws -> DedupReport {
        let pages = try DedupCorpusPage.load(from: corpus, minimumBodyLength: options.minTextLength)
        guard !pages.isEmpty else {
            throw DedupError.unreadableCorpus(corpus.path, "no page JSON with a body of \(options.minTextLength) characters or more "
                                              + "in its set folders (SET/ID.json)")
        }
        let urlItems = urlVariants(of: pages)
        let contentItems = contentVariants(of: pages)
        var examples: [String] = []
        let urlScore = scoreURLs(urlItems, canonicalizer: canonicalizer, examples: &examples)
        var fingerprints: [ContentFingerprint?] = []
        let fingerprintTime = ContinuousClock().measure {
            fingerprints = contentItems.map { ContentFingerprint.of(text: $0.text, title: $0.title, options: options) }
        }
        let contentScore = scoreContent(contentItems, fingerprints: fingerprints, options: options, examples: &examples)
        let (variants, negatives) = includePairs
            ? pairFigures(contentItems, fingerprints: fingerprints, pages: pages, options: options) : ([], [])
        return DedupReport(pages: pages.count, urlItems: urlItems.count, contentItems: contentItems.count,
                           options: options, rulesVersion: canonicalizer.rulesVersion, url: urlScore,
                           content: contentScore, variants: variants, negatives: negatives,
                           fingerprintSeconds: fingerprintTime.seconds,
                           fingerprintCharacters: contentItems.map(\.text.count).reduce(0, +),
                           examples: Array(examples.prefix(8)))
    }

    // MARK: URL duplicates

    struct URLItem {
        var page: Int
        var kind: String
        var submitted: String
        var redirectChain: [String] = []
    }

    static func urlVariants(of pages: [DedupCorpusPage]) -> [URLItem] {
        var items: [URLItem] = []
        let shortHosts = ["https://t.cn/", "https://b23.tv/", "https://xhslink.com/a/", "https://v.douyin.com/"]
        for (number, page) in pages.enumerated() {
            guard let url = page.url, let parsed = try? HTTPURL(url) else { continue }
            let host = parsed.host.serialized
            items.append(URLItem(page: number, kind: "original", submitted: url))
            let separator = parsed.query == nil ? "?" : "&"
            items.append(URLItem(page: number, kind: "tracking", submitted: url + separator
                + "utm_source=wechat_session&utm_medium=social&spm=a2h0c.8166622.\(number)&from=timeline"))
            let defaultPort = parsed.scheme == "http" ? 80 : 443
            let cosmetic = url.replacingOccurrences(of: "://" + host, with: "://\(host.uppercased()):\(defaultPort)")
            items.append(URLItem(page: number, kind: "cosmetic", submitted: cosmetic + "#comments"))
            let short = shortHosts[number % shortHosts.count] + String(Hashing.mix(UInt64(number)), radix: 36)
            items.append(URLItem(page: number, kind: "short link", submitted: short,
                                 redirectChain: [short, url + separator + "share_source=copy_web&vd_source=\(number)"]))
        }
        return items
    }

    static func scoreURLs(_ items: [URLItem], canonicalizer: URLCanonicalizer, examples: inout [String]) -> DetectionScore {
        var score = DetectionScore(duplicates: 0, correct: 0, wrong: 0)
        var owner: [String: Int] = [:]
        var seenPages = Set<Int>()
        var random = SplitMix64(seed: 0x0DD_5EED)
        for item in items.shuffled(using: &random) {
            let keys = canonicalizer.identityKeys(submitted: item.submitted, redirectChain: item.redirectChain)
            let match = keys.lazy.compactMap({ owner[$0.value] }).first
            switch score.record(cluster: item.page, hasEarlier: seenPages.contains(item.page), matchedCluster: match) {
            case .wrong: examples.append("URL \(item.submitted) matched page \(match ?? -1), not \(item.page)")
            case .missed: examples.append("URL \(item.kind) \(item.submitted) missed: keys \(keys.map(\.value))")
            case .correct, .unique: break
            }
            for key in keys where owner[key.value] == nil { owner[key.value] = item.page }
            seenPages.insert(item.page)
        }
        return score
    }

    // MARK: Content duplicates

    struct ContentItem {
        var page: Int
        var cluster: Int
        var kind: String
        var text: String
        var title: String?
    }

    static let variantKinds = ["reformatted", "other template", "truncated", "changed paragraph", "in site chrome"]

    /// Every variant keeps its page's title, as a repost keeps its story's headline.
    static func contentVariants(of pages: [DedupCorpusPage]) -> [ContentItem] {
        var items: [ContentItem] = []
        let chrome = [true, false].map { cjk in siteChrome(pages.filter { $0.isCJK == cjk }.compactMap(\.title), cjk: cjk) }
        for (number, page) in pages.enumerated() {
            let body = page.body
            let donor = pages[(number + pages.count / 2) % pages.count].body
            func item(_ kind: String, _ text: String) -> ContentItem {
                ContentItem(page: number, cluster: page.cluster, kind: kind, text: text, title: page.title)
            }
            items.append(item("original", body))
            items.append(item("reformatted", reformatted(body)))
            items.append(item("other template", inTemplate(body, cjk: page.isCJK, variant: number)))
            items.append(item("truncated", String(body.prefix(body.count * 4 / 5))))
            items.append(item("changed paragraph", changingOneParagraph(body, donor: donor)))
            let block = chrome[page.isCJK ? 0 : 1]
            if body.count * 10 >= block.count * 8 { items.append(item("in site chrome", body + block)) }
        }
        return items
    }

    /// One site's fixed blocks that a main-text extractor may keep under every article: a list of other
    /// headlines (16 titles of the corpus in the same script) and a follow appeal. Every "in site chrome" variant
    /// of one script carries the same block, so pages of different stories share it: the hard negatives of a
    /// template. Only articles of at least four fifths of the block's length get this variant: a shorter one would
    /// be mostly block, too far from its original for any text measure to find.
    static func siteChrome(_ titles: [String], cjk: Bool) -> String {
        var random = SplitMix64(seed: 0x5C_4120)
        let related = titles.shuffled(using: &random).prefix(16).joined(separator: "\n")
        return cjk ? "\n\n相关阅读\n\(related)\n\n关注我们，支持独立媒体。"
            : "\n\nRelated stories\n\(related)\n\nFollow us and support independent media."
    }

    /// What a repost does to layout: full-width punctuation and letters, extra line breaks and spaces.
    static func reformatted(_ body: String) -> String {
        let spaced = body.replacingOccurrences(of: "\n", with: "\n\n  ").replacingOccurrences(of: "，", with: ", ")
            .replacingOccurrences(of: "。", with: ". ").replacingOccurrences(of: "“", with: "\"")
            .replacingOccurrences(of: "”", with: "\"")
        return spaced.applyingTransform(.fullwidthToHalfwidth, reverse: true) ?? spaced
    }

    /// The article inside another site's header and footer boilerplate.
    static func inTemplate(_ body: String, cjk: Bool, variant: Int) -> String {
        let templates: [(String, String)] = cjk ? [
            ("来源：财经观察网 2024-05-20 10:32 作者：编辑部\n点击上方蓝字关注我们\n",
             "\n免责声明：本文转载自网络，版权归原作者所有，如有侵权请联系删除。\n扫码关注公众号，获取更多干货。阅读原文 点赞 在看"),
            ("副业研究所 | 每天分享一个搞钱思路\n原创 小编 2024年5月13日 发表于上海\n",
             "\n—— END ——\n往期推荐：普通人如何做副业？\n觉得有用请点个赞，转发给需要的朋友。"),
        ] : [
            ("Posted by admin on May 20, 2024 | Share on Facebook, Twitter, LinkedIn\n",
             "\nRelated articles: more from this author.\nSubscribe to our newsletter. © 2024 Example Media. All rights reserved."),
            ("Home › News › World\nBy Staff Writer | Updated 3 hours ago\n",
             "\nComments are closed.\nThis article was syndicated from a partner site; opinions are the author's own."),
        ]
        let (header, footer) = templates[variant % templates.count]
        return header + body + footer
    }

    /// The paragraph nearest the middle that holds at most a fifth of the text, replaced with text of the same
    /// length from another article; where no paragraph is that small, a tenth of the text in the middle.
    static func changingOneParagraph(_ body: String, donor: String) -> String {
        let donorText = donor.filter { $0 != "\n" }
        var paragraphs = body.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let middle = paragraphs.count / 2
        let small = paragraphs.indices.filter { paragraphs[$0].count * 5 <= body.count && paragraphs[$0].count >= 20 }
        if let chosen = small.min(by: { abs($0 - middle) < abs($1 - middle) }) {
            paragraphs[chosen] = String(donorText.prefix(paragraphs[chosen].count))
            return paragraphs.joined(separator: "\n")
        }
        let characters = Array(body)
        let span = max(characters.count / 10, 10)
        let start = characters.count / 2 - span / 2
        return String(characters[..<start]) + donorText.prefix(span) + String(characters[(start + span)...])
    }

    static func scoreContent(_ items: [ContentItem], fingerprints: [ContentFingerprint?], options: DedupOptions,
                             examples: inout [String]) -> DetectionScore {
        var score = DetectionScore(duplicates: 0, correct: 0, wrong: 0)
        let index = FingerprintIndex(maxDistance: options.maxHammingDistance)
        let sketches = MinHashIndex(options: options)
        var byExactHash: [String: Int64] = [:]
        // As in the store: an index hit leads to its item's predicted cluster, judged by that cluster's root.
        var stored: [(cluster: Int, fingerprint: ContentFingerprint, root: Int64)] = []
        var seenClusters = Set<Int>()
        var random = SplitMix64(seed: 0xC0_47E7)
        for number in items.indices.shuffled(using: &random) {
            guard let fingerprint = fingerprints[number] else { continue }
            let item = items[number]
            var candidateIDs = Set(index.candidates(near: fingerprint.simhash, maxDistance: options.maxHammingDistance).map(\.id))
            candidateIDs.formUnion(sketches.candidates(for: fingerprint.minhash, minSimilarity: options.minJaccard).map(\.id))
            if let exact = byExactHash[fingerprint.exactHash] { candidateIDs.insert(exact) }
            let roots = Set(candidateIDs.map { stored[Int($0)].root }).sorted()
            let candidates = roots.map { (id: $0, fingerprint: stored[Int($0)].fingerprint) }
            let match = DuplicateJudge.bestMatch(for: fingerprint, among: candidates, options: options)
            let matchedCluster = match.map { stored[Int($0.candidateID)].cluster }
            switch score.record(cluster: item.cluster, hasEarlier: seenClusters.contains(item.cluster),
                                matchedCluster: matchedCluster) {
            case .wrong:
                examples.append("\(item.kind) of cluster \(item.cluster) matched cluster \(matchedCluster ?? -1) at "
                    + "distance \(match?.distance ?? -1), similarity \(match?.similarity ?? 0)")
            case .missed: examples.append("\(item.kind) of cluster \(item.cluster) (\(item.text.count) chars) missed")
            case .correct, .unique: break
            }
            let id = Int64(stored.count)
            stored.append((item.cluster, fingerprint, match?.candidateID ?? id))
            index.insert(id: id, fingerprint: fingerprint.simhash)
            sketches.insert(id: id, sketch: fingerprint.minhash)
            if byExactHash[fingerprint.exactHash] == nil { byExactHash[fingerprint.exactHash] = id }
            seenClusters.insert(item.cluster)
        }
        return score
    }

    // MARK: Pair figures

    static func pairFigures(_ items: [ContentItem], fingerprints: [ContentFingerprint?], pages: [DedupCorpusPage],
                            options: DedupOptions) -> ([VariantFigures], [NegativeFigures]) {
        struct Prepared {
            var item: ContentItem
            var fingerprint: ContentFingerprint
            var shingles: Set<UInt64>
        }
        let prepared: [Prepared] = zip(items, fingerprints).compactMap { item, fingerprint in
            guard let fingerprint else { return nil }
            let shingles = Set(Shingles.hashes(of: TextNormalizer.normalize(item.text), cjkSize: options.shingleSizeCJK,
                                               wordSize: options.shingleSizeWords))
            return Prepared(item: item, fingerprint: fingerprint, shingles: shingles)
        }
        func distance(_ a: Prepared, _ b: Prepared) -> Int { (a.fingerprint.simhash ^ b.fingerprint.simhash).nonzeroBitCount }
        func jaccard(_ a: Prepared, _ b: Prepared) -> Double {
            let shared = a.shingles.intersection(b.shingles).count
            return Double(shared) / Double(max(a.shingles.count + b.shingles.count - shared, 1))
        }
        func isMatch(_ a: Prepared, _ b: Prepared) -> Bool {
            DuplicateJudge.bestMatch(for: a.fingerprint, among: [(0, b.fingerprint)], options: options) != nil
        }
        let originals = Dictionary(prepared.filter { $0.item.kind == "original" }.map { ($0.item.page, $0) },
                                   uniquingKeysWith: { first, _ in first })
        var variants: [VariantFigures] = []
        for kind in variantKinds {
            let pairs = prepared.filter { $0.item.kind == kind }.compactMap { variant in
                originals[variant.item.page].map { (variant, $0) }
            }
            let distances = pairs.map { distance($0.0, $0.1) }.sorted()
            let similarities = pairs.map { jaccard($0.0, $0.1) }
            variants.append(VariantFigures(
                kind: kind, pairs: pairs.count, detected: pairs.filter { isMatch($0.0, $0.1) }.count,
                exact: pairs.filter { $0.0.fingerprint.exactHash == $0.1.fingerprint.exactHash }.count,
                medianDistance: distances.isEmpty ? 0 : distances[distances.count / 2], maxDistance: distances.last ?? 0,
                meanJaccard: similarities.isEmpty ? 0 : similarities.reduce(0, +) / Double(similarities.count),
                minJaccard: similarities.min() ?? 0))
        }
        let sameArticle = pages.indices.flatMap { a in
            pages.indices.filter { b in b > a && pages[a].cluster == pages[b].cluster }.map { (a, $0) }
        }.compactMap { pair in originals[pair.0].flatMap { a in originals[pair.1].map { (a, $0) } } }
        if !sameArticle.isEmpty {
            let distances = sameArticle.map { distance($0.0, $0.1) }.sorted()
            let similarities = sameArticle.map { jaccard($0.0, $0.1) }
            variants.append(VariantFigures(
                kind: "same article (corpus)", pairs: sameArticle.count,
                detected: sameArticle.filter { isMatch($0.0, $0.1) }.count,
                exact: sameArticle.filter { $0.0.fingerprint.exactHash == $0.1.fingerprint.exactHash }.count,
                medianDistance: distances[distances.count / 2], maxDistance: distances.last ?? 0,
                meanJaccard: similarities.reduce(0, +) / Double(similarities.count), minJaccard: similarities.min() ?? 0))
        }

        var negatives: [NegativeFigures] = []
        func negativeFigures(_ label: String, _ pairs: [(Prepared, Prepared)], exact: Bool) -> NegativeFigures {
            var figures = NegativeFigures(label: label, pairs: pairs.count, falseMatches: 0, minDistance: 64, maxJaccard: 0)
            for (a, b) in pairs {
                if isMatch(a, b) { figures.falseMatches += 1 }
                figures.minDistance = min(figures.minDistance, distance(a, b))
                let similarity = exact ? jaccard(a, b) : MinHash.similarity(a.fingerprint.minhash, b.fingerprint.minhash)
                figures.maxJaccard = max(figures.maxJaccard, similarity)
            }
            return figures
        }
        var all: [(Prepared, Prepared)] = []
        var sameSite: [(Prepared, Prepared)] = []
        for a in prepared.indices {
            for b in prepared.indices where b > a && prepared[a].item.cluster != prepared[b].item.cluster {
                all.append((prepared[a], prepared[b]))
                let siteA = pages[prepared[a].item.page].site, siteB = pages[prepared[b].item.page].site
                if prepared[a].item.kind == "original", prepared[b].item.kind == "original", let siteA, siteA == siteB {
                    sameSite.append((prepared[a], prepared[b]))
                }
            }
        }
        negatives.append(negativeFigures("same site", sameSite, exact: true))
        negatives.append(negativeFigures("all other pairs", all, exact: false))
        return (variants, negatives)
    }
}

/// One corpus page with ground truth, as the evaluation uses it.
struct DedupCorpusPage {
    var key: String
    var url: String?
    var body: String
    var title: String?
    var isCJK: Bool
    /// Pages carrying the same article (`same_article_as`, `same_bytes_as`) share a cluster.
    var cluster: Int
    var site: String?

    static func load(from directory: URL, minimumBodyLength: Int) throws -> [DedupCorpusPage] {
        let files: [URL]
        do {
            files = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".json") && $0.contains("/") }.sorted()
                .map { directory.appendingPathComponent($0) }
        } catch {
            throw DedupError.unreadableCorpus(directory.path, error.localizedDescription)
        }
        var pages: [DedupCorpusPage] = []
        var related: [String: [String]] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw DedupError.unreadableCorpus(file.path, "not a JSON object")
            }
            guard let body = object["body"] as? String, object["synthetic"] as? Bool != true,
                  TextNormalizer.normalize(body).count >= minimumBodyLength,
                  let set = object["set"] as? String, let id = object["id"] as? String else { continue }
            let key = "\(set)/\(id)"
            related[key] = (object["same_article_as"] as? [String] ?? []) + (object["same_bytes_as"] as? [String] ?? [])
            let url = object["url"] as? String
            let site = url.flatMap { try? HTTPURL($0) }.map { RegistrableDomain.of($0.host) }
            let cjk = body.unicodeScalars.filter(TextNormalizer.isCJK).count * 3 > body.count
            let title = (object["title"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            pages.append(DedupCorpusPage(key: key, url: url, body: body, title: title, isCJK: cjk, cluster: pages.count,
                                         site: site))
        }
        let numbers = Dictionary(pages.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
        for (number, page) in pages.enumerated() {
            for other in related[page.key] ?? [] {
                guard let otherNumber = numbers[other] else { continue }
                let merged = min(pages[number].cluster, pages[otherNumber].cluster)
                let replaced = max(pages[number].cluster, pages[otherNumber].cluster)
                for index in pages.indices where pages[index].cluster == replaced { pages[index].cluster = merged }
            }
        }
        return pages
    }
}
