import Foundation
import Testing
import SluiceCore
@testable import SluiceFetch

/// Our SHA-1 against the FIPS 180-4 examples, and our WARC digests against warcio's checker.
@Suite struct ArchiveDigestTests {
    @Test func chunkSizesDecodeAndAHugeOneIsTruncationNotOverflow() throws {
        let body = try ReplayArchive.dechunked(Data("5\r\nhello\r\n0\r\n\r\n".utf8))
        #expect(String(decoding: body, as: UTF8.self) == "hello")
        let huge = try #require(throws: BodyCodingFailure.self) {
            try ReplayArchive.dechunked(Data("7FFFFFFFFFFFFFFF\r\nhello\r\n".utf8))
        }
        #expect(huge.reason == "chunk is truncated" && huge.offset == 18)
    }

    @Test func sha1MatchesTheStandardExamples() {
        let hex = { (data: Data) in SHA1.digest(data).map { String(format: "%02x", $0) }.joined() }
        #expect(hex(Data()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(Data("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        for length in [55, 56, 63, 64, 65] {
            #expect(hex(Data(repeating: 0x61, count: length)) != hex(Data(repeating: 0x61, count: length + 1)))
        }
    }

    @Test func base32FollowsRFC4648() {
        #expect(SHA1.base32(Array("foobar".utf8)) == "MZXW6YTBOI======")
        #expect(SHA1.base32(Array("f".utf8)) == "MY======")
        #expect(SHA1.warcDigest(Data()) == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")
    }

    @Test func digestsInHexOrOfOtherAlgorithms() {
        #expect(SHA1.matches("sha1:A9993E364706816ABA3E25717850C26C9CD0D89D", Data("abc".utf8)) == true)
        #expect(SHA1.matches("SHA1:\(SHA1.base32(SHA1.digest(Data("abc".utf8))))", Data("abc".utf8)) == true)
        #expect(SHA1.matches(SHA1.warcDigest(Data("abd".utf8)), Data("abc".utf8)) == false)
        #expect(SHA1.matches("sha256:ungeprueft", Data("abc".utf8)) == nil)
    }

    /// Our archive with one byte of the first page's title changed, as a damaged copy would be.
    func damagedArchive(_ scratch: ScratchDirectory) throws -> String {
        let path = scratch.path("t.warc")
        try writeArchive(path, gzip: false, captures: [sampleCapture()])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let title = try #require(bytes.range(of: Data("<title>".utf8)))
        bytes[title.lowerBound + 1] = UInt8(ascii: "T")
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func ourReaderRefusesADamagedRecordAndNamesIt() throws {
        let scratch = try ScratchDirectory()
        let path = try damagedArchive(scratch)
        let error = try #require(throws: ArchiveError.self) { try WARCReader(path: path).records() }
        #expect(error.description.contains(path))
        #expect(error.description.contains("WARC-Block-Digest"))
        let intact = scratch.path("i.warc")
        try writeArchive(intact, gzip: true, captures: [sampleCapture()])
        #expect(try WARCReader(path: intact).records().count == 5)
    }

    static func warcioCheck(_ path: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; from warcio.cli import main; sys.exit(main())", "check", "-v", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }

    @Test(.enabled(if: ArchiveStandardReaderTests.warcioAvailable,
                   "python3 with warcio is not installed (python3 -m pip install warcio): skipping"),
          arguments: [false, true])
    func warcioChecksEveryDigest(gzip: Bool) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path(gzip ? "d.warc.gz" : "d.warc")
        try writeArchive(path, gzip: gzip, captures: [sampleCapture(), sampleCapture()])
        let (status, output) = try Self.warcioCheck(path)
        #expect(status == 0, "\(output)")
        #expect(output.components(separatedBy: "digest pass").count - 1 == 9, "\(output)")
    }

    @Test(.enabled(if: ArchiveStandardReaderTests.warcioAvailable,
                   "python3 with warcio is not installed (python3 -m pip install warcio): skipping"))
    func warcioNoticesAChangedBody() throws {
        let scratch = try ScratchDirectory()
        let (status, output) = try Self.warcioCheck(try damagedArchive(scratch))
        #expect(status == 1, "\(output)")
        #expect(output.contains("digest failed"), "\(output)")
    }
}
