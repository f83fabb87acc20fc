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
                try Data(ColumnRenderer.render(column, as: format).utf8).write(to: file)
                #expect(FileManager.default.fileExists(atPath: file.path))
            }
        }
    }
}
