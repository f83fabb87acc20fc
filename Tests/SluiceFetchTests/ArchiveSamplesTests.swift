import Foundation
import Testing
import SluiceCore
import SluiceFetch
import SluiceTestSupport

/// The demo world in `samples/`: every submitted URL replays from `samples/captures.warc`, and every recorded page
/// decodes back to the UTF-8 source it was generated from, GBK ones included.
@Suite struct ArchiveSamplesTests {
    static let samples = SharedCorpus.packageRoot.appendingPathComponent("samples")

    struct ManifestEntry: Decodable {
        var url: String
        var file: String?
        var status: Int
        var encoding: String?
        var location: String?
    }

    struct Manifest: Decodable {
        var responses: [ManifestEntry]
    }

    struct Submission: Decodable {
        var url: String?
        var note: String?
        var volunteer: String
    }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: samples.appendingPathComponent("pages/manifest.json")))
    }

    static func archive() throws -> ReplayArchive {
        try ReplayArchive(path: samples.appendingPathComponent("captures.warc").path)
    }

    @Test func everySubmittedURLReplays() throws {
        let archive = try Self.archive()
        let lines = try String(contentsOf: Self.samples.appendingPathComponent("submissions.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect((40...50).contains(lines.count))
        let submissions = try lines.map { try JSONDecoder().decode(Submission.self, from: Data($0.utf8)) }
        #expect(Set(submissions.map(\.volunteer)).count >= 10)
        #expect(submissions.contains { $0.url == nil && !($0.note ?? "").isEmpty })
        for submission in submissions {
            guard let url = submission.url else { continue }
            let capture = archive.capture(for: url)
            #expect(capture != nil, "no recording for \(url)")
            #expect(!(capture?.body.isEmpty ?? true), "\(url)")
        }
    }

    /// The archive hands responses over unjudged, as the network fetcher does; sniffing them finds the PDF only.
    @Test func onlyTheRecordedPDFIsSniffedAsNotHTML() throws {
        let archive = try Self.archive()
        for entry in try Self.manifest().responses {
            let capture = try #require(archive.capture(for: entry.url))
            let isPDF = entry.file?.hasSuffix(".pdf") ?? false
            #expect(capture.problem == nil, "\(entry.url)")
            #expect(ContentSniff.isClearlyNotHTML(contentType: capture.contentType, body: capture.body) == isPDF, "\(entry.url)")
        }
    }

    @Test func shortLinksFollowTheirRecordedRedirects() throws {
        let archive = try Self.archive()
        for entry in try Self.manifest().responses {
            guard let location = entry.location else { continue }
            let capture = try #require(archive.capture(for: entry.url))
            #expect(capture.redirectChain == [entry.url, location])
            #expect(capture.status == 200)
        }
    }

    @Test func recordedPagesDecodeBackToTheirSources() throws {
        let archive = try Self.archive()
        var legacyPages = 0
        for entry in try Self.manifest().responses {
            guard let file = entry.file, file.hasSuffix(".html") else { continue }
            let source = try String(contentsOf: Self.samples.appendingPathComponent("pages/\(file)"), encoding: .utf8)
            let capture = try #require(archive.capture(for: entry.url))
            #expect(capture.status == entry.status)
            let decoded = CharsetDecoder.decode(capture.body, contentType: capture.contentType)
            #expect(decoded.text == source, "\(entry.url) decoded as \(decoded.charset) (\(decoded.basis))")
            if entry.encoding == "gbk" {
                legacyPages += 1
                #expect(decoded.charset == "gb18030")
            }
        }
        #expect(legacyPages >= 3)
    }

    @Test(.enabled(if: ArchiveStandardReaderTests.pythonAvailable, "python3 is not available: skipping the generator check"))
    func generatorIsDeterministicAndCommittedOutputIsCurrent() throws {
        let scratch = try ScratchDirectory()
        let fresh = scratch.path("captures.warc")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", SharedCorpus.packageRoot.appendingPathComponent("scripts/make-sample-warc.py").path, fresh]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let committed = try Data(contentsOf: Self.samples.appendingPathComponent("captures.warc"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fresh)) == committed,
                "samples/captures.warc is stale: run python3 scripts/make-sample-warc.py")
    }
}
