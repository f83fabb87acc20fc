import Foundation
import SluiceDedup
import SluiceTestSupport

/// The canonicalizer built from the real `pipelines/url-rules.json`, so tests check the rules that ship.
enum RulesFixture {
    static let path = SharedCorpus.packageRoot.appendingPathComponent("pipelines/url-rules.json").path
    static let canonicalizer: URLCanonicalizer = {
        do {
            return try URLCanonicalizer.load(path: path)
        } catch {
            preconditionFailure("pipelines/url-rules.json does not load: \(error)")
        }
    }()

    static func key(_ url: String) throws -> String {
        try canonicalizer.canonicalize(url).value
    }
}
