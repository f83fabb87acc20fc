import Foundation
import SluiceDedup
import SluiceTestSupport

/// The canonicalizer built from the real `pipelines/url-rules.json`, so tests check the rules that ship.
enum RulesFixture {
    static let path = SharedCorpus.packageRoot.appendingPathComponent("pipelines/url-rules.json").path

    /// Loads the file each time: it is small, and a broken file fails the test that reads it with its message.
    static func canonicalizer() throws -> URLCanonicalizer {
        try URLCanonicalizer.load(path: path)
    }

    static func key(_ url: String) throws -> String {
        try canonicalizer().canonicalize(url).value
    }
}
