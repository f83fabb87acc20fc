import Foundation
import SluiceCore
import SluiceDedup
import SluiceIntake
import SluicePipeline
import SluiceStore

/// `sluice submit` and `sluice import`.
enum IntakeCommands {
    struct SubmitResult: Encodable {
        var id: Int64
        var status: String
        var knownAs: Int64?
        var knownState: String?
        /// The day (UTC) the known item reached its state: "approved on 2026-11-03".
        var knownSince: String?
        var source: String?

        enum CodingKeys: String, CodingKey {
            case id, status, source
            case knownAs = "known_as"
            case knownState = "known_state"
            case knownSince = "known_since"
        }

        /// Every field is always present (null when unknown), so scripts can rely on the shape.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(status, forKey: .status)
            try container.encode(knownAs, forKey: .knownAs)
            try container.encode(knownState, forKey: .knownState)
            try container.encode(knownSince, forKey: .knownSince)
            try container.encode(source, forKey: .source)
        }
    }

    static func submit(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let volunteer = try arguments.option("--by") ?? ""
        let note = try arguments.option("--note")
        let json = arguments.flag("--json")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let positionals = try arguments.positionals()
        guard positionals.count <= 1 else { throw UsageError("submit: one URL at a time (use sluice import for batches)") }
        guard !volunteer.isEmpty else { throw UsageError("submit: --by VOLUNTEER is required (who found it gets the credit)") }
        let submission: Submission
        do throws(IntakeError) {
            submission = try SubmissionValidator().validate(url: positionals.first, note: note, volunteer: volunteer, source: "cli")
        } catch {
            context.console.error("submit: \(TerminalSafe.text(error.description))")
            return 1
        }
        let canonicalizer = try PipelineCommands.canonicalizer(pipeline: pipeline)
        let result = try store(submission, context: context, canonicalizer: canonicalizer)
        if json {
            try context.printJSON(result)
        } else {
            context.console.print(describe(result))
        }
        return 0
    }

    static func store(_ submission: Submission, context: Context, canonicalizer: URLCanonicalizer?) throws -> SubmitResult {
        let store = try context.store()
        let keys = submission.url.map { url in canonicalizer?.identityKeys(submitted: url).map(\.value) ?? [] } ?? []
        let known = try store.knownItem(urlKeys: keys)
        let outcome = try store.submit(submission, at: submission.submittedAt ?? Date())
        let knownOther = known.flatMap { $0.id == outcome.itemID ? nil : $0 }
        switch outcome {
        case .created(let id):
            return SubmitResult(id: id, status: "submitted", knownAs: knownOther?.id, knownState: knownOther?.state.rawValue,
                                knownSince: knownOther.map { String(Timestamp.string($0.updatedAt).prefix(10)) },
                                source: submission.source)
        case .alreadyPresent(let id):
            return SubmitResult(id: id, status: "already_present", knownAs: nil, knownState: nil, knownSince: nil,
                                source: submission.source)
        }
    }

    static func describe(_ result: SubmitResult) -> String {
        var line = result.status == "submitted" ? "submitted as #\(result.id)" : "already present as #\(result.id) (nothing new stored)"
        if let known = result.knownAs, let state = result.knownState {
            let since = result.knownSince.map { " on \($0)" } ?? ""
            line += "; the link is already known as #\(known) (\(state.replacingOccurrences(of: "_", with: " "))\(since)): "
                + "recorded as corroboration"
        }
        return line
    }

    struct ImportSummary: Encodable {
        var submitted = 0
        var alreadyPresent = 0
        var rejected: [RejectedLine] = []
        var items: [SubmitResult] = []

        enum CodingKeys: String, CodingKey {
            case submitted, rejected, items
            case alreadyPresent = "already_present"
        }
    }

    struct RejectedLine: Encodable {
        var file: String
        var line: Int
        var reason: String
    }

    static func importFiles(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let volunteer = try arguments.option("--by")
        let json = arguments.flag("--json")
        let pipeline = try arguments.option("--pipeline") ?? PipelineCommands.defaultPipeline
        let files = try arguments.positionals()
        guard !files.isEmpty else { throw UsageError("import: name at least one .jsonl, .txt, .csv, .tsv or .xlsx file") }
        let canonicalizer = try PipelineCommands.canonicalizer(pipeline: pipeline)
        let definition = try PipelineDefinition.load(path: pipeline)
        let headers = try ImportHeaders.load(path: definition.resolve(definition.rules.importHeaders))
        let importer = BatchImporter(defaultVolunteer: volunteer, headers: headers)
        var summary = ImportSummary()
        for file in files {
            let lines: [ImportLine]
            do {
                lines = try importer.read(path: file)
            } catch let error as ImportFileError {
                summary.rejected.append(RejectedLine(file: file, line: 0, reason: error.reason))
                continue
            } catch {
                summary.rejected.append(RejectedLine(file: file, line: 0, reason: Command.describe(error)))
                continue
            }
            for line in lines {
                switch line.result {
                case .success(let submission):
                    let result = try store(submission, context: context, canonicalizer: canonicalizer)
                    if result.status == "submitted" { summary.submitted += 1 } else { summary.alreadyPresent += 1 }
                    summary.items.append(result)
                case .failure(let error):
                    summary.rejected.append(RejectedLine(file: line.file, line: line.line, reason: error.description))
                }
            }
        }
        if json {
            try context.printJSON(summary)
        } else {
            for rejected in summary.rejected {
                let location = rejected.line > 0 ? "\(rejected.file):\(rejected.line)" : rejected.file
                context.console.error(TerminalSafe.text("\(location): \(rejected.reason)"))
            }
            for item in summary.items where item.knownAs != nil {
                context.console.print(TerminalSafe.text("\(item.source ?? ""): \(describe(item))"))
            }
            context.console.print("imported \(summary.submitted) new, \(summary.alreadyPresent) already present, "
                                  + "\(summary.rejected.count) rejected")
        }
        return summary.rejected.isEmpty ? 0 : 1
    }
}
