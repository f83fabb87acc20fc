import Foundation
import Testing
import SluiceCore
import SluiceFetch

@Suite struct ArchiveReplayTests {
    @Test(arguments: [false, true])
    func replayFollowsRecordedRedirects(gzip: Bool) throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path(gzip ? "r.warc.gz" : "r.warc")
        let recorded = sampleCapture()
        try writeArchive(path, gzip: gzip, captures: [recorded])
        let archive = try ReplayArchive(path: path)
        #expect(archive.count == 2)

        let replayed = try #require(archive.capture(for: "https://url.cn/aBc12"))
        #expect(replayed.redirectChain == recorded.redirectChain)
        #expect(replayed.finalURL == recorded.finalURL)
        #expect(replayed.requestedURL == "https://url.cn/aBc12")
        #expect(replayed.status == 200)
        #expect(replayed.body == recorded.body)
        #expect(replayed.contentType == "text/html; charset=gbk")
        #expect(replayed.text == nil)
        #expect(replayed.fetchedAt == recorded.fetchedAt)

        let direct = try #require(archive.capture(for: recorded.finalURL))
        #expect(direct.redirectChain == [recorded.finalURL])
        #expect(archive.capture(for: "https://www.sohu.com/a/999") == nil)
    }

    @Test func trackingParameterVariantsFindTheRecording() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("v.warc")
        var capture = sampleCapture()
        capture.finalURL = "https://mp.weixin.qq.com/s?__biz=MzA5&mid=2651&idx=1&sn=8f2c"
        capture.redirectChain = [capture.finalURL]
        try writeArchive(path, gzip: false, captures: [capture])
        let archive = try ReplayArchive(path: path)
        let variant = "https://MP.weixin.qq.com/s?__biz=MzA5&mid=2651&idx=1&sn=8f2c&chksm=bd3a&scene=21&utm_source=wx#rd"
        #expect(archive.capture(for: variant)?.body == capture.body)
        #expect(archive.capture(for: "https://mp.weixin.qq.com/s?__biz=MzA5&mid=2651&idx=2&sn=8f2c") == nil)
    }

    @Test func redirectToAnUnrecordedURLStopsAtTheRedirect() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("d.warc")
        var capture = sampleCapture()
        capture.redirectChain = ["http://t.cn/x1", "https://weibo.com/gone"]
        capture.finalURL = "https://weibo.com/gone"
        try writeArchive(path, gzip: false, captures: [capture])
        let truncated = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        let records = try WARCReader(path: path).records()
        #expect(records.count == 5)
        // Keep warcinfo and the hop only: the final response is missing from this archive.
        let keep = records.prefix(3)
        var rebuilt = Data()
        for record in keep {
            var head = "WARC/1.1\r\n"
            for field in record.headers { head += "\(field.name): \(field.value)\r\n" }
            rebuilt += Data(head.utf8) + Data("\r\n".utf8) + record.block + Data("\r\n\r\n".utf8)
        }
        #expect(rebuilt.count < truncated.count)
        try rebuilt.write(to: URL(fileURLWithPath: path))
        let replayed = try #require(try ReplayArchive(path: path).capture(for: "http://t.cn/x1"))
        #expect(replayed.status == 302)
        #expect(replayed.redirectChain == ["http://t.cn/x1"])
    }

    @Test func chunkedAndGzipBodiesFromOtherToolsAreDecoded() throws {
        let scratch = try ScratchDirectory()
        let html = Data("<html><title>chunked</title><body>闲鱼</body></html>".utf8)
        let gzipPath = scratch.path("body.gz")
        try html.write(to: URL(fileURLWithPath: scratch.path("body")))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-n", "-c", scratch.path("body")]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try gzip.run()
        let compressed = pipe.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0 && !compressed.isEmpty)
        try compressed.write(to: URL(fileURLWithPath: gzipPath))

        let split = compressed.count / 2
        var chunked = Data(String(split, radix: 16).utf8) + Data("\r\n".utf8) + compressed.prefix(split) + Data("\r\n".utf8)
        chunked += Data(String(compressed.count - split, radix: 16).utf8) + Data(";ext=1\r\n".utf8)
            + compressed.dropFirst(split) + Data("\r\n0\r\n\r\n".utf8)
        let http = Data("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".utf8) + chunked
        let record = Data("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/c\r\nWARC-Date: 2026-11-01T08:00:00Z\r\nContent-Length: \(http.count)\r\n\r\n".utf8)
            + http + Data("\r\n\r\n".utf8)
        let path = scratch.path("foreign.warc")
        try record.write(to: URL(fileURLWithPath: path))
        let replayed = try #require(try ReplayArchive(path: path).capture(for: "https://example.com/c"))
        #expect(replayed.body == html)
        #expect(replayed.fetchedAt == Date(timeIntervalSince1970: 1_793_520_000))
    }
}

@Suite struct ArchiveForeignRecordTests {
    @Test func nonHTTPResponseRecordsAreSkippedAndBrokenHTTPIsReported() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("dns.warc")
        let dns = Data("20261101080000\nexample.com.\t300\tIN\tA\t192.0.2.7\n".utf8)
        func record(_ uri: String, _ contentType: String, _ block: Data) -> Data {
            Data("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: \(uri)\r\nContent-Type: \(contentType)\r\nContent-Length: \(block.count)\r\n\r\n".utf8)
                + block + Data("\r\n\r\n".utf8)
        }
        try record("dns:example.com", "text/dns", dns).write(to: URL(fileURLWithPath: path))
        let archive = try ReplayArchive(path: path)
        #expect(archive.count == 0)
        #expect(archive.capture(for: "dns:example.com") == nil)

        try record("https://example.com/", "application/http;msgtype=response", Data("garbage".utf8))
            .write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ArchiveError.self) { try ReplayArchive(path: path) }
        #expect(error.record == 0)
        #expect(error.reason.contains("https://example.com/"))
    }
}
