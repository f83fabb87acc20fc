import Foundation
import SluiceCore
import SluiceFetch
import SluicePipeline
import SluicePublish

/// `sluice recheck`: fetches the sources of a month's published items again and marks each `alive`,
/// `changed` or `deleted`; the column then notes "source deleted on …; evidence captured on …".
///
/// The GET is conditional on the validators (`ETag`, `Last-Modified`) of the stored capture: a 304 means
/// alive. Otherwise the page is decoded, screened for deletion notices and extracted exactly as a run does,
/// and the extracted text's SHA-256 is compared with the evidence frozen at approval (`SourceCheck`).
public struct RecheckService: Sendable {
    let store: any PublicationStore & ReviewStore
    let definition: PipelineDefinition
    let clock: any TimeSource

    public init(store: any PublicationStore & ReviewStore, definition: PipelineDefinition,
                clock: any TimeSource = SystemClock()) {
        self.store = store
        self.definition = definition
        self.clock = clock
    }

    /// One source's finding.
    public struct Finding: Sendable, Encodable {
        public var id: Int64
        public var url: String
        /// nil when the answer said nothing about the article (5xx, timeout, captcha): the previous state stays.
        public var state: SourceState?
        public var previous: SourceState?
        /// When the current state was first seen.
        public var since: Date?
        public var detail: String

        enum CodingKeys: String, CodingKey {
            case id, url, state, previous, since, detail
        }

        /// Every field always present, `null` when not known.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(url, forKey: .url)
            try container.encode(state, forKey: .state)
            try container.encode(previous, forKey: .previous)
            try container.encode(since, forKey: .since)
            try container.encode(detail, forKey: .detail)
        }
    }

    /// `progress` hears the sources fetched so far and how many there are (on the fetcher's thread).
    public func recheck(month: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [Finding] {
        let engines = try StageEngines(definition: definition, model: nil)
        let sources = try store.publications(month: month).compactMap { entry -> (Publication, String)? in
            guard let url = entry.record.finalURL ?? entry.record.url, Escape.httpURL(url) != nil else { return nil }
            return (entry.publication, url)
        }
        let fetcher = try Fetcher(options: definition.fetch)
        let requests = try sources.map { publication, url in
            FetchRequest(id: publication.itemID, url: url,
                         validators: try store.capture(itemID: publication.itemID).flatMap(CacheValidators.init(of:)))
        }
        let total = requests.count
        var completed: (@Sendable (Int) -> Void)?
        if let progress { completed = { done in progress(done, total) } }
        let results = fetcher.fetchAll(requests, completed: completed)
        fetcher.shutdown()
        var findings: [Finding] = []
        for ((publication, url), result) in zip(sources, results) {
            let previous = try store.sourceStatus(itemID: publication.itemID)
            let (state, detail) = Self.judge(result, itemID: publication.itemID, url: url, engines: engines,
                                             evidenceSHA256: publication.evidenceSHA256)
            let status = try state.map {
                try store.recordSourceCheck(itemID: publication.itemID, state: $0, detail: detail, at: clock.now())
            }
            findings.append(Finding(id: publication.itemID, url: url, state: state, previous: previous?.state,
                                    since: status?.checkedAt, detail: detail))
        }
        return findings
    }

    /// The source's state from one fetch, with the reason in words. The page goes through the same fetch and
    /// parse steps as in a run, so its extracted text is comparable with the frozen evidence.
    static func judge(_ result: Result<Capture, Problem>, itemID: Int64, url: String, engines: StageEngines,
                      evidenceSHA256: String?) -> (SourceState?, String) {
        if case .success(let capture) = result, capture.status == 304 {
            return (.alive, "HTTP 304: not modified since the evidence was captured")
        }
        let item = WorkItem(id: itemID, state: .submitted, url: url, note: nil, volunteer: "")
        let (fetched, next) = engines.fetchOutcome(for: item, result)
        if let problem = fetched.problem {
            // An HTTP error keeps its response as evidence: its status says whether the article is gone.
            let state = fetched.capture.flatMap { SourceCheck.state(status: $0.status, text: nil, evidenceSHA256: nil) }
            return (state, problem.message)
        }
        guard let capture = next.capture else { return (nil, "\(url): no response") }
        switch capture.problem {
        case .deleted?, .soft404?:
            return (.deleted, "\(capture.finalURL): the page is a deletion notice")
        case let code?:
            return (nil, "\(capture.finalURL): the page is \(code.rawValue), not the article")
        case nil:
            break
        }
        let (parsed, extracted) = engines.parseOutcome(for: next)
        guard let text = extracted.page?.mainText else {
            return (nil, parsed.problem?.message ?? "\(capture.finalURL): nothing could be extracted")
        }
        let state = SourceCheck.state(status: 200, text: text, evidenceSHA256: evidenceSHA256)
        let detail = switch state {
        case .alive?: "HTTP \(capture.status), same text as the evidence"
        case .changed?: "HTTP \(capture.status), the text differs from the evidence"
        case .deleted?: "HTTP \(capture.status), a deletion notice"
        case nil: "HTTP \(capture.status)"
        }
        return (state, detail)
    }
}
