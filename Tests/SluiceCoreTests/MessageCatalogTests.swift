import Foundation
import Testing
import SluiceCore
import SluiceTestSupport

@Suite struct MessageCatalogTests {
    private func catalog(_ messages: [String: String], help: [String: [String]] = [:]) throws -> MessageCatalog {
        let object: [String: Any] = ["messages": messages, "help": help]
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: object))
        return try MessageCatalog(language: .zh, files: [(name: "test.json", bytes: bytes)])
    }

    @Test func exactMessagesAndTemplatesAreTranslatedAndOthersKeptInEnglish() throws {
        let zh = try catalog([
            "no items": "没有条目",
            "unknown command \"{name}\" (see sluice --help)": "未知命令“{name}”（见 sluice --help）",
            "{file}:{line}: {reason*}": "{file} 第 {line} 行：{reason*}",
            "bad link": "链接无效",
        ])
        #expect(zh("no items") == "没有条目")
        #expect(zh("unknown command \"stats\" (see sluice --help)") == "未知命令“stats”（见 sluice --help）")
        #expect(zh("a.csv:3: bad link") == "a.csv 第 3 行：链接无效")
        #expect(zh("a.csv:3: something new") == "a.csv 第 3 行：something new")
        #expect(zh("nothing like it") == "nothing like it")
        #expect(zh("no items\nbad link") == "没有条目\n链接无效")
        #expect(MessageCatalog.english("no items") == "no items")
    }

    @Test func holesCanBeReorderedAndAValueIsNeverEmpty() throws {
        let zh = try catalog(["{count} items from {volunteer}": "{volunteer} 的 {count} 条"])
        #expect(zh("12 items from 小王") == "小王 的 12 条")
        #expect(zh(" items from 小王") == " items from 小王")
    }

    @Test func theMostSpecificTemplateWins() throws {
        let zh = try catalog([
            "{path}: {reason*}": "{path}：{reason*}",
            "{path}: cannot read the file": "{path}：无法读取文件",
        ])
        #expect(zh("pipelines/x.json: cannot read the file") == "pipelines/x.json：无法读取文件")
        #expect(zh("pipelines/x.json: odd") == "pipelines/x.json：odd")
    }

    /// A template open at both ends matches any line holding its text, so a line fixed at its ends is tried
    /// first even with less fixed text: the status line quoting an error is the status line's translation.
    @Test func aTemplateFixedAtItsEndsComesBeforeAnOpenOne() throws {
        let zh = try catalog([
            "{url} returned HTTP {status}": "{url} 返回 HTTP {status}",
            "  {stage}/{code}: {count} (e.g. {example*})": "  {stage}/{code}：{count} 条（例如：{example*}）",
        ])
        #expect(zh("  fetch/http_4xx: 1 (e.g. https://a.example/p returned HTTP 404)")
                    == "  fetch/http_4xx：1 条（例如：https://a.example/p 返回 HTTP 404）")
        #expect(zh("https://a.example/p returned HTTP 404") == "https://a.example/p 返回 HTTP 404")
    }

    /// Two templates open at both ends with the same fixed text read one message; only one of them cuts it
    /// outside its brackets.
    @Test func aHoleNeverCutsInsideBrackets() throws {
        let zh = try catalog([
            "{subject}: {reason*}": "{subject}：{reason*}",
            "{action*} #{id}": "{action*} #{id}",
            "rejected ({reason*}: {text})": "已拒绝（{reason*}：{text}）",
            "other": "其他",
        ])
        #expect(zh("rejected (other: 软文广告) #2") == "已拒绝（其他：软文广告） #2")
        #expect(zh("a.txt: rejected (other: x)") == "a.txt：已拒绝（其他：x）")
    }

    @Test func bracesThatAreNotHolesAreText() throws {
        let zh = try catalog(["one {\"url\": …} object per line": "每行一个 {\"url\": …} 对象"])
        #expect(zh("one {\"url\": …} object per line") == "每行一个 {\"url\": …} 对象")
    }

    @Test func helpPagesAreWholeTexts() throws {
        let zh = try catalog([:], help: ["review": ["用法：sluice review", "  list"]])
        #expect(zh.help("review") == "用法：sluice review\n  list")
        #expect(zh.help("status") == nil)
    }

    @Test func aMessageTranslatedTwiceIsAnError() throws {
        let one = [UInt8](#"{"messages": {"a": "甲"}}"#.utf8)
        #expect(throws: CatalogError.self) {
            try MessageCatalog(language: .zh, files: [(name: "1.json", bytes: one), (name: "2.json", bytes: one)])
        }
        #expect(throws: CatalogError.self) {
            try MessageCatalog(language: .zh, files: [(name: "bad.json", bytes: Array("{".utf8))])
        }
    }

    @Test func languageComesFromTheLocaleInForce() {
        #expect(MessageLanguage.from(environment: ["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(MessageLanguage.from(environment: ["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(MessageLanguage.from(environment: ["LC_ALL": "", "LC_MESSAGES": "zh_TW", "LANG": "en_US"]) == .zh)
        #expect(MessageLanguage.from(environment: ["LC_ALL": "fr_FR.UTF-8", "LANG": "zh_CN"]) == .en)
        #expect(MessageLanguage.from(environment: ["SLUICE_LANG": "zh", "LC_ALL": "C"]) == .zh)
        #expect(MessageLanguage.from(environment: [:]) == .en)
    }

    /// Every file in Messages/Catalog is built in, every template's Chinese form names the holes its English form
    /// has, and every English message still occurs in the code: a reworded message fails here, not in front of
    /// a moderator.
    @Test func theBuiltInCatalogMatchesTheCode() throws {
        let root = SharedCorpus.packageRoot
        let folder = root.appendingPathComponent("Sources/Core/Messages/Catalog")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        let listed = try String(contentsOf: root.appendingPathComponent("Sources/Core/Messages/BuiltInCatalog.swift"),
                                encoding: .utf8)
        for name in names {
            #expect(listed.contains("(\"\(name)\", "), "\(name) is in Messages/Catalog but not in BuiltInCatalog")
        }
        let zh = MessageCatalog.builtIn(.zh)
        #expect(!zh.englishMessages.isEmpty)
        var sources = ""
        let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent("Sources").path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            sources += try String(contentsOf: root.appendingPathComponent("Sources/\(path)"), encoding: .utf8)
        }
        let holePattern = try NSRegularExpression(pattern: #"\{[A-Za-z_]+\*?\}"#)
        func holes(_ text: String) -> Set<String> {
            let range = NSRange(text.startIndex..., in: text)
            return Set(holePattern.matches(in: text, range: range).map { (text as NSString).substring(with: $0.range) })
        }
        for english in zh.englishMessages {
            let translated = zh(english)
            if !holes(english).isEmpty {
                #expect(holes(english) == holes(translated), "holes differ: \(english) → \(translated)")
            }
            // What the code writes between the values: a Swift literal escapes quotes and backslashes.
            let pieces = holePattern.stringByReplacingMatches(in: english, range: NSRange(english.startIndex..., in: english),
                                                              withTemplate: "\u{0}")
                .split(separator: "\u{0}").map(String.init).filter { $0.count >= 6 }
            for piece in pieces {
                let inSwift = piece.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                let inSwiftLines = piece.split(separator: "\n").map { String($0) }
                let found = sources.contains(piece) || sources.contains(inSwift)
                    || (inSwiftLines.count > 1 && inSwiftLines.allSatisfy { sources.contains($0) })
                #expect(found, "\"\(piece)\" (from the catalog's \"\(english)\") is not in Sources: reworded or gone?")
            }
        }
    }
}
