import Foundation
import SluiceClassify
import SluiceTestSupport

/// The real rules file and labelled set of the package, loaded once per test process.
enum Fixtures {
    static let rulesPath = SharedCorpus.packageRoot.appendingPathComponent("pipelines/rules.json").path
    static let labeledPath = SharedCorpus.packageRoot.appendingPathComponent("samples/labeled.jsonl").path

    static func engine() throws -> RuleEngine { try RuleEngine.load(path: rulesPath) }

    static func temporaryFile(_ contents: String, name: String = "rules.json") throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-classify-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
