import Foundation
import Testing
import SluiceCore
import SluiceIntake
import SluiceTestSupport

@Suite struct SubmissionValidatorTests {
    let validator = SubmissionValidator()

    func refusal(url: String?, note: String? = nil, volunteer: String = "小明") -> IntakeError? {
        do throws(IntakeError) {
            _ = try validator.validate(url: url, note: note, volunteer: volunteer, source: "test")
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsLinksNotesAndChineseURLs() throws {
        let link = try validator.validate(url: " https://zhuanlan.zhihu.com/p/6123?utm_source=wx ", note: "  值得一看 ",
                                          volunteer: " 小明 ", source: "cli")
        #expect(link.url == "https://zhuanlan.zhihu.com/p/6123?utm_source=wx")
        #expect(link.note == "值得一看")
        #expect(link.volunteer == "小明")
        let noteOnly = try validator.validate(url: nil, note: "闲鱼转卖教材，一学期赚了两千", volunteer: "阿强", source: "cli")
        #expect(noteOnly.url == nil)
        let chinesePath = try validator.validate(url: "https://baike.example.com/item/淘宝客", note: nil, volunteer: "a", source: "cli")
        #expect(chinesePath.url == "https://baike.example.com/item/%E6%B7%98%E5%AE%9D%E5%AE%A2")
        #expect(try validator.validate(url: "http://1.2.3.4:8080/x", note: nil, volunteer: "a", source: "cli").url
                == "http://1.2.3.4:8080/x")
    }

    @Test func refusesOtherSchemes() {
        for url in ["ftp://example.com/a", "javascript:alert(1)", "file:///etc/passwd", "gopher://x/"] {
            guard case .unsupportedScheme = refusal(url: url) else {
                Issue.record("\(url) was not refused for its scheme")
                continue
            }
        }
    }

    @Test func refusesURLsWithoutHostOrWithBadSyntax() {
        let cases: [(String, String)] = [
            ("https://", "no host"), ("example.com/page", "no scheme"),
            ("https://exa mple.com/", "cannot hold"), ("https://user:pw@example.com/", "user name"),
            ("https://example.com:99999/", "port"), ("https://example.com:8o/", "port"),
            ("http://foo.1.2.3.4/", "not a valid IPv4 address"), ("http://256.1.1.1/", "not a valid IPv4 address"),
            ("https://a..b/", "empty label"), ("https://exa\u{202E}mple.com/", "control or invisible"),
            ("https://example.com/a\u{85}b", "control or invisible character U+0085"),
            ("https://-example.com/", "hyphen"), ("https://example-.com/", "hyphen"),
            ("https://xn--/", "international domain label"), ("https://xn--zz/", "international domain label"),
            ("https://a_b!.com/", "cannot hold"), ("http://[::1/", "IPv6"),
            ("https://" + String(repeating: "a", count: 64) + ".com/", "63 bytes"),
        ]
        for (url, reason) in cases {
            guard case .invalidURL(let echoed, let why) = refusal(url: url) else {
                Issue.record("\(url) was accepted")
                continue
            }
            #expect(echoed == url)
            #expect(why.contains(reason), "\(url): \(why)")
        }
    }

    /// The URL stored is the one parser's serialization: what every later stage reads, fetches and shows.
    @Test(arguments: [
        ("https://例子。测试/", "https://xn--fsqu00a.xn--0zwm56d/"),
        ("https://中国．公司/", "https://xn--fiqs8s.xn--55qx5d/"),
        ("https://例子｡测试/文章", "https://xn--fsqu00a.xn--0zwm56d/%E6%96%87%E7%AB%A0"),
        ("https://example.com./a", "https://example.com./a"),
        ("http://１２７.０.０.１/", "http://127.0.0.1/"),
        ("http://①②⑦.⓪.⓪.①/", "http://127.0.0.1/"),
        ("http://ｌｏｃａｌｈｏｓｔ/", "http://localhost/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("http://0x7f.0.0.1/", "http://127.0.0.1/"),
        ("https://[2001:DB8::1]/x", "https://[2001:db8::1]/x"),
        ("https://example.com\\a\\b", "https://example.com/a/b"),
        ("HTTPS://Example.COM:443/a/../b c", "https://example.com/b%20c"),
    ])
    func storesTheParsedForm(input: String, stored: String) throws {
        #expect(try validator.validate(url: input, note: nil, volunteer: "a", source: "cli").url == stored)
    }

    @Test func refusesEmptyAndOverlongFields() {
        #expect(refusal(url: "https://a.com/", volunteer: "  ") == .emptyVolunteer)
        #expect(refusal(url: nil, note: "   ") == .emptySubmission)
        #expect(refusal(url: "https://a.com/" + String(repeating: "x", count: 2100)) == .urlTooLong(length: 2114, limit: 2048))
        #expect(refusal(url: nil, note: String(repeating: "赚", count: 4001)) == .noteTooLong(length: 4001, limit: 4000))
        #expect(refusal(url: nil, note: "x", volunteer: String(repeating: "名", count: 65)) == .volunteerTooLong(length: 65, limit: 64))
    }

    @Test func messagesNameTheInputWithoutEchoingControls() {
        let error = refusal(url: "ftp://evil.example/\u{1B}[2J")
        #expect(error?.description.contains("ftp://evil.example/\\u{1b}[2J") == true)
        #expect(error?.description.contains("\u{1B}") == false)
    }
}

@Suite struct BatchImporterTests {
    let directory = TemporaryDirectory("import")

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = directory.path(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    @Test func jsonlReportsEachBadLineAndKeepsTheGoodOnes() throws {
        var bytes = Array("""
            {"url":"https://www.36kr.com/p/1","note":"AI 副业","volunteer":"小明"}
            {"url":"ftp://x.com/","volunteer":"小明"}
            not json

            {"note":"拼多多店铺起步经验","volunteer":"阿强"}
            {"url":"https://a.com/","volunteer":"小明","extra":1}

            """.utf8)
        bytes += [0x7B, 0x22, 0x6E, 0x6F, 0x74, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D, 0x0A]
        let lines = try BatchImporter().read(path: write("batch.jsonl", bytes))
        #expect(lines.map(\.line) == [1, 2, 3, 5, 6, 7])
        let good = lines.compactMap { try? $0.result.get() }
        #expect(good.map(\.volunteer) == ["小明", "阿强"])
        #expect(good.first?.source == "batch.jsonl:1")
        let errors = lines.compactMap { line -> String? in
            if case .failure(let error) = line.result { return "\(line.line): \(error)" }
            return nil
        }
        #expect(errors.count == 4)
        #expect(errors[0].hasPrefix("2: ") && errors[0].contains("only http and https"))
        #expect(errors[1] == "3: not a JSON object")
        #expect(errors[2].contains("unknown key \"extra\""))
        #expect(errors[3] == "7: the text is not valid UTF-8")
    }

    @Test func csvWithQuotedFieldsAndHeader() throws {
        let path = write("batch.csv", """
            volunteer,url,note
            小明,https://item.taobao.com/item.htm?id=1,"淘宝客, 返利 ""高佣"" 技巧"
            阿强,,只有笔记
            坏行,https://a.com/
            """)
        let lines = try BatchImporter().read(path: path)
        let first = try lines[0].result.get()
        #expect(first.note == "淘宝客, 返利 \"高佣\" 技巧")
        #expect(try lines[1].result.get().url == nil)
        guard case .failure(.malformedLine(let reason)) = lines[2].result else {
            Issue.record("short CSV row accepted")
            return
        }
        #expect(reason.contains("2 fields where the header has 3"))
        #expect(throws: ImportFileError.self) { try BatchImporter().read(path: write("bad.csv", "link,comment\nx,y\n")) }
    }

    @Test func textLinesTakeTheVolunteerFromTheCommandLine() throws {
        let path = write("links.txt", "https://www.sohu.com/a/1  搜狐上的一篇 闲鱼 教程\nhttps://www.163.com/dy/article/2.html\n")
        let lines = try BatchImporter(defaultVolunteer: "小红").read(path: path)
        let submissions = try lines.map { try $0.result.get() }
        #expect(submissions.map(\.note) == ["搜狐上的一篇 闲鱼 教程", nil])
        #expect(submissions.allSatisfy { $0.volunteer == "小红" })
        let anonymous = try BatchImporter().read(path: path)
        #expect(anonymous.allSatisfy { if case .failure(.emptyVolunteer) = $0.result { true } else { false } })
    }

    @Test func unknownFormatsAndMissingFilesAreNamed() {
        #expect(throws: ImportFileError(file: directory.path("x.xlsx"), reason: "cannot read the file")) {
            try BatchImporter().read(path: directory.path("x.xlsx"))
        }
        let path = write("x.xlsx", "a")
        #expect(throws: ImportFileError(file: path, reason: "is not an .xlsx workbook (no ZIP archive inside)")) {
            try BatchImporter().read(path: path)
        }
    }
}
