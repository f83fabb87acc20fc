import Foundation
import Synchronization
import SluiceCore

/// The service's inbox: files dropped into a folder (form exports, `.jsonl`, `.txt`) are imported as
/// `sluice import` would, then moved to `done/` (or to `failed/` when the file or any line was refused) with a
/// report beside it, `NAME.report.txt`. A file is never lost and never imported twice:
///
/// - it is taken only once it has stopped changing between two scans (a copy still being written waits), and
///   names that say "not finished" (`.part`, `.tmp`, `~`, hidden files) are left alone;
/// - its SHA-256 is recorded in the store once its lines are stored, so after a crash between the import and
///   the move the file is recognised when seen again and only moved; a crash before the record imports it
///   again, which stores nothing twice (a submission is one per volunteer, URL and note);
/// - the report is written before the move, and the move never replaces a file already in `done/`.
///
/// Shared between the service's threads: the scan state lives in a mutex.
public final class InboxWatcher: Sendable {
    public let folder: URL
    let store: any ServiceStore
    let clock: any TimeSource
    let defaultVolunteer: String?

    /// What a file looked like at the last scan: imported when it looks the same at the next.
    private struct Stamp: Equatable {
        var size: Int
        var modified: Date
    }

    private let stamps = Mutex<[String: Stamp]>([:])
    /// Files that could not be handled (unreadable, not movable), reported once rather than every scan.
    private let reported = Mutex<Set<String>>([])

    public init(folder: URL, store: any ServiceStore, clock: any TimeSource, defaultVolunteer: String?) throws {
        self.folder = folder
        self.store = store
        self.clock = clock
        self.defaultVolunteer = defaultVolunteer
        for sub in ["done", "failed"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub, isDirectory: true),
                                                    withIntermediateDirectories: true)
        }
    }

    /// What became of one file.
    public struct Outcome: Sendable, Equatable {
        public var name: String
        /// Where it is now: `done/NAME` or `failed/NAME`.
        public var movedTo: String
        public var submitted: Int
        public var alreadyPresent: Int
        public var refused: Int
        /// Recognised by its bytes: imported before, only moved now.
        public var seenBefore: Bool

        public init(name: String, movedTo: String, submitted: Int, alreadyPresent: Int, refused: Int, seenBefore: Bool) {
            self.name = name
            self.movedTo = movedTo
            self.submitted = submitted
            self.alreadyPresent = alreadyPresent
            self.refused = refused
            self.seenBefore = seenBefore
        }
    }

    static func isUnfinished(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || [".part", ".tmp", ".crdownload", ".partial"].contains { name.hasSuffix($0) }
    }

    /// Imports every file that has settled since the last scan, through `intake` (built by the caller from
    /// the pipeline in force). Each file is logged; the outcomes, in name order.
    public func scan(intake: IntakeService, log: (ServiceEvent) -> Void) -> [Outcome] {
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var current: [String: Stamp] = [:]
        for name in names where !Self.isUnfinished(name) {
            let path = folder.appendingPathComponent(name).path
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            current[name] = Stamp(size: (attributes[.size] as? Int) ?? 0,
                                  modified: (attributes[.modificationDate] as? Date) ?? .distantPast)
        }
        let settled = stamps.withLock { previous in
            defer { previous = current }
            return current.keys.filter { previous[$0] == current[$0] }.sorted()
        }
        reported.withLock { $0.formIntersection(current.keys) }
        var outcomes: [Outcome] = []
        for name in settled {
            do {
                let outcome = try handle(name, intake: intake)
                stamps.withLock { _ = $0.removeValue(forKey: name) }
                let what = outcome.seenBefore ? "seen before (the same bytes were imported already): moved"
                    : "\(outcome.submitted) new, \(outcome.alreadyPresent) already present, \(outcome.refused) refused"
                log(ServiceEvent(outcome.refused > 0 ? .warning : .notice, "inbox.imported", "\(name): \(what) → \(outcome.movedTo)",
                                 fields: ["file": name, "moved_to": outcome.movedTo, "submitted": String(outcome.submitted),
                                          "refused": String(outcome.refused)], at: clock.now()))
                outcomes.append(outcome)
            } catch {
                let first = reported.withLock { $0.insert(name).inserted }
                if first {
                    log(ServiceEvent(.error, "inbox.failed", "\(name): \(error); left in the inbox", fields: ["file": name],
                                     at: clock.now()))
                }
            }
        }
        return outcomes
    }

    private func handle(_ name: String, intake: IntakeService) throws -> Outcome {
        let source = folder.appendingPathComponent(name)
        let data = try Data(contentsOf: source)
        let sha256 = SHA256.hex(data)
        let now = clock.now()
        if let known = try store.importedFile(sha256: sha256) {
            let report = "\(name): seen again on \(Timestamp.string(now)); these bytes (sha256 \(sha256)) were imported on "
                + "\(Timestamp.string(known.importedAt)) as \(known.name), nothing was imported now\n\n" + known.report
            let moved = try move(source, name: name, to: "done", report: report)
            return Outcome(name: name, movedTo: moved, submitted: 0, alreadyPresent: 0, refused: 0, seenBefore: true)
        }
        let summary = try intake.importFiles([source.path], defaultVolunteer: defaultVolunteer)
        let report = Self.report(summary, name: name, path: source.path, sha256: sha256, at: now)
        // A file refused as a whole (an unknown format) is not recorded: the same bytes under a better name are
        // still welcome.
        let readable = !summary.rejected.contains { $0.line == 0 }
        if readable { try store.recordImportedFile(ImportedFile(sha256: sha256, name: name, importedAt: now, report: report)) }
        let moved = try move(source, name: name, to: summary.rejected.isEmpty ? "done" : "failed", report: report)
        return Outcome(name: name, movedTo: moved, submitted: summary.submitted, alreadyPresent: summary.alreadyPresent,
                       refused: summary.rejected.count, seenBefore: false)
    }

    /// What the report beside a moved file says: the counts, then each refused line as `NAME:LINE: reason`.
    static func report(_ summary: IntakeService.ImportSummary, name: String, path: String, sha256: String, at now: Date) -> String {
        var lines = ["\(name): imported on \(Timestamp.string(now)) (sha256 \(sha256))",
                     "\(summary.submitted) new, \(summary.alreadyPresent) already present, \(summary.rejected.count) refused"]
        for rejected in summary.rejected {
            let file = rejected.file == path ? name : rejected.file
            lines.append(rejected.line > 0 ? "\(file):\(rejected.line): \(rejected.reason)" : "\(file): \(rejected.reason)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `NAME.report.txt` into `done/` or `failed/`, then moves the file beside it under a name nothing
    /// there has yet (`NAME`, else `NAME-2`, `NAME-3`…); the path it now has, relative to the inbox.
    private func move(_ source: URL, name: String, to sub: String, report: String) throws -> String {
        let target = folder.appendingPathComponent(sub, isDirectory: true)
        let stem = (name as NSString).deletingPathExtension
        let suffix = (name as NSString).pathExtension.isEmpty ? "" : "." + (name as NSString).pathExtension
        var candidate = name
        var number = 1
        let manager = FileManager.default
        while manager.fileExists(atPath: target.appendingPathComponent(candidate).path)
                || manager.fileExists(atPath: target.appendingPathComponent(candidate + ".report.txt").path) {
            number += 1
            candidate = "\(stem)-\(number)\(suffix)"
        }
        try Data(report.utf8).write(to: target.appendingPathComponent(candidate + ".report.txt"), options: .atomic)
        try manager.moveItem(at: source, to: target.appendingPathComponent(candidate))
        return "\(sub)/\(candidate)"
    }
}
