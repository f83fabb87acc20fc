import Foundation
import SluiceCore

/// One line of an import file: the submission it yields or why it was refused.
public struct ImportLine: Sendable {
    public var file: String
    public var line: Int
    public var result: Result<Submission, IntakeError>

    /// `file:line: reason`, for the volunteer or editor who prepared the file.
    public var location: String { "\(file):\(line)" }
}

/// An import file that could not be read at all (as opposed to individual bad lines).
public struct ImportFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var reason: String
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file): \(reason)" }
}

/// Reads batches of submissions: `.jsonl` (`{"url","note","volunteer"}` per line), `.txt` (one URL per
/// line, an optional note after white space), and tables as volunteers' form tools export them: `.csv`
/// (or `.tsv`) in UTF-8, UTF-16 or GBK/GB18030 with RFC 4180 quoting, and `.xlsx` (the first sheet). A
/// table's header row names its columns in any of the names `headers` accepts (`链接`, `备注`, `提交人`,
/// `提交时间`…). Each bad line or row is reported with its number and reason; good ones are still
/// returned. The format comes from the content where it shows (a ZIP archive is a workbook whatever its
/// name), else from the extension.
public struct BatchImporter: Sendable {
    public var validator: SubmissionValidator
    /// Used for lines that name no volunteer (every `.txt` line).
    public var defaultVolunteer: String?
    public var headers: ImportHeaders
    public var zipLimits: ZipLimits
    /// A submission time after this (plus five minutes) is refused: it cannot have been sent yet.
    public var now: Date

    public init(validator: SubmissionValidator = SubmissionValidator(), defaultVolunteer: String? = nil,
                headers: ImportHeaders = .fieldNames, zipLimits: ZipLimits = ZipLimits(), now: Date = Date()) {
        self.validator = validator
        self.defaultVolunteer = defaultVolunteer
        self.headers = headers
        self.zipLimits = zipLimits
        self.now = now
    }

    public func read(path: String) throws -> [ImportLine] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportFileError(file: path, reason: "cannot read the file")
        }
        let format = URL(fileURLWithPath: path).pathExtension.lowercased()
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try rows(of: Workbook.table(data, file: path, limits: zipLimits), file: path)
        }
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw ImportFileError(file: path, reason: "is an Excel 97-2003 .xls file: save it as .xlsx or \"CSV UTF-8\" and import again")
        }
        switch format {
        case "jsonl", "ndjson": return splitLines(data).map { readJSONLine($0, file: path) }
        case "txt": return splitLines(data).map { readTextLine($0, file: path) }
        case "csv", "tsv":
            let (table, malformed) = try CSVTable.table(ImportText.decode(data, file: path),
                                                        delimiter: format == "tsv" ? "\t" : ",", file: path)
            let refused = malformed.map { ImportLine(file: path, line: $0.line, result: .failure(.malformedLine(reason: $0.reason))) }
            return (try rows(of: table, file: path) + refused).sorted { $0.line < $1.line }
        case "xlsx":
            throw ImportFileError(file: path, reason: "is not an .xlsx workbook (no ZIP archive inside)")
        default:
            throw ImportFileError(file: path, reason: "unknown format \".\(format)\" (expected .jsonl, .txt, .csv, .tsv or .xlsx)")
        }
    }

    /// Lines with their 1-based numbers, blank lines and `#` comments (txt) dropped later per format.
    private func splitLines(_ data: Data) -> [(number: Int, bytes: Data)] {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated().map { index, line in
            var line = Data(line)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            return (number: index + 1, bytes: line)
        }.filter { !$0.bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
    }

    private func text(_ bytes: Data) throws(IntakeError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    private func line(_ number: Int, file: String, _ build: () throws(IntakeError) -> Submission) -> ImportLine {
        do throws(IntakeError) {
            return ImportLine(file: file, line: number, result: .success(try build()))
        } catch {
            return ImportLine(file: file, line: number, result: .failure(error))
        }
    }

    private func volunteer(_ named: String?) -> String {
        let trimmed = named?.trimmingCharacters(in: .whitespaces) ?? ""
        return trimmed.isEmpty ? (defaultVolunteer ?? "") : trimmed
    }

    private func source(_ file: String, _ line: Int) -> String {
        "\(URL(fileURLWithPath: file).lastPathComponent):\(line)"
    }

    private func readJSONLine(_ raw: (number: Int, bytes: Data), file: String) -> ImportLine {
        line(raw.number, file: file) { () throws(IntakeError) -> Submission in
            _ = try text(raw.bytes)
            guard let object = try? JSONSerialization.jsonObject(with: raw.bytes) as? [String: Any] else {
                throw .malformedLine(reason: "not a JSON object")
            }
            let known: Set<String> = ["url", "note", "volunteer"]
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw .malformedLine(reason: "unknown key \"\(unknown)\" (expected url, note, volunteer)")
            }
            var fields: [String: String] = [:]
            for (key, value) in object where !(value is NSNull) {
                guard let string = value as? String else { throw .malformedLine(reason: "\"\(key)\" must be a string") }
                fields[key] = string
            }
            return try validator.validate(url: fields["url"], note: fields["note"], volunteer: volunteer(fields["volunteer"]),
                                          source: source(file, raw.number))
        }
    }

    private func readTextLine(_ raw: (number: Int, bytes: Data), file: String) -> ImportLine {
        line(raw.number, file: file) { () throws(IntakeError) -> Submission in
            let content = try text(raw.bytes).trimmingCharacters(in: .whitespaces)
            let parts = content.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let url = parts.first.map(String.init)
            let note = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : nil
            return try validator.validate(url: url, note: note, volunteer: volunteer(nil), source: source(file, raw.number))
        }
    }

    /// The submissions of a table's rows; the header decides which column holds which field.
    private func rows(of table: ImportTable, file: String) throws -> [ImportLine] {
        let mapping = try headers.map(header: table.header, file: file)
        return table.rows.map { row in
            line(row.line, file: file) { () throws(IntakeError) -> Submission in
                func first(_ field: ImportField) -> ImportCell? {
                    mapping.columns[field]?.lazy.map { row.cells.indices.contains($0) ? row.cells[$0] : .empty }
                        .first { !$0.isEmpty }
                }
                var submission = try validator.validate(url: first(.url)?.text, note: first(.note)?.text,
                                                        volunteer: volunteer(first(.volunteer)?.text),
                                                        source: source(file, row.line))
                if let time = first(.submittedAt) {
                    submission.submittedAt = try SubmittedTime.parse(time, uses1904Dates: table.uses1904Dates, now: now).get()
                }
                return submission
            }
        }
    }
}
