import Foundation
import Testing
import SluiceCore
import SluiceIntake
import SluiceTestSupport

/// Volunteers answer a form (腾讯问卷, 问卷星, 金数据, a shared spreadsheet) and a coordinator imports the
/// export as it comes: CSV in UTF-8 or GBK with Chinese headers and the tools' extra columns, or .xlsx.
/// The header names come from the repository's own pipelines/import-headers.json.
@Suite("Form exports")
struct FormImportTests {
    let directory = TemporaryDirectory("form-import")
    /// 2026-11-20 12:00 UTC: every time in the files is before it.
    let now = Date(timeIntervalSince1970: 1_795_176_000)

    var importer: BatchImporter {
        get throws {
            let path = SharedCorpus.packageRoot.appendingPathComponent("pipelines/import-headers.json").path
            return BatchImporter(defaultVolunteer: "协调员", headers: try ImportHeaders.load(path: path), now: now)
        }
    }

    func write(_ name: String, _ data: Data) -> String {
        let path = directory.path(name)
        _ = FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    /// The bytes of `text` in GB18030, by glibc's iconv (libc-bin, present on every Debian system).
    func gb18030(_ text: String) throws -> Data {
        let iconv = URL(fileURLWithPath: "/usr/bin/iconv")
        try #require(FileManager.default.isExecutableFile(atPath: iconv.path), "iconv (libc-bin) is missing")
        let input = write("utf8-\(UUID().uuidString).txt", Data(text.utf8))
        let process = Process()
        process.executableURL = iconv
        process.arguments = ["-f", "UTF-8", "-t", "GB18030", input]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return data
    }

    func beijing(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.date(from: text)
    }

    /// A 问卷星-style export: numbering, the tool's own time column, source and IP, then the questions.
    static let wenjuanxing = """
        序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、链接,2、备注（选填）,昵称,微信号,提交时间
        1,2026/11/3 14:05:22,35秒,微信,N/A,"1.2.3.4(上海-上海)",https://mp.weixin.qq.com/s/Xk7qM2pLr9TbVw4nZ1aYcQ,"闲鱼无货源复盘, 三个月",阿木,amu_2026,2026/11/3 14:05:22
        2,2026/11/4 09:00:01,1分2秒,链接,N/A,5.6.7.8,,"社区团购：
        鸡蛋引流，""标品""赚钱",,xiaoman,2026-11-04 09:00
        3,2026/11/5 10:00:00,20秒,微信,N/A,9.9.9.9,,,山竹,,2026-11-05 10:00
        4,2026/11/6 10:00:00,20秒,微信,N/A,9.9.9.9,https://36kr.com/p/3012345678901234,,,,2026-11-06T02:00:00Z

        """

    @Test func chineseHeadersInUTF8WithABOMAndQuotedLineBreaks() throws {
        let path = write("问卷星.csv", Data([0xEF, 0xBB, 0xBF]) + Data(Self.wenjuanxing.utf8))
        let lines = try importer.read(path: path)
        #expect(lines.map(\.line) == [2, 3, 5, 6], "a quoted line break keeps the next record's line number right")
        let first = try lines[0].result.get()
        #expect(first.url == "https://mp.weixin.qq.com/s/Xk7qM2pLr9TbVw4nZ1aYcQ")
        #expect(first.note == "闲鱼无货源复盘, 三个月")
        #expect(first.volunteer == "阿木", "昵称 comes before 微信号 in the header file")
        #expect(first.submittedAt == beijing("2026-11-03 14:05:22"))
        #expect(first.source == "问卷星.csv:2")
        let note = try lines[1].result.get()
        #expect(note.url == nil)
        #expect(note.note?.contains("社区团购") == true && note.note?.contains("鸡蛋引流，\"标品\"赚钱") == true)
        #expect(note.volunteer == "xiaoman", "an empty 昵称 falls back to 微信号")
        #expect(note.submittedAt == beijing("2026-11-04 09:00:00"))
        guard case .failure(.emptySubmission) = lines[2].result else {
            Issue.record("a row without a link or a note was accepted: \(lines[2].result)")
            return
        }
        #expect(lines[2].location == "\(path):5")
        let utc = try lines[3].result.get()
        #expect(utc.volunteer == "协调员", "no name in the row: the --by volunteer")
        #expect(utc.submittedAt == ISO8601DateFormatter().date(from: "2026-11-06T02:00:00Z"))
    }

    @Test func gbkExportsReadTheSameAsUTF8() throws {
        let utf8 = try importer.read(path: write("utf8.csv", Data(Self.wenjuanxing.utf8)))
        let gbk = try importer.read(path: write("gbk.csv", try gb18030(Self.wenjuanxing)))
        #expect(gbk.count == utf8.count)
        for (left, right) in zip(utf8, gbk) {
            #expect(left.line == right.line)
            #expect((try? left.result.get())?.note == (try? right.result.get())?.note)
            #expect((try? left.result.get())?.volunteer == (try? right.result.get())?.volunteer)
        }
        let notText = write("binary.csv", Data([0x6C, 0x69, 0x6E, 0x6B, 0x0A, 0xFF, 0xFE, 0x80, 0xFF, 0x0A]))
        #expect {
            try importer.read(path: notText)
        } throws: { error in
            (error as? ImportFileError)?.reason.contains("neither UTF-8 nor GBK/GB18030") == true
        }
    }

    @Test func anUnknownHeaderSetIsOneErrorNamingWhatWasFoundAndWhatIsAccepted() throws {
        for (name, text, says) in [("other.csv", "问题1,问题2\na,b\n", "does not know: \"问题1\", \"问题2\""),
                                   ("extras.csv", "序号,来自IP\n1,1.2.3.4\n", "names neither a link nor a note")] {
            do {
                _ = try importer.read(path: write(name, Data(text.utf8)))
                Issue.record("\(name) was accepted")
            } catch let error as ImportFileError {
                #expect(error.reason.contains(says), "\(error)")
                #expect(error.reason.contains("columns found: \"\(text.prefix { $0 != "," })\""), "\(error)")
                #expect(error.reason.contains("accepted: link 链接/网址/URL/link"), "\(error)")
                #expect(error.reason.contains("note 备注/说明/内容/note"), "\(error)")
            }
        }
    }

    @Test func badTimesAndUnclosedQuotesAreNamed() throws {
        let lines = try importer.read(path: write("times.csv", Data("""
            链接,提交时间
            https://a.example/1,昨天
            https://a.example/2,2026/02/30 10:00
            https://a.example/3,2030-01-01 00:00
            https://a.example/4,1999-12-31 23:00
            https://a.example/5,
            https://a.example/6,2026年11月3日 8:05
            """.utf8)))
        let reasons = lines.map { line -> String in
            if case .failure(let error) = line.result { return error.description }
            return "ok"
        }
        #expect(reasons[0].contains("\"昨天\" is not a time"))
        #expect(reasons[1].contains("is not a time"), "February has no 30th")
        #expect(reasons[2].contains("after the import") && reasons[3].contains("before 2000"))
        #expect(try reasons[4] == "ok" && lines[4].result.get().submittedAt == nil, "an empty time means now")
        #expect(try lines[5].result.get().submittedAt == beijing("2026-11-03 08:05:00"))
        #expect {
            try importer.read(path: write("open.csv", Data("链接,备注\nhttps://a.example/,\"没有结束\n的引号\n".utf8)))
        } throws: { error in
            (error as? ImportFileError)?.reason == "line 2: a quoted field is never closed (a \" is missing)"
        }
    }

    // MARK: - .xlsx

    /// A 腾讯问卷-style sheet: a blank first row, shared and inline strings, a QQ number as a number, 提交时间
    /// as an Excel serial day, cells left out.
    static let sheet: [[XLSXWriter.Cell]] = [
        [.shared("序号"), .shared("提交时间"), .shared("网址"), .shared("说明"), .shared("提交人"), .shared("来自IP")],
        [.number("1"), .number("46329.5869212963"), .shared("https://zhuanlan.zhihu.com/p/1871234567890123456"),
         .inline("AI 接单做 PPT\n一个月的收入记录"), .shared("橙子"), .shared("1.2.3.4")],
        [.number("2"), .number("46330"), .empty, .inline("QQ群 123456789 里的拼多多经验"), .number("10086"), .empty],
        [.empty, .empty, .empty, .empty, .empty, .empty],
        [.number("3"), .number("46331.25"), .empty, .empty, .shared("空行"), .empty],
    ]

    @Test(arguments: [false, true])
    func ourOwnWorkbooksReadCellByCell(deflated: Bool) throws {
        let entries = XLSXWriter.workbook(Self.sheet, firstRow: 2, absoluteTargets: deflated)
        let data = try ZipWriter.archive(entries, deflate: deflated ? { try RawDeflate.deflate($0) } : nil)
        let path = write("腾讯问卷.xlsx", data)
        let lines = try importer.read(path: path)
        #expect(lines.map(\.line) == [3, 4, 6], "sheet row numbers; the empty row 5 is skipped")
        let first = try lines[0].result.get()
        #expect(first.url == "https://zhuanlan.zhihu.com/p/1871234567890123456")
        #expect(first.note == TextCleaning.paragraphs("AI 接单做 PPT\n一个月的收入记录", limit: Int.max))
        #expect(first.volunteer == "橙子")
        #expect(first.submittedAt == beijing("2026-11-03 14:05:10"), "serial 46329.5869212963")
        #expect(first.source == "腾讯问卷.xlsx:3")
        let second = try lines[1].result.get()
        #expect(second.url == nil && second.volunteer == "10086", "a number cell reads as its digits")
        #expect(second.submittedAt == beijing("2026-11-04 00:00:00"))
        guard case .failure(.emptySubmission) = lines[2].result else {
            Issue.record("a row without a link or note was accepted")
            return
        }
        #expect(lines[2].location == "\(path):6")
    }

    @Test func the1904DateSystemShiftsSerialDays() throws {
        let rows: [[XLSXWriter.Cell]] = [[.inline("链接"), .inline("提交时间")], [.inline("https://a.example/"), .number("44867.5")]]
        let data = ZipWriter.archive(XLSXWriter.workbook(rows, uses1904Dates: true))
        let line = try #require(try importer.read(path: write("mac.xlsx", data)).first)
        #expect(try line.result.get().submittedAt == beijing("2026-11-03 12:00:00"))
    }

    /// openpyxl writes what Excel writes (shared strings, a styles part, dates as styled serial numbers);
    /// the test skips where it is not installed (scripts/setup.sh --test installs it).
    @Test func openpyxlWorkbooksWithChineseHeaders() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        guard let python = path.split(separator: ":").map({ "\($0)/python3" }).first(where: FileManager.default.isExecutableFile) else {
            print("python3 is not installed: skipping the openpyxl workbook")
            return
        }
        let workbook = directory.path("金数据.xlsx")
        let script = """
            import sys, datetime
            try:
                import openpyxl
            except ImportError:
                sys.exit(3)
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "表单数据"
            sheet.append(["序号", "链接", "内容", "微信号", "提交时间", "来源"])
            sheet.append([1, "https://www.sohu.com/a/1", "搜狐上的闲鱼教程，\\n两段", "wx_小明", datetime.datetime(2026, 11, 3, 14, 5, 22), "微信"])
            sheet.append([2, None, "只有笔记：小区团购", 13800138000, "2026-11-04 09:30", None])
            sheet.append([3, None, None, "无内容", None, None])
            book.create_sheet("其他").append(["不读"])
            book.save(sys.argv[1])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, workbook]
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus == 3 {
            print("Python's openpyxl is not installed (pip install openpyxl): skipping the openpyxl workbook")
            return
        }
        try #require(process.terminationStatus == 0, "openpyxl failed")
        let lines = try importer.read(path: workbook)
        #expect(lines.map(\.line) == [2, 3, 4])
        let first = try lines[0].result.get()
        #expect(first.url == "https://www.sohu.com/a/1" && first.volunteer == "wx_小明")
        #expect(first.note == TextCleaning.paragraphs("搜狐上的闲鱼教程，\n两段", limit: Int.max))
        #expect(first.submittedAt == beijing("2026-11-03 14:05:22"))
        let second = try lines[1].result.get()
        #expect(second.volunteer == "13800138000" && second.submittedAt == beijing("2026-11-04 09:30:00"))
        guard case .failure(.emptySubmission) = lines[2].result else {
            Issue.record("a row without a link or note was accepted")
            return
        }
    }

    // MARK: - Hostile and damaged archives

    func refusal(_ data: Data, limits: ZipLimits = ZipLimits()) throws -> String {
        var importer = try importer
        importer.zipLimits = limits
        do {
            _ = try importer.read(path: write("hostile-\(UUID().uuidString).xlsx", data))
            return "accepted"
        } catch let error as ImportFileError {
            return error.reason
        }
    }

    var goodEntries: [ZipWriter.Entry] {
        XLSXWriter.workbook([[.inline("链接")], [.inline("https://a.example/")]])
    }

    @Test func zipBombsAreRefusedBeforeTheyInflate() throws {
        // 16 MiB of one byte deflates to about 16 KiB: a thousand times, past the ratio cap; declared as
        // 200 MiB it is past the entry cap before a byte is inflated.
        let bomb = Data(count: 16 << 20)
        var entries = goodEntries
        entries[4] = ZipWriter.Entry(name: "xl/worksheets/sheet1.xml", data: bomb, declaredCRC: RawDeflate.crc32(bomb))
        let archive = try ZipWriter.archive(entries) { try RawDeflate.deflate($0) }
        #expect(archive.count < 1 << 20)
        #expect(try refusal(archive).contains("would inflate 1"), "ratio")
        #expect(try refusal(archive).contains("refused as a zip bomb"))
        entries[4].declaredSize = 200 << 20
        #expect(try refusal(ZipWriter.archive(entries) { try RawDeflate.deflate($0) })
                .contains("would inflate to \(200 << 20) bytes (at most \(64 << 20))"))
        // A header that understates the size: inflating stops one byte past what it declares.
        let understated = Data(count: 4 << 20)
        entries[4] = ZipWriter.Entry(name: "xl/worksheets/sheet1.xml", data: understated, declaredSize: 1000,
                                     declaredCRC: RawDeflate.crc32(understated))
        #expect(try refusal(ZipWriter.archive(entries) { try RawDeflate.deflate($0) })
                .contains("inflates to more than the 1000 bytes it declares"))
    }

    @Test func pathTraversalEncryptionAndDamageAreNamed() throws {
        for name in ["../../etc/passwd", "/etc/passwd", "xl\\..\\x.xml", "C:/x.xml", "xl/../../x"] {
            let archive = ZipWriter.archive(goodEntries + [ZipWriter.Entry(name: name, data: Data("x".utf8))])
            #expect(try refusal(archive).contains("a path outside the archive"), "\(name)")
        }
        var encrypted = goodEntries
        encrypted[4].flags = 1
        #expect(try refusal(ZipWriter.archive(encrypted)).contains("encrypted"))
        var corrupted = goodEntries
        corrupted[4].declaredCRC = 0x1234_5678
        #expect(try refusal(ZipWriter.archive(corrupted)).contains("fails its CRC-32 check"))
        let whole = ZipWriter.archive(goodEntries)
        #expect(try refusal(whole.prefix(whole.count - 30)).contains("no end-of-central-directory record"))
        #expect(try refusal(Data("PK\u{3}\u{4}".utf8) + Data(count: 40)).contains("no end-of-central-directory record"))
        let duplicated = ZipWriter.archive(goodEntries + [goodEntries[4]])
        #expect(try refusal(duplicated).contains("two entries named"))
        var missingSheet = goodEntries
        missingSheet.remove(at: 4)
        #expect(try refusal(ZipWriter.archive(missingSheet)).contains("does not hold"))
        var badXML = goodEntries
        badXML[4].data = Data("<worksheet><sheetData><row>".utf8)
        #expect(try refusal(ZipWriter.archive(badXML)).contains("not well-formed XML at line 1"))
        var entity = goodEntries
        entity[4].data = Data(#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet>&a;</worksheet>"#.utf8)
        #expect(try refusal(ZipWriter.archive(entity)).contains("declares a DTD"))
        #expect(try refusal(Data("not a zip".utf8)).contains("not an .xlsx workbook"))
        let legacy = write("old.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + Data(count: 512))
        #expect(throws: ImportFileError(file: legacy, reason: "is an Excel 97-2003 .xls file: save it as .xlsx or \"CSV UTF-8\" and import again")) {
            try importer.read(path: legacy)
        }
    }

    @Test func theHeaderFileIsCheckedWhenLoaded() throws {
        let clash = #"{"url": ["链接"], "note": ["备注", "链接"]}"#
        #expect(throws: ConfigurationError.self) { try StrictJSON.decode(ImportHeaders.self, from: Data(clash.utf8), file: "h.json") }
        let unknown = #"{"url": ["链接"], "note": ["备注"], "comment": ["评论"]}"#
        #expect(throws: ConfigurationError(file: "h.json", key: "comment", reason: "unknown key")) {
            try StrictJSON.decode(ImportHeaders.self, from: Data(unknown.utf8), file: "h.json")
        }
    }
}
