import SluiceCore
import Foundation
import Testing
import SluicePublish

/// Prints figures, asserts none: speed is shown as ratios to a reference measured in the same run.
/// Run with `SLUICE_BENCH=1 swift test -c release --filter SluicePublishTests.Benchmarks`.
@Suite("Benchmarks", .serialized)
struct Benchmarks {
    static let enabled = ProcessInfo.processInfo.environment["SLUICE_BENCH"] != nil

    private func seconds(_ work: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func report(_ line: String) {
        print("BENCH " + line)
    }

    @Test(.enabled(if: enabled, "set SLUICE_BENCH=1 to run benchmarks"))
    func sha256AgainstCoreutils() throws {
        let size = 64 << 20
        let data = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        var ours = ""
        let ourTime = seconds { ours = SHA256.hex(data) }
        guard let tool = Tool.find("sha256sum") else { report("sha256sum missing: no reference"); return }
        let scratch = try TemporaryDirectory()
        let file = scratch.url.appendingPathComponent("data")
        try data.write(to: file)
        var output: Tool.Output?
        let referenceTime = try seconds { output = try Tool.run(tool, arguments: [file.path], input: Data()) }
        let reference = String(decoding: output?.stdout ?? Data(), as: UTF8.self).prefix(64)
        #expect(ours == String(reference))
        let mib = Double(size) / 1_048_576
        report(String(format: "sha256 %.0f MiB: ours %.0f MiB/s, sha256sum on a cached file (incl. process start) %.0f MiB/s, ratio ours/sha256sum %.2f",
                      mib, mib / ourTime, mib / referenceTime, referenceTime / ourTime))
    }

    @Test(.enabled(if: enabled, "set SLUICE_BENCH=1 to run benchmarks"))
    func renderingAgainstPlainJSONEncoding() throws {
        var column = Fixtures.sample()
        let template = Fixtures.sampleItems + Fixtures.hostile().items
        column.items = (0..<2_000).map { index in
            var item = template[index % template.count]
            item.id = Int64(10_000 + index)
            item.title += " 第\(index)条"
            item.summary = String(repeating: "这是一段关于副业和电商选品的摘要，长度接近真实条目。", count: 4)
            return item
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let reference = try seconds { for _ in 0..<3 { _ = try encoder.encode(column) } } / 3
        report(String(format: "reference JSONEncoder of the Column (2000 items): %.1f ms", reference * 1000))
        for format in ColumnFormat.allCases {
            var bytes = 0
            let time = try seconds { for _ in 0..<3 { bytes = try ColumnRenderer.render(column, as: format).utf8.count } } / 3
            report(String(format: "render %@ (2000 items, %d KiB): %.1f ms, ratio to reference %.2f",
                          format.rawValue, bytes / 1024, time * 1000, time / reference))
        }
    }

    @Test(.enabled(if: enabled, "set SLUICE_BENCH=1 to run benchmarks"))
    func atomicWritesAgainstPlainWrites() throws {
        let scratch = try TemporaryDirectory()
        let content = ContentDirectory(root: scratch.url.appendingPathComponent("content"))
        let items = (0..<300).map { index in
            var item = Fixtures.sampleItems[index % Fixtures.sampleItems.count]
            item.id = Int64(index)
            return item
        }
        let plainDirectory = scratch.url.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plainDirectory, withIntermediateDirectories: true)
        let plain = try seconds {
            for item in items {
                try Data(item.title.utf8).write(to: plainDirectory.appendingPathComponent("\(item.id).md"))
            }
        }
        let atomic = try seconds {
            for item in items { _ = try content.write(item, slug: "s", month: "2026-11", evidenceText: item.summary) }
        }
        let unchanged = try seconds {
            for item in items { _ = try content.write(item, slug: "s", month: "2026-11", evidenceText: item.summary) }
        }
        report(String(format: "content write of %d items: atomic+fsync %.2f ms/item, unchanged rewrite %.3f ms/item, plain Data.write %.3f ms/item, atomic/plain %.1f",
                      items.count, atomic * 1000 / Double(items.count), unchanged * 1000 / Double(items.count),
                      plain * 1000 / Double(items.count), atomic / plain))
    }
}
