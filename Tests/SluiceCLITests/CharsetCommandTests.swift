import Foundation
import Testing
import SluiceCLI
import SluiceTestSupport

/// `sluice eval charset` on a corpus made here, on an empty directory, and on the shared corpus.
@Suite struct CharsetCommandTests {
    let directory = TemporaryDirectory("charset-eval")

    func sluice(_ arguments: [String]) -> (Int32, Console) {
        let console = Console.capturing()
        return (Command.run(arguments: arguments, console: console, environment: [:]), console)
    }

    /// 闲鱼卖二手书的复盘，小区团购团长一个月多赚一千元。 in GBK.
    static let sentenceInGBK = "cfd0d3e3c2f4b6fecad6cae9b5c4b8b4c5cca3acd0a1c7f8cdc5b9bacdc5b3a4d2bbb8f6d4c2b6e0d7acd2bbc7a7d4aaa1a3"

    static func bytes(_ hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return data
    }

    /// One undeclared GBK page and one UTF-8 page that claims to be GBK, with their ground truth.
    func makeCorpus() throws -> String {
        let set = directory.url.appendingPathComponent("made-here")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        let text = String(repeating: "闲鱼卖二手书的复盘，小区团购团长一个月多赚一千元。", count: 4)
        let page = "<html><head><title>闲鱼卖二手书的复盘</title></head><body><p>\(text)</p></body></html>"
        var gbk = Data("<html><head><title>".utf8) + Self.bytes("cfd0d3e3c2f4b6fecad6cae9b5c4b8b4c5cc")
        gbk += Data("</title></head><body><p>".utf8)
        for _ in 0..<4 { gbk += Self.bytes(Self.sentenceInGBK) }
        gbk += Data("</p></body></html>".utf8)
        try gbk.write(to: set.appendingPathComponent("gbk-undeclared.html"))
        try Data(#"{"encoding": "GB18030", "body": "\#(text)"}"#.utf8).write(to: set.appendingPathComponent("gbk-undeclared.json"))
        let lying = page.replacingOccurrences(of: "<head>", with: "<head><meta charset=\"gbk\">")
        try Data(lying.utf8).write(to: set.appendingPathComponent("utf8-says-gbk.html"))
        try Data(#"{"encoding": "utf-8", "declared_charset": "gbk", "body": "\#(text)"}"#.utf8)
            .write(to: set.appendingPathComponent("utf8-says-gbk.json"))
        return directory.url.path
    }

    @Test func measuresACorpusAsJSON() throws {
        let corpus = try makeCorpus()
        let (status, console) = sluice(["eval", "charset", corpus, "--set", "made-here", "--json"])
        #expect(status == 0, "\(console.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        let sets = try #require(report["sets"] as? [[String: Any]])
        #expect(sets.count == 1)
        #expect(sets.first?["set"] as? String == "made-here")
        #expect(sets.first?["pages"] as? Int == 2)
        #expect(sets.first?["body_prefix_found"] as? Int == 2)
        let pages = try #require(report["pages"] as? [[String: Any]])
        let gbk = try #require(pages.first { $0["id"] as? String == "gbk-undeclared" })
        #expect(gbk["decoded_charset"] as? String == "gb18030")
        #expect(gbk["charset_correct"] as? Bool == true)
        #expect((report["bytes"] as? Int ?? 0) > 0)
    }

    @Test func printsATableAndTheDefaultSelectionKeepsOnlyLyingDeclarations() throws {
        let corpus = try makeCorpus()
        let (status, console) = sluice(["eval", "charset", corpus])
        #expect(status == 0, "\(console.errors)")
        let row = try #require(console.output.split(separator: "\n").first { $0.hasPrefix("made-here") })
        #expect(row.split(separator: " ").dropFirst().first == "1", "only the page whose declaration lies: \(row)")
        #expect(console.output.contains("decoding "))
    }

    @Test func refusesADirectoryWithoutPagesAndNamesIt() {
        let (status, console) = sluice(["eval", "charset", directory.url.path])
        #expect(status == 1)
        #expect(console.errors.contains(directory.url.path))
        let (missing, missingConsole) = sluice(["eval", "charset", directory.path("absent")])
        #expect(missing == 1)
        #expect(missingConsole.errors.contains("absent"))
        #expect(sluice(["eval", "nothing"]).0 == 2)
        #expect(sluice(["eval", "charset", "--help"]).1.output.contains("usage: sluice eval charset"))
    }

    @Test(.enabled(if: SharedCorpus.directory != nil, Comment(rawValue: SharedCorpus.skipMessage)))
    func measuresTheSharedCorpus() throws {
        let corpus = try #require(SharedCorpus.directory)
        let (status, console) = sluice(["eval", "charset", corpus.path, "--set", "chardet-encodings", "--json"])
        #expect(status == 0, "\(console.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(console.output.utf8)) as? [String: Any])
        let figures = try #require((report["sets"] as? [[String: Any]])?.first)
        let truths = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent("chardet-encodings").path)
            .filter { $0.hasSuffix(".json") }
        #expect(figures["pages"] as? Int == truths.count)
        let correct = figures["charset_correct"] as? Int ?? 0
        #expect(correct * 10 >= truths.count * 9, "charset right on \(correct) of \(truths.count) pages")
    }
}
