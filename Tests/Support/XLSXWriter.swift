import Foundation

/// A minimal writer of ZIP archives and `.xlsx` workbooks, so import tests always have spreadsheets to
/// read (openpyxl adds others where it is installed) and can build the damaged and hostile archives a
/// real tool never writes. Entries are stored unless a `deflate` function is given.
public enum ZipWriter {
    /// One entry; `declaredSize`, `declaredCRC` and `flags` default to the truth and are set by tests that
    /// build a lying archive.
    public struct Entry {
        public var name: String
        public var data: Data
        public var declaredSize: Int?
        public var declaredCRC: UInt32?
        public var flags: UInt16 = 0

        public init(name: String, data: Data, declaredSize: Int? = nil, declaredCRC: UInt32? = nil, flags: UInt16 = 0) {
            self.name = name
            self.data = data
            self.declaredSize = declaredSize
            self.declaredCRC = declaredCRC
            self.flags = flags
        }
    }

    public static func archive(_ entries: [Entry], deflate: ((Data) throws -> Data)? = nil) rethrows -> Data {
        var body = Data()
        var directory = Data()
        for entry in entries {
            let stored = try deflate.map { try $0(entry.data) } ?? entry.data
            let method: UInt16 = deflate == nil ? 0 : 8
            let crc = entry.declaredCRC ?? CRC32.checksum(entry.data)
            let size = UInt32(entry.declaredSize ?? entry.data.count)
            let name = Data(entry.name.utf8)
            let offset = UInt32(body.count)
            var local = Data()
            local.append(le32: 0x0403_4B50); local.append(le16: 20); local.append(le16: entry.flags | 0x0800)
            local.append(le16: method); local.append(le16: 0); local.append(le16: 0x5A21)
            local.append(le32: crc); local.append(le32: UInt32(stored.count)); local.append(le32: size)
            local.append(le16: UInt16(name.count)); local.append(le16: 0)
            body += local + name + stored
            var central = Data()
            central.append(le32: 0x0201_4B50); central.append(le16: 0x0314); central.append(le16: 20)
            central.append(le16: entry.flags | 0x0800); central.append(le16: method); central.append(le16: 0)
            central.append(le16: 0x5A21); central.append(le32: crc); central.append(le32: UInt32(stored.count))
            central.append(le32: size); central.append(le16: UInt16(name.count)); central.append(le16: 0)
            central.append(le16: 0); central.append(le16: 0); central.append(le16: 0); central.append(le32: 0)
            central.append(le32: offset)
            directory += central + name
        }
        var end = Data()
        end.append(le32: 0x0605_4B50); end.append(le16: 0); end.append(le16: 0)
        end.append(le16: UInt16(entries.count)); end.append(le16: UInt16(entries.count))
        end.append(le32: UInt32(directory.count)); end.append(le32: UInt32(body.count)); end.append(le16: 0)
        return body + directory + end
    }
}

/// Workbooks as Excel and the form tools lay them out: content types, package and workbook
/// relationships, one sheet, shared strings.
public enum XLSXWriter {
    public enum Cell: Sendable {
        case shared(String)
        case inline(String)
        case number(String)
        case boolean(Bool)
        case empty
    }

    /// `rows[i]` is sheet row `firstRow + i`; `.empty` cells are left out of the XML, as Excel does.
    public static func workbook(_ rows: [[Cell]], firstRow: Int = 1, uses1904Dates: Bool = false,
                                absoluteTargets: Bool = false) -> [ZipWriter.Entry] {
        var strings: [String] = []
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (offset, row) in rows.enumerated() {
            let number = firstRow + offset
            sheet += "<row r=\"\(number)\">"
            for (column, cell) in row.enumerated() {
                let reference = columnName(column) + "\(number)"
                switch cell {
                case .shared(let text):
                    sheet += "<c r=\"\(reference)\" t=\"s\"><v>\(strings.count)</v></c>"
                    strings.append(text)
                case .inline(let text):
                    sheet += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                case .number(let value):
                    sheet += "<c r=\"\(reference)\"><v>\(value)</v></c>"
                case .boolean(let value):
                    sheet += "<c r=\"\(reference)\" t=\"b\"><v>\(value ? 1 : 0)</v></c>"
                case .empty:
                    break
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let shared = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
            + #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(strings.count)">"#
            + strings.map { "<si><t xml:space=\"preserve\">\(escape($0))</t></si>" }.joined() + "</sst>"
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let prefix = absoluteTargets ? "/xl/" : ""
        return [
            ZipWriter.Entry(name: "[Content_Types].xml", data: Data("""
                <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
                </Types>
                """.utf8)),
            ZipWriter.Entry(name: "_rels/.rels", data: Data("""
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="\(relations)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """.utf8)),
            ZipWriter.Entry(name: "xl/workbook.xml", data: Data("""
                <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(main)" xmlns:r="\(relations)">\
                <workbookPr\(uses1904Dates ? " date1904=\"1\"" : "")/><sheets>\
                <sheet name="问卷结果" sheetId="1" r:id="rId1"/><sheet name="第二页" sheetId="2" r:id="rId9"/></sheets></workbook>
                """.utf8)),
            ZipWriter.Entry(name: "xl/_rels/workbook.xml.rels", data: Data("""
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="\(relations)/worksheet" Target="\(prefix)worksheets/sheet1.xml"/>\
                <Relationship Id="rId9" Type="\(relations)/worksheet" Target="\(prefix)worksheets/sheet2.xml"/>\
                <Relationship Id="rId2" Type="\(relations)/sharedStrings" Target="\(prefix)sharedStrings.xml"/></Relationships>
                """.utf8)),
            ZipWriter.Entry(name: "xl/worksheets/sheet1.xml", data: Data(sheet.utf8)),
            ZipWriter.Entry(name: "xl/worksheets/sheet2.xml", data: Data("""
                <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\(main)"><sheetData><row r="1">\
                <c r="A1" t="inlineStr"><is><t>第二页不导入</t></is></c></row></sheetData></worksheet>
                """.utf8)),
            ZipWriter.Entry(name: "xl/sharedStrings.xml", data: Data(shared.utf8)),
        ]
    }

    /// "A", …, "Z", "AA", … for a zero-based column.
    public static func columnName(_ column: Int) -> String {
        var name = ""
        var rest = column + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            rest = (rest - 1) / 26
        }
        return name
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// CRC-32 (the ZIP polynomial, reflected 0xEDB88320), written out here so the writer needs no library.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ data: Data) -> UInt32 {
        ~data.reduce(UInt32.max) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }
}

extension Data {
    mutating func append(le16 value: UInt16) {
        append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    mutating func append(le32 value: UInt32) {
        append(contentsOf: (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) })
    }
}
