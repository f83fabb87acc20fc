import Foundation
import SluiceCore
import SluiceDedup
import SluiceIntake

/// Submissions and imports: validated once (the same checks whatever the channel), stored durably before
/// the volunteer is answered, recognised at once when the link is already known.
public struct IntakeService: Sendable {
    let store: any IntakeStore
    let canonicalizer: URLCanonicalizer?
    let clock: any TimeSource
    let validator: SubmissionValidator
    /// The column names form tools use (`链接`, `提交人`, …), for CSV and .xlsx imports.
    let importHeaders: ImportHeaders?

    public init(store: any IntakeStore, canonicalizer: URLCanonicalizer?, clock: any TimeSource = SystemClock(),
                validator: SubmissionValidator = SubmissionValidator(), importHeaders: ImportHeaders? = nil) {
        self.store = store
        self.canonicalizer = canonicalizer
        self.clock = clock
        self.validator = validator
        self.importHeaders = importHeaders
    }

    /// What became of one submission: the stable JSON shape of `submit --json` and of each imported line.
    public struct SubmitResult: Sendable, Equatable, Encodable {
        public var id: Int64
        /// `submitted`, `already_known` (filed as a report of a known story) or `already_present`.
        public var status: String
        public var knownAs: Int64?
        public var knownState: String?
        /// The day (UTC) the known item reached its state: "approved on 2026-11-03".
        public var knownSince: String?
        public var source: String?

        enum CodingKeys: String, CodingKey {
            case id, status, source
            case knownAs = "known_as"
            case knownState = "known_state"
            case knownSince = "known_since"
        }

        /// Every field is always present (null when unknown), so scripts can rely on the shape.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
            try container.encode(knownAs, forKey: .knownAs)
            try container.encode(knownState, forKey: .knownState)
            try container.encode(knownSince, forKey: .knownSince)
            try container.encode(source, forKey: .source)
        }

        public var isNew: Bool { status != "already_present" }
    }

    /// Validates and stores one submission. Throws `IntakeError` for a submission the validator refuses.
    public func submit(url: String?, note: String?, volunteer: String, source: String,
                       refetchKnown: Bool = false) throws -> SubmitResult {
        let submission = try validator.validate(url: url, note: note, volunteer: volunteer, source: source)
        return try store(submission, refetchKnown: refetchKnown)
    }

    /// Stores a submission that has passed validation.
    public func store(_ submission: Submission, refetchKnown: Bool = false) throws -> SubmitResult {
        let entry = entry(for: submission)
        let receipt = try store.submit(submission, urlKeys: entry.urlKeys, refetchKnown: refetchKnown, at: entry.at)
        return result(of: receipt, source: submission.source)
    }

    /// Lines of an import stored in one transaction.
    static let importBatch = 500

    /// A validated submission with its URL's keys and the time it counts from.
    func entry(for submission: Submission) -> SubmissionEntry {
        let keys = submission.url.map { url in canonicalizer?.identityKeys(submitted: url).map(\.value) ?? [] } ?? []
        // A form export carries the volunteer's own time (提交时间): the submission counts from then.
        return SubmissionEntry(submission, urlKeys: keys, at: submission.submittedAt ?? clock.now())
    }

    func result(of receipt: SubmitReceipt, source: String) -> SubmitResult {
        let status = !receipt.created ? "already_present" : receipt.recordedAsReport ? "already_known" : "submitted"
        let known = receipt.created ? receipt.known : nil
        return SubmitResult(id: receipt.itemID, status: status, knownAs: known?.id, knownState: known?.state.rawValue,
                            knownSince: known.map { String(Timestamp.string($0.updatedAt).prefix(10)) }, source: source)
    }

    /// What an import did: `import --json`.
    public struct ImportSummary: Sendable, Encodable {
        public var submitted = 0
        public var alreadyPresent = 0
        public var rejected: [RejectedLine] = []
        public var items: [SubmitResult] = []

        enum CodingKeys: String, CodingKey {
            case submitted, rejected, items
            case alreadyPresent = "already_present"
        }
    }

    /// A line (or a whole file, line 0) an import refused, and why.
    public struct RejectedLine: Sendable, Encodable {
        public var file: String
        public var line: Int
        public var reason: String
    }

    /// Imports batch files; a file that cannot be read and each refused line are reported, the rest stored.
    /// `progress` hears the lines handled so far and the lines of the files read so far.
    public func importFiles(_ paths: [String], defaultVolunteer: String?,
                            progress: (Int, Int) -> Void = { _, _ in }) throws -> ImportSummary {
        let importer = importHeaders.map { BatchImporter(validator: validator, defaultVolunteer: defaultVolunteer, headers: $0) }
            ?? BatchImporter(validator: validator, defaultVolunteer: defaultVolunteer)
        var summary = ImportSummary()
        var (handled, read) = (0, 0)
        // Lines are stored `importBatch` at a time, each batch in one transaction: durable together, and the
        // pages they share written once instead of once per line. A line is counted as handled (and reported)
        // only once its batch is committed.
        var batch: [(entry: SubmissionEntry, source: String)] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            let receipts = try store.submit(batch.map(\.entry), refetchKnown: false)
            for (receipt, line) in zip(receipts, batch) {
                let result = result(of: receipt, source: line.source)
                if result.isNew { summary.submitted += 1 } else { summary.alreadyPresent += 1 }
                summary.items.append(result)
            }
            handled += batch.count
            batch.removeAll(keepingCapacity: true)
            progress(handled, read)
        }
        for path in paths {
            let lines: [ImportLine]
            do {
                lines = try importer.read(path: path)
            } catch let error as ImportFileError {
                summary.rejected.append(RejectedLine(file: path, line: 0, reason: error.reason))
                continue
            } catch {
                summary.rejected.append(RejectedLine(file: path, line: 0, reason: String(describing: error)))
                continue
            }
            read += lines.count
            for line in lines {
                switch line.result {
                case .success(let submission):
                    batch.append((entry(for: submission), submission.source))
                    if batch.count >= Self.importBatch { try flush() }
                case .failure(let error):
                    summary.rejected.append(RejectedLine(file: line.file, line: line.line, reason: error.description))
                    handled += 1
                    progress(handled, read)
                }
            }
        }
        try flush()
        return summary
    }
}
