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

    /// The corpus directory (`$SLUICE_CORPUS`, else `../shared/corpus`), or nil when it holds no `MANIFEST.tsv`:
    /// a variable pointing at a missing folder skips the tests like an absent corpus does.
    public static var directory: URL? {
        let candidate = ProcessInfo.processInfo.environment["SLUICE_CORPUS"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("MANIFEST.tsv").path) ? candidate : nil
    }

    public static let skipMessage = "../shared/corpus (or $SLUICE_CORPUS) is absent: skipping tests on real pages"
}

/// Locates the labelled classifier sets in `../shared/classify`; tests that need them skip where absent.
public enum SharedClassifySets {
    public static func path(_ name: String) -> String? {
        let url = SharedCorpus.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/classify/\(name)")
        return FileManager.default.fileExists(atPath: url.path) ? url.path : nil
    }

    public static var present: Bool { path("zh-spam-dev.jsonl") != nil && path("zh-topic-dev.jsonl") != nil }

    public static let skipMessage = "../shared/classify is absent: skipping tests on the labelled Chinese sets"
}

/// The web-platform-tests URL suite (`urltestdata.json`), which sluice does not ship: `$SLUICE_URL_TESTDATA`, else
/// `../shared/url/urltestdata.json`; nil when neither is there.
public enum URLTestData {
    public static var path: String? {
        let candidate = ProcessInfo.processInfo.environment["SLUICE_URL_TESTDATA"]
            ?? SharedCorpus.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/url/urltestdata.json").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    public static let skipMessage = "urltestdata.json is absent ($SLUICE_URL_TESTDATA or ../shared/url/): skipping the URL suite"
}
