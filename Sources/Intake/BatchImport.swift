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

/// Reads batches of submissions: `.jsonl` (`{"url","note","volunteer"}` per line), `.csv` (a header row
/// naming `url`, `note`, `volunteer` columns) and `.txt` (one URL per line, an optional note after white
/// space). Each bad line is reported with its number and reason; good lines are still returned.
public struct BatchImporter: Sendable {
    public var validator: SubmissionValidator
    /// Used for lines that name no volunteer (every `.txt` line).
    public var defaultVolunteer: String?

    public init(validator: SubmissionValidator = SubmissionValidator(), defaultVolunteer: String? = nil) {
        self.validator = validator
        self.defaultVolunteer = defaultVolunteer
    }

    public func read(path: String) throws -> [ImportLine] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportFileError(file: path, reason: "cannot read the file")
        }
        let format = URL(fileURLWithPath: path).pathExtension.lowercased()
        let lines = splitLines(data)
        switch format {
        case "jsonl", "ndjson": return lines.map { readJSONLine($0, file: path) }
        case "csv": return try readCSV(lines, file: path)
        case "txt": return lines.map { readTextLine($0, file: path) }
        default:
            throw ImportFileError(file: path, reason: "unknown format \".\(format)\" (expected .jsonl, .csv or .txt)")
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
                                          source: "\(URL(fileURLWithPath: file).lastPathComponent):\(raw.number)")
        }
    }

    private func readTextLine(_ raw: (number: Int, bytes: Data), file: String) -> ImportLine {
        line(raw.number, file: file) { () throws(IntakeError) -> Submission in
            let content = try text(raw.bytes).trimmingCharacters(in: .whitespaces)
            let parts = content.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let url = parts.first.map(String.init)
            let note = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : nil
            return try validator.validate(url: url, note: note, volunteer: volunteer(nil),
                                          source: "\(URL(fileURLWithPath: file).lastPathComponent):\(raw.number)")
        }
    }

    private func readCSV(_ lines: [(number: Int, bytes: Data)], file: String) throws -> [ImportLine] {
        guard let headerLine = lines.first else { return [] }
        guard let headerText = String(validating: headerLine.bytes, as: UTF8.self),
              let header = try? CSVRecord.fields(headerText) else {
            throw ImportFileError(file: file, reason: "line \(headerLine.number): the header row is not valid UTF-8 CSV")
        }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known: Set<String> = ["url", "note", "volunteer"]
        if let unknown = columns.first(where: { !known.contains($0) }) {
            throw ImportFileError(file: file, reason: "unknown column \"\(unknown)\" in the header (expected url, note, volunteer)")
        }
        guard columns.contains("url") || columns.contains("note") else {
            throw ImportFileError(file: file, reason: "the header names neither a url nor a note column")
        }
        return lines.dropFirst().map { raw in
            line(raw.number, file: file) { () throws(IntakeError) -> Submission in
                let values = try CSVRecord.fields(try text(raw.bytes))
                guard values.count == columns.count else {
                    throw .malformedLine(reason: "\(values.count) fields where the header has \(columns.count)")
                }
                let fields = Dictionary(zip(columns, values), uniquingKeysWith: { first, _ in first })
                return try validator.validate(url: fields["url"], note: fields["note"], volunteer: volunteer(fields["volunteer"]),
                                              source: "\(URL(fileURLWithPath: file).lastPathComponent):\(raw.number)")
            }
        }
    }
}

/// RFC 4180 fields of one CSV line (quoted fields may contain commas and doubled quotes; a quoted field
/// spanning lines is not supported and reported as unterminated).
enum CSVRecord {
    static func fields(_ line: String) throws(IntakeError) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var characters = line.makeIterator()
        var wasQuoted = false
        while let character = characters.next() {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                if wasQuoted { current.append("\"") }
                inQuotes = true
                wasQuoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        guard !inQuotes else { throw .malformedLine(reason: "a quoted field is not terminated") }
        fields.append(current)
        return fields
    }
}
