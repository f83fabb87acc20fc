import Foundation
import SluiceCore

/// One cell of an imported table: text, or a number as a spreadsheet stores it (a date is a number there:
/// an Excel serial day).
enum ImportCell: Equatable {
    case text(String)
    /// The value and the text the file wrote for it.
    case number(Double, written: String)

    static let empty = ImportCell.text("")

    /// The cell as text: a whole number without a fraction (a QQ number, a phone number), else as written.
    var text: String {
        switch self {
        case .text(let text): text
        case .number(let value, let written):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : written
        }
    }

    var isEmpty: Bool { text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
}

/// A table read from a CSV file or a spreadsheet: the header row and the rows under it, each with the line
/// (CSV) or row number (spreadsheet) a person finds it at.
struct ImportTable {
    struct Row {
        var line: Int
        var cells: [ImportCell]
    }

    var header: [String]
    var headerLine: Int
    var rows: [Row]
    /// Serial days count from 1904-01-01 instead of 1899-12-30 (a workbook saved with the 1904 date system).
    var uses1904Dates = false
}

/// Text files as exported by form tools and spreadsheets: UTF-8 with or without a byte order mark, UTF-16
/// with one (Excel's "Unicode text"), or GBK/GB18030 (Excel and WPS on Chinese Windows).
enum ImportText {
    /// Valid UTF-8 is UTF-8; anything else must read as GB18030 without a single invalid sequence.
    static func decode(_ data: Data, file: String) throws(ImportFileError) -> String {
        let bytes = [UInt8](data.prefix(4))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return CharsetDecoder.decode(data, contentType: nil).text
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        let decoded = CharsetDecoder.decode(data, contentType: "text/csv; charset=gb18030")
        guard decoded.charset == "gb18030", !decoded.text.unicodeScalars.contains("\u{FFFD}") else {
            throw ImportFileError(file: file, reason: "is neither UTF-8 nor GBK/GB18030 text (save it as \"CSV UTF-8\" and import again)")
        }
        return decoded.text
    }
}

/// RFC 4180 records: fields separated by `delimiter`, records by CRLF or LF (or CR); a field in double
/// quotes may hold delimiters, line breaks and doubled quotes. Each record carries the line it starts on.
enum CSVTable {
    static func records(_ text: String, delimiter: Unicode.Scalar, file: String) throws(ImportFileError)
        -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            records.append((recordLine, fields))
            fields = []
        }
        while let scalar = pending {
            pending = scalars.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = scalars.next()
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if scalar == "\n" || (scalar == "\r" && pending != "\n") { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case delimiter:
                fields.append(String(field))
                field = String.UnicodeScalarView()
                afterQuote = false
            case "\r" where pending == "\n":
                break
            case "\n", "\r":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            default:
                // A quote inside an unquoted field, or text after a closing quote, is kept as written:
                // spreadsheets write such files, and the text is what the volunteer typed.
                field.append(scalar)
            }
        }
        guard !quoted else {
            throw ImportFileError(file: file, reason: "line \(recordLine): a quoted field is never closed (a \" is missing)")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }

    /// The table of a CSV file: the first non-blank record is the header. A row with more fields than
    /// the header is an error unless the extra ones are empty (a trailing delimiter).
    static func table(_ text: String, delimiter: Unicode.Scalar, file: String) throws(ImportFileError)
        -> (table: ImportTable, malformed: [(line: Int, reason: String)]) {
        let records = try records(text, delimiter: delimiter, file: file).filter { record in
            record.fields.contains { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        }
        guard let header = records.first else {
            throw ImportFileError(file: file, reason: "holds no header row (the file is empty)")
        }
        var rows: [ImportTable.Row] = []
        var malformed: [(line: Int, reason: String)] = []
        for record in records.dropFirst() {
            var cells = record.fields
            while cells.count > header.fields.count, cells.last?.isEmpty == true { cells.removeLast() }
            guard cells.count == header.fields.count else {
                malformed.append((record.line, "\(record.fields.count) fields where the header has \(header.fields.count)"))
                continue
            }
            rows.append(ImportTable.Row(line: record.line, cells: cells.map(ImportCell.text)))
        }
        return (ImportTable(header: header.fields, headerLine: header.line, rows: rows), malformed)
    }
}
