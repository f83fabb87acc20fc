import Foundation
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// A preloaded library that makes `fsync` and `fdatasync` fail with EIO from the Nth call on
/// (`SLUICE_FAIL_SYNC_AFTER=N`): SQLite then reports SQLITE_IOERR_FSYNC, and the content directory's atomic
/// writes fail as a dying disk would make them. Built once per test process with the toolchain's clang.
enum FailingSync {
    static let source = """
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <errno.h>
        #include <stdatomic.h>
        #include <stdlib.h>

        static atomic_long calls;

        static int failing(void) {
            const char *limit = getenv("SLUICE_FAIL_SYNC_AFTER");
            return limit != NULL && atomic_fetch_add(&calls, 1) >= atol(limit);
        }

        int fsync(int descriptor) {
            if (failing()) { errno = EIO; return -1; }
            int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
            return real(descriptor);
        }

        int fdatasync(int descriptor) {
            if (failing()) { errno = EIO; return -1; }
            int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
            return real(descriptor);
        }
        """

    /// The shared library's path (`.build/crash-tests/failing-sync.so`, rebuilt by each test process and
    /// renamed into place), or nil when no C compiler is at hand.
    static let library: String? = {
        let directory = SharedCorpus.packageRoot.appendingPathComponent(".build/crash-tests")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sourcePath = directory.appendingPathComponent("failing-sync.\(getpid()).c").path
        let builtPath = directory.appendingPathComponent("failing-sync.\(getpid()).so").path
        let libraryPath = directory.appendingPathComponent("failing-sync.so").path
        guard FileManager.default.createFile(atPath: sourcePath, contents: Data(source.utf8)) else { return nil }
        defer { unlink(sourcePath) }
        for compiler in ["/opt/swift/usr/bin/clang", "/usr/bin/cc"] where FileManager.default.isExecutableFile(atPath: compiler) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: compiler)
            process.arguments = ["-shared", "-fPIC", "-O1", "-o", builtPath, sourcePath, "-ldl"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 && rename(builtPath, libraryPath) == 0 { return libraryPath }
        }
        return nil
    }()

    static func environment(failingAfter calls: Int) -> [String: String] {
        ["LD_PRELOAD": library ?? "", "SLUICE_FAIL_SYNC_AFTER": "\(calls)"]
    }
}

/// I/O errors (EIO from fsync at a seeded random call) during import and publish: the command stops with an
/// error naming what failed, exits 1, and nothing committed before is lost or published twice.
@Suite(.serialized, .enabled(if: CrashHarness.binaryBuilt, CrashHarness.skipMessage),
       .enabled(if: FailingSync.library != nil, "no C compiler to build the failing-fsync library: skipping I/O error tests"))
struct CrashIOErrorTests {
    static let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    @Test func anImportThatHitsAnIOErrorKeepsEveryEarlierLine() throws {
        let harness = CrashHarness("io-error-import")
        let store = harness.directory.path("s.db")
        // Import commits 500 lines at a time, so 3,000 lines make six commits: the syncs from the third to the
        // seventh fall inside them (the first two open the store, the last ones close it).
        let urls = (0..<3000).map { "https://www.zhihu.com/p/\(5000 + $0)" }
        let batch = harness.directory.path("batch.txt")
        try Data(urls.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: batch))
        let arguments = ["import", batch, "--by", "志愿者", "--pipeline", Self.pipeline, "--store", store]
        _ = try SQLiteStore(path: store)
        let failed = try harness.run(arguments, environment: FailingSync.environment(failingAfter: harness.delay(2...6)))
        #expect(failed.status == 1, "\(failed.errors) \(harness.context)")
        #expect(failed.errors.contains(store) && failed.errors.contains("I/O"), "\(failed.errors) \(harness.context)")

        let kept = try SQLiteStore(path: store).records(state: nil).compactMap(\.url)
        #expect(try SQLiteStore(path: store).integrityCheck() == "ok", harness.context)
        #expect(Set(kept) == Set(urls.prefix(kept.count)), "the lines before the error, and only those \(harness.context)")
        let resumed = try harness.run(arguments)
        #expect(resumed.status == 0, "\(resumed.errors) \(harness.context)")
        #expect(try SQLiteStore(path: store).records(state: nil).count == urls.count, harness.context)
    }

    @Test func aPublishThatHitsAnIOErrorPublishesNothingTwice() throws {
        let harness = CrashHarness("io-error-publish")
        let store = harness.directory.path("s.db")
        let crash = CrashTests()
        let ids = try crash.reviewQueue(24, store: store, harness: harness)
        let approved = try harness.run(["review", "approve"] + ids.map(String.init) + ["--as", "版主A", "--store", store])
        #expect(approved.status == 0, "\(approved.errors)")
        let content = harness.directory.path("content")
        let publish = ["publish", "--content", content, "--store", store]
        for _ in 0..<3 {
            let failed = try harness.run(publish, environment: FailingSync.environment(failingAfter: harness.delay(1...40)))
            if try !SQLiteStore(path: store).records(state: .approved).isEmpty {
                #expect(failed.status == 1, "\(failed.errors) \(harness.context)")
                #expect(failed.errors.contains("I/O") || failed.errors.contains("Input/output"), "\(failed.errors) \(harness.context)")
            }
            try crash.expectLedgerMatchesContent(store: store, content: content, harness: harness)
        }
        let resumed = try harness.run(publish)
        #expect(resumed.status == 0, "\(resumed.errors) \(harness.context)")
        let published = try crash.expectLedgerMatchesContent(store: store, content: content, harness: harness, complete: true)
        #expect(published == ids, harness.context)
    }
}
