import Foundation
import SluiceApp
import SluiceCore
import SluiceDedup
import SluiceIntake
import SluicePipeline

/// `sluice submit` and `sluice import`.
enum IntakeCommands {
    /// The intake use case with the pipeline's URL rules, and for imports its form-header names.
    static func service(_ context: Context, definition: PipelineDefinition, importing: Bool = false) throws -> IntakeService {
        let canonicalizer = try URLCanonicalizer.load(definition.file(definition.rules.urlRules))
        let headers = try importing ? ImportHeaders.load(definition.file(definition.rules.importHeaders)) : nil
        return IntakeService(store: try context.store(create: true), canonicalizer: canonicalizer, clock: context.clock,
                             importHeaders: headers)
    }

    static func submit(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let volunteer = try arguments.option("--by") ?? ""
        let note = try arguments.option("--note")
        let json = arguments.flag("--json")
        let refetch = arguments.flag("--refetch")
        let definition = try context.pipeline(&arguments)
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
        let result = try service(context, definition: definition).store(submission, refetchKnown: refetch)
        if json {
            try context.printJSON(result)
        } else {
            context.say(describe(result))
        }
        return 0
    }

    /// The receipt of one submission. Each case is one whole sentence (with or without the date the link became
    /// known), so the message catalog can give it in the reader's language.
    static func describe(_ result: IntakeService.SubmitResult) -> String {
        let knownState = result.knownState.map { $0 == ItemState.pendingReview.rawValue ? "pending review" : $0 } ?? ""
        let known = result.knownSince.map { "\(knownState) on \($0)" } ?? knownState
        switch result.status {
        case "already_known":
            return "already known as #\(result.knownAs ?? 0) (\(known)): your report is recorded as #\(result.id) and credited to you"
        case "already_present":
            return "already present as #\(result.id) (nothing new stored)"
        default:
            guard let knownAs = result.knownAs else { return "submitted as #\(result.id)" }
            return "submitted as #\(result.id); the link is already known as #\(knownAs) (\(known)): it is fetched again as you asked"
        }
    }

    static func importFiles(_ arguments: inout Arguments, _ context: Context) throws -> Int32 {
        let volunteer = try arguments.option("--by")
        let json = arguments.flag("--json")
        let definition = try context.pipeline(&arguments)
        let files = try arguments.positionals()
        guard !files.isEmpty else { throw UsageError("import: name at least one .jsonl, .txt, .csv, .tsv or .xlsx file") }
        let display = context.progress(["import"])
        let summary = try service(context, definition: definition, importing: true)
            .importFiles(files, defaultVolunteer: volunteer) { done, total in display?.update("import", done: done, total: total) }
        display?.finish()
        if json {
            try context.printJSON(summary)
        } else {
            for rejected in summary.rejected {
                let location = rejected.line > 0 ? "\(rejected.file):\(rejected.line)" : rejected.file
                context.console.error(TerminalSafe.text("\(location): \(rejected.reason)"))
            }
            for item in summary.items where item.knownAs != nil {
                context.say(TerminalSafe.text("\(item.source ?? ""): \(describe(item))"))
            }
            context.say("imported \(summary.submitted) new, \(summary.alreadyPresent) already present, "
                                  + "\(summary.rejected.count) rejected")
        }
        return summary.rejected.isEmpty ? 0 : 1
    }
}
