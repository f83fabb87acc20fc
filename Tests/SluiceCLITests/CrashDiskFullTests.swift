import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// A tmpfs of a given size mounted on a fresh directory, for running out of disk on purpose. Needs root (CI
/// runs as root); `permitted` tells, once per process, whether this machine lets us mount.
final class TinyDisk {
    let directory: TemporaryDirectory
    private(set) var mounted = false

    static let permitted: Bool = {
        let disk = TinyDisk(label: "probe")
        return (try? disk.mount(kilobytes: 64)) == true
    }()

    init(label: String) { directory = TemporaryDirectory("tinydisk-\(label)") }

    /// Mounts (or, when mounted, resizes) the tmpfs; false when `mount` refuses.
    @discardableResult
    func mount(kilobytes: Int) throws -> Bool {
        let options = (mounted ? "remount," : "") + "size=\(kilobytes)k"
        mounted = try Self.tool("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", directory.url.path]) || mounted
        return mounted
    }

    func path(_ name: String) -> String { directory.path(name) }

    deinit {
        if mounted { _ = try? Self.tool("/bin/umount", ["-l", directory.url.path]) }
    }

    private static func tool(_ path: String, _ arguments: [String]) throws -> Bool {
        guard FileManager.default.isExecutableFile(atPath: path) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

/// The store on a disk that fills up: SQLITE_FULL reaches the user as a clear error naming the store, the
/// command exits non-zero, and everything committed before is intact once space is freed.
@Suite(.serialized, .enabled(if: CrashHarness.binaryBuilt, CrashHarness.skipMessage),
       .enabled(if: TinyDisk.permitted, "mounting a tmpfs is not permitted here (needs root): skipping the disk-full test"))
struct CrashDiskFullTests {
    static let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    func batch(_ harness: CrashHarness, name: String, lines: Range<Int>) throws -> (path: String, urls: [String]) {
        let urls = lines.map { "https://www.zhihu.com/p/\($0)" }
        let note = String(repeating: "闲鱼无货源三个月复盘，账算得很细，利润率和售后成本都写了。", count: 8)
        let text = urls.map { #"{"url": "\#($0)", "note": "\#(note)", "volunteer": "志愿者"}"# }.joined(separator: "\n")
        let path = harness.directory.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (path, urls)
    }

    @Test func aFullDiskIsNamedAndLosesNothingCommitted() throws {
        let harness = CrashHarness("disk-full")
        let disk = TinyDisk(label: "full")
        #expect(try disk.mount(kilobytes: 4096))
        let store = disk.path("s.db")
        let first = try batch(harness, name: "first.jsonl", lines: 0..<20)
        let fits = try harness.run(["import", first.path, "--pipeline", Self.pipeline, "--store", store])
        #expect(fits.status == 0, "\(fits.errors)")

        // Import commits 500 lines at a time: the disk (4 MiB; a line's note is about 700 bytes) fills a few
        // batches in, after some have been committed.
        let second = try batch(harness, name: "second.jsonl", lines: 20..<6000)
        let full = try harness.run(["import", second.path, "--pipeline", Self.pipeline, "--store", store])
        #expect(full.status == 1)
        #expect(full.errors.contains(store), "the error names the store: \(full.errors)")
        #expect(full.errors.contains("full"), "the error says the disk is full: \(full.errors)")

        #expect(try disk.mount(kilobytes: 64 * 1024))
        let reopened = try SQLiteStore(path: store)
        #expect(try reopened.integrityCheck() == "ok")
        let kept = try reopened.records(state: nil).compactMap(\.url)
        #expect(Set(first.urls).isSubset(of: Set(kept)), "the batch committed before the disk filled is all there")
        try #require(kept.count > first.urls.count, "the second batch got some way before the disk filled")
        let expectedPrefix = first.urls + second.urls.prefix(kept.count - first.urls.count)
        #expect(Set(kept) == Set(expectedPrefix), "every line imported before the failure is there, in order")

        let resumed = try harness.run(["import", second.path, "--pipeline", Self.pipeline, "--store", store])
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(try reopened.records(state: nil).count == first.urls.count + second.urls.count)
        #expect(try reopened.integrityCheck() == "ok")
    }
}

extension CrashDiskFullTests {
    @Test func aRunThatFillsTheDiskStopsWithAClearErrorAndTheNextRunFinishes() throws {
        let harness = CrashHarness("disk-full-run")
        // Bodies are stored compressed, so the padding is letters no compressor can fold much: 80 pages of
        // 100,000 of them need more than the 4 MiB disk.
        let pages = 80
        var routes: [String: TestHTTPReply] = [:]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<pages {
            let letters = (0..<100_000).map { _ -> Character in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Character(Unicode.Scalar(UInt8(97 + (state >> 33) % 26)))
            }
            let padding = "<script>/*" + String(letters) + "*/</script>"
            routes["/big/\(index)"] = try TestHTTPReply.html(DistinctPages.html(index).replacingOccurrences(of: "</head>", with: padding + "</head>"))
        }
        let server = try TestHTTPServer(routes: routes)
        defer { server.stop() }
        let disk = TinyDisk(label: "full-run")
        #expect(try disk.mount(kilobytes: 4096))
        let store = disk.path("s.db")
        let links = harness.directory.path("links.txt")
        try Data((0..<pages).map { "\(server.baseURL)/big/\($0)" }.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: links))
        let imported = try harness.run(["import", links, "--by", "志愿者", "--pipeline", Self.pipeline, "--store", store])
        #expect(imported.status == 0, "\(imported.errors)")
        let run = ["run", "--pipeline", try harness.quickPipeline(), "--allow-host", "127.0.0.1:\(server.port)", "--store", store]
        let full = try harness.run(run)
        #expect(full.status == 1)
        #expect(full.errors.contains(store) && full.errors.contains("full"), "\(full.errors)")
        print("disk-full-run: \(full.errors)")

        #expect(try disk.mount(kilobytes: 256 * 1024))
        #expect(try SQLiteStore(path: store).integrityCheck() == "ok")
        let resumed = try harness.run(run)
        #expect(resumed.status == 0, "\(resumed.errors)")
        try harness.expectSettled(try SQLiteStore(path: store), items: pages)
        let settled = try SQLiteStore(path: store)
        let failures = try settled.records(state: .failed).map { $0.error.map { "\($0)" } ?? "" }
        let counts = try settled.pendingCounts()
        #expect(counts[.pendingReview] == pages, "\(counts) \(failures)")
    }
}

extension CrashDiskFullTests {
    @Test func publishingOntoAFullDiskRecordsOnlyWhatWasWritten() throws {
        let harness = CrashHarness("disk-full-publish")
        let store = harness.directory.path("s.db")
        let ids = try CrashTests().reviewQueue(20, store: store, harness: harness)
        let approved = try harness.run(["review", "approve"] + ids.map(String.init) + ["--as", "版主A", "--store", store])
        #expect(approved.status == 0, "\(approved.errors)")
        let disk = TinyDisk(label: "full-publish")
        #expect(try disk.mount(kilobytes: 40))
        let content = disk.path("content")
        let publish = ["publish", "--content", content, "--store", store]
        let full = try harness.run(publish)
        #expect(full.status == 1)
        #expect(full.errors.contains(content) && full.errors.contains("No space left"), "\(full.errors)")
        let month = Timestamp.month(Date())
        let ledger = try SQLiteStore(path: store).publications(month: month)
        #expect(!ledger.isEmpty && ledger.count < ids.count, "some but not all were published before the disk filled")
        let written = try FileManager.default.contentsOfDirectory(atPath: content + "/" + month)
        #expect(Set(written) == Set(ledger.compactMap { $0.publication.path.map { URL(fileURLWithPath: $0).lastPathComponent } }),
                "the ledger names exactly the files on disk: \(written)")

        #expect(try disk.mount(kilobytes: 4096))
        let resumed = try harness.run(publish)
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(try SQLiteStore(path: store).publications(month: month).map(\.record.id).sorted() == ids)
        #expect(try FileManager.default.contentsOfDirectory(atPath: content + "/" + month).count == ids.count)
    }
}
