import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

/// A live run's captures exported as WARC replay into a fresh store exactly as they were fetched.
@Suite struct ArchiveCommandTests {
    let directory = TemporaryDirectory("archive")
    let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    func sluice(_ arguments: [String], store: String) -> (Int32, Console) {
        let console = Console.capturing()
        let status = Command.run(arguments: arguments + ["--store", directory.path(store)], console: console, environment: [:])
        return (status, console)
    }

    @Test func exportedArchiveReplaysIntoTheSameQueue() throws {
        let gbkBody = String(repeating: "淘宝客返利群的运营经验：选品、佣金比例、群规和复购，写给刚开始做的新人。", count: 5)
        let server = try TestHTTPServer(routes: [
            "/gbk": try .html("<html><head><title>返利群运营笔记</title></head><body><article><p>\(gbkBody)</p></article></body></html>",
                              charset: "GB18030", label: "gb2312"),
            "/old": .redirect(301, to: "/gbk2"),
            "/gbk2": try .html("<html><head><title>闲鱼二手相机转卖</title></head><body><article><p>"
                               + String(repeating: "收二手相机，清洁检测后在闲鱼转卖，说明成色和快门数，单台利润两三百元。", count: 5)
                               + "</p></article></body></html>"),
        ])
        defer { server.stop() }
        for path in ["/gbk", "/old"] {
            #expect(sluice(["submit", server.baseURL + path, "--by", "小明", "--pipeline", pipeline], store: "live.db").0 == 0)
        }
        #expect(sluice(["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(server.port)"], store: "live.db").0 == 0)
        let archive = directory.path("captures.warc.gz")
        let (status, console) = sluice(["archive", "export", "--out", archive], store: "live.db")
        #expect(status == 0, "\(console.errors)")
        server.stop()

        for path in ["/gbk", "/old"] {
            #expect(sluice(["submit", server.baseURL + path, "--by", "小明", "--pipeline", pipeline], store: "replay.db").0 == 0)
        }
        #expect(sluice(["run", "--pipeline", pipeline, "--replay", archive], store: "replay.db").0 == 0)
        func titles(_ store: String) throws -> [String] {
            let output = sluice(["review", "list", "--json"], store: store).1.output
            let items = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
            return items.compactMap { $0["title"] as? String }.sorted()
        }
        let live = try titles("live.db")
        #expect(live == ["返利群运营笔记", "闲鱼二手相机转卖"])
        #expect(try titles("replay.db") == live)
    }

    @Test func warcioReadsTheExport() throws {
        guard Self.hasWarcio else {
            print("python3 with warcio is not installed: skipping the standard-reader check (scripts/setup.sh --test installs it)")
            return
        }
        let server = try TestHTTPServer(routes: ["/a": try .html("<html><head><title>a</title></head><body><p>正文</p></body></html>")])
        defer { server.stop() }
        _ = sluice(["submit", server.baseURL + "/a", "--by", "v", "--pipeline", pipeline], store: "s.db")
        _ = sluice(["run", "--pipeline", pipeline, "--allow-host", "127.0.0.1:\(server.port)"], store: "s.db")
        let archive = directory.path("a.warc.gz")
        #expect(sluice(["archive", "export", "--out", archive], store: "s.db").0 == 0)
        let script = """
            import sys
            from warcio.archiveiterator import ArchiveIterator
            with open(sys.argv[1], 'rb') as f:
                print(' '.join(sorted(r.rec_type + ':' + (r.rec_headers.get_header('WARC-Target-URI') or '') for r in ArchiveIterator(f) if r.rec_type != 'warcinfo')))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, archive]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "request:\(server.baseURL)/a response:\(server.baseURL)/a")
    }

    static let hasWarcio: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import warcio"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}
