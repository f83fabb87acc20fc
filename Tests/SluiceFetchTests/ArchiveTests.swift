import Foundation
import Testing
import SluiceCore
import SluiceFetch

/// A scratch directory removed when the test is done with it.
final class ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// "淘宝客入门" in GBK, so bodies are bytes that are not UTF-8.
let gbkTitle: [UInt8] = [0xCC, 0xD4, 0xB1, 0xA6, 0xBF, 0xCD, 0xC8, 0xEB, 0xC3, 0xC5]

func sampleCapture(fetchedAt: Date = Date(timeIntervalSince1970: 1_790_000_000)) -> Capture {
    let body = Data("<html><head><meta charset=gbk><title>".utf8) + Data(gbkTitle) + Data("</title></head></html>\r\n\r\n".utf8)
    return Capture(
        requestedURL: "https://url.cn/aBc12", finalURL: "https://www.sohu.com/a/771234567_121",
        redirectChain: ["https://url.cn/aBc12", "https://www.sohu.com/a/771234567_121"], status: 200,
        headers: [HTTPHeader(name: "Content-Type", value: "text/html; charset=gbk"),
                  HTTPHeader(name: "Content-Encoding", value: "gzip"),
                  HTTPHeader(name: "Transfer-Encoding", value: "chunked"),
                  HTTPHeader(name: "Content-Length", value: "31"),
                  HTTPHeader(name: "X-Evil", value: "a\r\nWARC-Type: forged")],
        contentType: "text/html; charset=gbk", body: body, text: nil, charset: nil, charsetBasis: nil, problem: nil,
        attempts: [], fetchedAt: fetchedAt)
}

func writeArchive(_ path: String, gzip: Bool, captures: [Capture]) throws {
    let writer = try WARCWriter(path: path, gzip: gzip)
    for capture in captures { try writer.write(capture) }
    try writer.close()
}

@Suite struct ArchiveRoundTripTests {
    @Test(arguments: [false, true])
    func writtenRecordsReadBack(gzip: Bool) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path(gzip ? "a.warc.gz" : "a.warc")
        let capture = sampleCapture()
        try writeArchive(path, gzip: gzip, captures: [capture])
        let raw = try #require(FileManager.default.contents(atPath: path))
        #expect(raw.starts(with: [0x1F, 0x8B]) == gzip)

        let records = try WARCReader(path: path).records()
        #expect(records.map(\.type) == ["warcinfo", "request", "response", "request", "response"])
        #expect(records.dropFirst().map(\.targetURI) == [capture.redirectChain[0], capture.redirectChain[0],
                                                         capture.finalURL, capture.finalURL])
        #expect(records[1].header("WARC-Concurrent-To") == records[2].recordID)
        #expect(records[2].header("WARC-Concurrent-To") == records[1].recordID)
        #expect(records[4].date == capture.fetchedAt)

        let hop = try #require(records[2].httpResponse())
        #expect(hop.status == 302)
        #expect(hop.header("Location") == capture.finalURL)
        let final = try #require(records[4].httpResponse())
        #expect(final.status == 200)
        #expect(final.body == capture.body)
        #expect(final.header("Content-Length") == String(capture.body.count))
        #expect(final.header("Content-Encoding") == nil)
        #expect(final.header("X-Sluice-Original-Content-Encoding") == "gzip")
        #expect(final.header("Transfer-Encoding") == nil)
        #expect(final.header("X-Evil") == "aWARC-Type: forged")
        #expect(String(decoding: records[3].block, as: UTF8.self).hasPrefix("GET /a/771234567_121 HTTP/1.1\r\nHost: www.sohu.com\r\n"))
    }

    @Test func gzipMembersAreOnePerRecord() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("b.warc.gz")
        try writeArchive(path, gzip: true, captures: [sampleCapture(), sampleCapture()])
        let raw = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        var members = 0
        for index in raw.indices.dropLast(2) where raw[index] == 0x1F && raw[index + 1] == 0x8B && raw[index + 2] == 0x08 {
            members += 1
        }
        #expect(members >= 9)
        #expect(try WARCReader(path: path).records().count == 9)
    }
}

@Suite struct ArchiveErrorTests {
    @Test func truncatedRecordNamesFileRecordAndOffset() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("t.warc")
        try writeArchive(path, gzip: false, captures: [sampleCapture()])
        let raw = try #require(FileManager.default.contents(atPath: path))
        try raw.prefix(raw.count - 20).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ArchiveError.self) { try WARCReader(path: path).records() }
        #expect(error.file == path)
        #expect(error.record == 4)
        #expect(error.reason.contains("truncated"))
        #expect((error.offset ?? 0) > 0)
    }

    @Test func badHeaderIsReported() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("h.warc")
        try Data("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ArchiveError.self) { try WARCReader(path: path).records() }
        #expect(error.reason.contains("bad header"))
        #expect(error.record == 0)
        try Data("WARC/1.1\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\n".utf8).write(to: URL(fileURLWithPath: path))
        let length = try #require(throws: ArchiveError.self) { try WARCReader(path: path).records() }
        #expect(length.reason.contains("Content-Length"))
    }

    @Test func hugeContentLengthIsTruncationNotOverflow() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("huge.warc")
        try Data("WARC/1.1\r\nWARC-Type: response\r\nContent-Length: \(Int.max)\r\n\r\nbody".utf8)
            .write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ArchiveError.self) { try WARCReader(path: path).records() }
        #expect(error.reason.contains("Content-Length \(Int.max) runs past the end of the file (4 bytes left)"))
    }

    @Test func damagedAndCutGzipAreReported() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("g.warc.gz")
        try writeArchive(path, gzip: true, captures: [sampleCapture()])
        let raw = try #require(FileManager.default.contents(atPath: path))
        try raw.prefix(raw.count - 7).write(to: URL(fileURLWithPath: path))
        let cut = try #require(throws: ArchiveError.self) { try WARCReader(path: path) }
        #expect(cut.reason.contains("truncated"))
        var damaged = raw
        for index in (raw.count / 2)..<(raw.count / 2 + 16) { damaged[index] ^= 0x5A }
        try damaged.write(to: URL(fileURLWithPath: path))
        let bad = try #require(throws: ArchiveError.self) { try WARCReader(path: path) }
        #expect(bad.reason.contains("gzip"))
        #expect(bad.offset != nil)
        #expect(throws: ArchiveError.self) { try WARCReader(path: scratch.path("missing.warc")) }
    }
}

@Suite struct ArchiveStandardReaderTests {
    /// warcio is the reference WARC library; the CI setup script installs it.
    static let warcioAvailable = pythonCanImport("warcio")
    static let pythonAvailable = pythonCanImport("json")

    static func pythonCanImport(_ module: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(module)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }

    @Test(.enabled(if: warcioAvailable, "python3 with warcio is not installed (python3 -m pip install warcio): skipping"),
          arguments: [false, true])
    func warcioReadsOurArchives(gzip: Bool) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path(gzip ? "w.warc.gz" : "w.warc")
        let capture = sampleCapture()
        try writeArchive(path, gzip: gzip, captures: [capture, capture])
        let script = """
            import sys
            from warcio.archiveiterator import ArchiveIterator
            with open(sys.argv[1], 'rb') as stream:
                for record in ArchiveIterator(stream, check_digests=True):
                    status = record.http_headers.get_statuscode() if record.http_headers else '-'
                    body = record.content_stream().read()
                    print(record.rec_type, record.rec_headers.get_header('WARC-Target-URI'), status, body.hex())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(complaint)")
        let lines = printed.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.map { $0.first ?? "" } == ["warcinfo"] + Array(repeating: ["request", "response"], count: 4).flatMap { $0 })
        let responses = lines.filter { $0.first == "response" }
        #expect(responses.map { $0[2] } == ["302", "200", "302", "200"])
        #expect(responses[1][1] == capture.finalURL)
        let bodyHex = capture.body.map { String(format: "%02x", $0) }.joined()
        #expect(responses[1].count == 4 && responses[1][3] == bodyHex)
    }
}
