import Foundation
import Synchronization
import Testing
import SluiceCLI
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// `sluice recheck` asks conditionally with the validators of the stored capture; a 304 means alive.
@Suite struct RecheckConditionalTests {
    let directory = TemporaryDirectory("recheck")
    let pipeline = SharedCorpus.packageRoot.appendingPathComponent("pipelines/default.json").path

    @discardableResult
    func sluice(_ arguments: [String], expect status: Int32 = 0) -> Console {
        let console = Console.capturing()
        let result = Command.run(arguments: arguments + ["--store", directory.path("s.db")], console: console, environment: [:])
        #expect(result == status, "sluice \(arguments.joined(separator: " ")): \(console.errors)")
        return console
    }

    @Test func unchangedSourceAnswers304AndStaysAlive() throws {
        let seenConditions = Mutex<[String]>([])
        let page = try TestHTTPReply.html(DistinctPages.html(7, title: "闲鱼卖书复盘"))
        let server = try TestHTTPServer { request in
            guard request.path == "/article" else { return .status(404) }
            let condition = request.headers.first { $0.key.lowercased() == "if-none-match" }?.value
            seenConditions.withLock { $0.append(condition ?? "-") }
            if condition == "\"v1\"" { return .status(304) }
            var reply = page
            reply.headers.append(HTTPHeader(name: "ETag", value: "\"v1\""))
            return reply
        }
        defer { server.stop() }
        let allow = ["--allow-host", "127.0.0.1:\(server.port)"]
        sluice(["submit", server.baseURL + "/article", "--by", "小明", "--pipeline", pipeline])
        sluice(["run", "--pipeline", pipeline] + allow)
        sluice(["review", "approve", "1", "--as", "版主A"])
        sluice(["publish", "--content", directory.path("content")])
        let month = Timestamp.month(Date())
        let output = sluice(["recheck", "--month", month, "--pipeline", pipeline, "--json"] + allow).output
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        #expect(findings.first?["state"] as? String == "alive")
        #expect((findings.first?["detail"] as? String)?.contains("304") == true)
        #expect(seenConditions.withLock { $0 } == ["-", "\"v1\""])
    }
}
