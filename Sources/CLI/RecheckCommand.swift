import Foundation
import SluiceCore
import SluiceFetch
import SluicePipeline
import SluicePublish
import SluiceStore

/// `sluice recheck --month YYYY-MM`: fetches the sources of the month's published items again and marks
/// each `alive`, `changed` or `deleted`; the column then notes "source deleted on …; evidence captured on …".
///
/// The fetcher takes no request headers, so this is a plain GET rather than a conditional one: the page is
/// decoded, screened for deletion notices and extracted exactly as `sluice run` does, and the extracted
/// text's SHA-256 is compared with the evidence frozen at approval (`SourceCheck`).
enum RecheckCommand {
    struct Finding: Encodable {
        var id: Int64
        var url: String
        /// nil when the answer said nothing about the article (5xx, timeout, captcha): the previous state stays.
        var state: SourceState?
        var previous: SourceState?
        /// When the current state was first seen.
        var since: Date?
        var detail: String

        enum CodingKeys: String, CodingKey {
            case id, url, state, previous, since, detail
        }

        /// Every field always present, `null` when not known.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(url, forKey: .url)
            try container.encode(state, forKey: .state)
            try container.encode(previous, forKey: .previous)
            try container.encode(since, forKey: .since)
            try container.encode(detail, forKey: .detail)
        }
    }

    static func run(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        guard let month = try PublishCommands.month(&arguments, command: "recheck") else {
            throw UsageError("recheck: --month YYYY-MM is required")
        }
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let allowHosts = try arguments.options("--allow-host")
        let json = arguments.flag("--json")
        try arguments.finish()
        var definition = try PipelineDefinition.load(path: pipeline)
        definition.fetch.allowHosts += allowHosts
        let engines = try StageEngines(definition: definition, model: nil)
        let store = try context.store()
        let sources = try store.publications(month: month).compactMap { entry -> (Publication, String)? in
            guard let url = entry.record.finalURL ?? entry.record.url, Escape.httpURL(url) != nil else { return nil }
            return (entry.publication, url)
        }
        let fetcher = try Fetcher(options: definition.fetch)
        let results = fetcher.fetchAll(sources.map { FetchRequest(id: $0.0.itemID, url: $0.1) })
        fetcher.shutdown()
        var findings: [Finding] = []
        for ((publication, url), result) in zip(sources, results) {
            let previous = try store.sourceStatus(itemID: publication.itemID)
            let (state, detail) = judge(result, itemID: publication.itemID, url: url, engines: engines,
                                        evidenceSHA256: publication.evidenceSHA256)
            let status = try state.map { try store.recordSourceCheck(itemID: publication.itemID, state: $0, detail: detail) }
            findings.append(Finding(id: publication.itemID, url: url, state: state, previous: previous?.state,
                                    since: status?.checkedAt, detail: detail))
        }
        if json {
            try context.printJSON(findings)
        } else {
            for finding in findings {
                let state = finding.state?.rawValue ?? "unknown"
                context.console.print(TerminalSafe.text("#\(finding.id) \(state): \(finding.url) (\(finding.detail))"))
            }
            let counts = SourceState.allCases.map { state in "\(findings.filter { $0.state == state }.count) \(state.rawValue)" }
            context.console.print("rechecked \(findings.count) source(s) of \(month): " + counts.joined(separator: ", "))
        }
        let unknown = findings.filter { $0.state == nil }
        if !unknown.isEmpty {
            context.console.error("recheck: \(unknown.count) source(s) could not be judged; their previous state stays")
        }
        return unknown.isEmpty ? 0 : 1
    }

    /// The source's state from one fetch, with the reason in words. The page goes through the same fetch
    /// and parse steps as in `sluice run`, so its extracted text is comparable with the frozen evidence.
    static func judge(_ result: Result<Capture, Problem>, itemID: Int64, url: String, engines: StageEngines,
                      evidenceSHA256: String?) -> (SourceState?, String) {
        let item = WorkItem(id: itemID, state: .submitted, url: url, note: nil, volunteer: "")
        let (fetched, next) = engines.fetchOutcome(for: item, result)
        if let problem = fetched.problem {
            let state = httpStatus(in: problem.message).flatMap { SourceCheck.state(status: $0, text: nil, evidenceSHA256: nil) }
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

    /// The status of an HTTP error reported as a problem ("…: HTTP status 404", "… answered HTTP 410"):
    /// the fetcher hands over only the message of a failed transfer.
    static func httpStatus(in message: String) -> Int? {
        guard let range = message.range(of: "HTTP ", options: .backwards) else { return nil }
        var rest = message[range.upperBound...]
        if rest.hasPrefix("status ") { rest = rest.dropFirst("status ".count) }
        return Int(rest.prefix { $0.isASCII && $0.isNumber })
    }
}
