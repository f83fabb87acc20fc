import Foundation

/// Locates `../shared/corpus` (the real pages with ground truth) relative to the package root.
/// Tests that need it skip with a clear message where it is absent, so a fresh clone still passes.
public enum SharedCorpus {
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The corpus directory, or nil when this checkout has no `../shared/corpus` beside it.
    public static var directory: URL? {
        if let explicit = ProcessInfo.processInfo.environment["SLUICE_CORPUS"] {
            return URL(fileURLWithPath: explicit)
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("MANIFEST.tsv").path) ? candidate : nil
    }

    public static let skipMessage = "../shared/corpus is absent beside this checkout: skipping tests on real pages"
}
