import Foundation
import SluiceClassify
import SluiceCore
import SluiceDedup
import SluiceFetch
import SluiceParse

/// The engines the stages run, loaded once per run from the pipeline file and its rule files.
public struct StageEngines: Sendable {
    public var definition: PipelineDefinition
    public var canonicalizer: URLCanonicalizer
    public var blockedPages: BlockedPageDetector
    public var extractor: Extractor
    public var classifier: Classifier

    public init(definition: PipelineDefinition, model: ClassifierModel?) throws {
        self.definition = definition
        canonicalizer = try URLCanonicalizer.load(definition.file(definition.rules.urlRules))
        blockedPages = try BlockedPageDetector.load(definition.file(definition.rules.blockedPages))
        extractor = Extractor(options: definition.parse)
        let engine = try RuleEngine.load(definition.file(definition.rules.classifyRules))
        classifier = Classifier(engine: engine, model: model, options: definition.classify)
    }

    // MARK: fetch

    /// Turns a transfer's result into the fetch stage's outcome: content sniffing, decoded text, blocked-page
    /// detection, HTTP errors as failures. `sluice run` calls it on a parse worker, never on the thread that
    /// drives the transfers. The outcome's capture (what the store keeps) holds the body and what was decided
    /// about it (`fetchAndParseOutcomes` compresses the body before the outcome goes to the writer); the decoded
    /// text travels only in the returned item, for the parse stage.
    public func fetchOutcome(for item: WorkItem, _ result: Result<Capture, Problem>) -> (StageOutcome, WorkItem) {
        var next = item
        switch result {
        case .failure(let problem):
            return (StageOutcome(itemID: item.id, from: item.state, to: .failed, stage: .fetch, problem: problem), next)
        case .success(var capture):
            if capture.problem == nil && ContentSniff.isClearlyNotHTML(contentType: capture.contentType, body: capture.body) {
                capture.problem = .notHTML
            }
            var text: String?
            if capture.problem == nil {
                let decoded = CharsetDecoder.decode(capture.body, contentType: capture.contentType)
                text = decoded.text
                capture.charset = decoded.charset
                capture.charsetBasis = decoded.basis
                capture.problem = blockedPages.detect(url: capture.finalURL, status: capture.status, text: decoded.text)
            }
            // An error status with a challenge page (Cloudflare answers 403/503) is a captcha for the
            // moderator, not a dead link; any other error status fails, its response kept as evidence
            // (a plain-text or JSON error body is not a document to review).
            if capture.status >= 400 && (capture.problem == nil || capture.problem == .notHTML) {
                let code: ProblemCode = capture.status >= 500 ? .http5xx : .http4xx
                let problem = Problem(code, stage: .fetch, message: "\(capture.finalURL) answered HTTP \(capture.status)"
                                      + AttemptLog.suffix(capture.attempts))
                return (StageOutcome(itemID: item.id, from: item.state, to: .failed, stage: .fetch, capture: capture,
                                     problem: problem), next)
            }
            next.capture = capture
            next.capture?.text = text
            next.state = .fetched
            return (StageOutcome(itemID: item.id, from: item.state, to: .fetched, stage: .fetch, capture: capture), next)
        }
    }

    /// The fetch and the parse outcome of one transfer, decided in one go on a parse worker so they can be
    /// committed in one transaction: the fetch outcome alone when it ends the item's way (a failure).
    public func fetchAndParseOutcomes(for item: consuming WorkItem, _ result: consuming Result<Capture, Problem>)
        -> ([StageOutcome], WorkItem) {
        var (fetched, next) = fetchOutcome(for: item, consume result)
        // The item keeps its own reference to the raw body for parsing; only the outcome's copy is compressed.
        fetched.compressBody()
        guard fetched.to == .fetched else { return ([fetched], next) }
        let (parsed, extracted) = parseOutcome(for: consume next)
        return ([fetched, parsed], extracted)
    }

    // MARK: parse

    /// Extracts the page; a capture that is not content (not HTML, captcha, wall, deleted) passes through
    /// without a page, carrying its problem to the moderator. A capture read back from the store has no
    /// decoded text: its body is decoded again here.
    public func parseOutcome(for item: consuming WorkItem) -> (StageOutcome, WorkItem) {
        var next = consume item
        let from = next.state
        guard let finalURL = next.capture?.finalURL, let fetchedAt = next.capture?.fetchedAt else {
            let problem = Problem(.parseError, stage: .parse, message: "no capture is stored for item #\(next.id)")
            return (StageOutcome(itemID: next.id, from: from, to: .failed, stage: .parse, problem: problem), next)
        }
        if let problem = next.capture.flatMap(Self.notContentProblem) {
            next.state = .parsed
            return (StageOutcome(itemID: next.id, from: from, to: .parsed, stage: .parse, problem: problem), next)
        }
        let text = Self.takeDocument(from: &next)
        do {
            let page = try extractor.extract(html: text, baseURL: finalURL, fetchedAt: fetchedAt)
            next.page = page
            next.state = .parsed
            return (StageOutcome(itemID: next.id, from: from, to: .parsed, stage: .parse, page: page), next)
        } catch {
            let problem = error as? Problem ?? Problem(.parseError, stage: .parse, message: "\(finalURL): \(error)")
            return (StageOutcome(itemID: next.id, from: from, to: .failed, stage: .parse, problem: problem), next)
        }
    }

    /// Why a capture is not content to extract (not HTML, captcha, wall, deleted), for the moderator.
    private static func notContentProblem(_ capture: Capture) -> Problem? {
        guard let code = capture.problem else { return nil }
        let what = code == .notHTML ? "not a web page (\(capture.contentType ?? "unknown type"), \(capture.body.count) bytes)"
            : "the page is a \(code.rawValue.replacingOccurrences(of: "_", with: " ")), not the content"
        return Problem(code, stage: .fetch, message: "\(capture.finalURL): \(what)")
    }

    /// The capture's text, decoded from its body when it came from the store, taken out of the item with the
    /// body: libxml2's tree of a page is several times the page, and the raw body and decoded text held
    /// beside it would keep a large page in memory three times over while it is parsed. The stages after
    /// parse need the page and the capture's URLs, not the document.
    private static func takeDocument(from item: inout WorkItem) -> String {
        guard var capture = item.capture.take() else { return "" }
        let text = capture.text.take() ?? CharsetDecoder.decode(capture.body, contentType: capture.contentType).text
        capture.body = Data()
        item.capture = capture
        return text
    }

    // MARK: dedup

    /// What stored dedup keys depend on: the URL rules' version and the fingerprint options. Keys made under
    /// another value are recomputed (`Store.rekey`) before items are looked up against them.
    public var dedupKeysVersion: String {
        "url rules \(canonicalizer.rulesVersion); fingerprints \(definition.dedup.fingerprintVersion)"
    }

    /// The keys an item is known by: its canonical URLs (submitted, redirects, declared, WeChat identity)
    /// and, for real content, the text fingerprint; note-only intel is fingerprinted by its note.
    public func dedupKeys(for item: WorkItem) -> (keys: DedupKeys, fingerprint: ContentFingerprint?, displayURL: String?) {
        var urlKeys: [String] = []
        var displayURL: String?
        if let url = item.url {
            let capture = item.capture
            let declared = [item.page?.canonicalURL].compactMap { $0 }
            let keys = canonicalizer.identityKeys(submitted: url, redirectChain: capture?.redirectChain ?? [],
                                                  declared: declared, weChat: item.page?.weChat)
            let landing = capture.flatMap { try? canonicalizer.canonicalize($0.finalURL).value }
            urlKeys = ([landing].compactMap { $0 } + keys.map(\.value)).reduce(into: []) { unique, key in
                if !unique.contains(key) { unique.append(key) }
            }
            displayURL = (landing ?? urlKeys.first).map { key in
                Self.restoringScheme(of: capture?.finalURL ?? url, in: key)
            }
        }
        let options = definition.dedup
        var fingerprint: ContentFingerprint?
        if let page = item.page, item.capture?.problem == nil {
            fingerprint = ContentFingerprint.of(text: page.mainText, title: page.title, options: options)
        } else if item.url == nil, let note = item.note {
            fingerprint = ContentFingerprint.note(text: note, options: options)
        }
        let encoded = fingerprint.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        let keys = DedupKeys(urlKeys: urlKeys, exactContentHash: fingerprint?.exactHash, fingerprint: encoded,
                             bandKeys: fingerprint?.bandKeys(for: options) ?? [])
        return (keys, fingerprint, displayURL)
    }

    /// Dedup keys fold `http` into `https` so both meet; the link shown to members keeps the scheme the
    /// page was actually served with.
    static func restoringScheme(of original: String, in key: String) -> String {
        guard original.lowercased().hasPrefix("http://"), key.hasPrefix("https://") else { return key }
        return "http://" + key.dropFirst("https://".count)
    }

    /// Picks the cluster an item belongs to: a shared URL key first, then identical text, then the nearest
    /// fingerprint within the threshold.
    public func verdict(for fingerprint: ContentFingerprint?, among candidates: DedupCandidates) -> DedupVerdict {
        if let match = candidates.byURL.first {
            return DedupVerdict(duplicateOf: match.itemID, kind: "url", evidence: match.key)
        }
        if let match = candidates.byExactContent.first {
            return DedupVerdict(duplicateOf: match.itemID, kind: "exact", evidence: "same normalized text (hash \(match.key))")
        }
        guard let fingerprint, !candidates.byFingerprintBand.isEmpty else { return .unique }
        let decoder = JSONDecoder()
        let stored = candidates.byFingerprintBand.compactMap { candidate -> (id: Int64, fingerprint: ContentFingerprint)? in
            guard let other = try? decoder.decode(ContentFingerprint.self, from: Data(candidate.key.utf8)) else { return nil }
            return (id: candidate.itemID, fingerprint: other)
        }
        guard let match = DuplicateJudge.bestMatch(for: fingerprint, among: stored, options: definition.dedup) else {
            return .unique
        }
        return DedupVerdict(duplicateOf: match.candidateID, kind: match.kind,
                            evidence: "fingerprint distance \(match.distance) bits")
    }

    // MARK: classify

    public func classifyOutcome(for item: WorkItem, signals: VolunteerSignals) -> StageOutcome {
        let page = item.page
        let input = ClassifyInput(title: page?.title, text: page?.mainText ?? "", note: item.note,
                                  url: item.capture?.finalURL ?? item.url, site: page?.siteName ?? host(of: item.url))
        let classification = classifier.classify(input, signals: signals)
        return StageOutcome(itemID: item.id, from: item.state, to: .pendingReview, stage: .classify,
                            classification: classification)
    }

    private func host(of url: String?) -> String? {
        url.flatMap { try? HTTPURL($0).host.serialized }
    }
}
