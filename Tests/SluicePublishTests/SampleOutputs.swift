import Foundation
import Testing
import SluicePublish
import SluiceTestSupport

/// Writes the sample, hostile and corpus columns in every format into the directory named by
/// `SLUICE_COLUMN_SAMPLES`, for `scripts/render-column-png.sh` and for reading by eye. Off by default.
@Suite("Sample outputs")
struct SampleOutputs {
    static let directory = ProcessInfo.processInfo.environment["SLUICE_COLUMN_SAMPLES"]

    @Test(.enabled(if: directory != nil, "set SLUICE_COLUMN_SAMPLES=DIR to write sample columns"))
    func writeSamples() throws {
        let directory = URL(fileURLWithPath: try #require(Self.directory))
        var columns = ["sample": Fixtures.sample(), "hostile": Fixtures.hostile(), "empty": Fixtures.empty()]
        if let corpus = SharedCorpus.directory { columns["corpus"] = try Fixtures.corpusColumn(corpus) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, column) in columns {
            for format in ColumnFormat.allCases {
                let file = directory.appendingPathComponent("\(name).\(format.fileExtension)")
                try Data(try ColumnRenderer.render(column, as: format).utf8).write(to: file)
                #expect(FileManager.default.fileExists(atPath: file.path))
            }
        }
        let content = ContentDirectory(root: directory.appendingPathComponent("content"))
        var taken = Set<String>()
        for item in Fixtures.sample().items + Fixtures.hostile().items {
            let slug = Slug.make(title: item.title, id: item.id, taken: taken)
            taken.insert(slug)
            _ = try content.write(item, slug: slug, month: "2026-11", evidenceText: item.summary)
        }
    }
}
