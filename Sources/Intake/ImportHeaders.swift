import Foundation
import SluiceCore

/// What a column of an imported table holds.
public enum ImportField: String, Sendable, CaseIterable {
    case url, note, volunteer
    case submittedAt = "submitted_at"
}

/// The header names a table may use for each field (`pipelines/import-headers.json`), as the form tools
/// volunteers answer write them: 腾讯问卷, 问卷星, 金数据 and shared spreadsheets name the same thing
/// `链接`, `网址`, `URL`… Columns listed under `ignored` (`序号`, `来自IP`…) are read past; any other column is
/// an error, so a renamed question never drops its answers silently.
///
/// When several columns of one table name the same field (`昵称` and `微信号`), each row takes the first
/// non-empty one in the order the names are listed here.
public struct ImportHeaders: Codable, Sendable, Equatable {
    public var url: [String]
    public var note: [String]
    public var volunteer: [String]
    public var submittedAt: [String]
    public var ignored: [String]

    public init(url: [String], note: [String], volunteer: [String], submittedAt: [String], ignored: [String]) {
        self.url = url
        self.note = note
        self.volunteer = volunteer
        self.submittedAt = submittedAt
        self.ignored = ignored
    }

    /// Only the field names themselves (`url`, `note`, `volunteer`, `submitted_at`): the CSV format sluice
    /// documents, for callers that load no alias file.
    public static let fieldNames = ImportHeaders(url: ["url"], note: ["note"], volunteer: ["volunteer"],
                                                 submittedAt: ["submitted_at"], ignored: [])

    enum CodingKeys: String, CodingKey {
        case url, note, volunteer, ignored
        case submittedAt = "submitted_at"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode([String].self, forKey: .url)
        note = try container.decode([String].self, forKey: .note)
        volunteer = try container.decode(.volunteer, default: [])
        submittedAt = try container.decode(.submittedAt, default: [])
        ignored = try container.decode(.ignored, default: [])
        var owner: [String: String] = [:]
        for (key, names) in [(CodingKeys.url, url), (.note, note), (.volunteer, volunteer), (.submittedAt, submittedAt),
                             (.ignored, ignored)] {
            for name in names {
                let normalized = Self.normalize(name)
                guard !normalized.isEmpty else { throw invalidValue(key, in: decoder, "a header name is empty") }
                if let first = owner[normalized], first != key.stringValue {
                    throw invalidValue(key, in: decoder, "\"\(name)\" is also listed under \(first)")
                }
                owner[normalized] = key.stringValue
            }
        }
    }

    public static func load(path: String) throws -> ImportHeaders {
        try load(ConfigurationFile.read(path: path))
    }

    public static func load(_ file: ConfigurationFile) throws -> ImportHeaders {
        try StrictJSON.decode(ImportHeaders.self, from: file)
    }

    /// The names of one field, in priority order.
    public func names(of field: ImportField) -> [String] {
        switch field {
        case .url: url
        case .note: note
        case .volunteer: volunteer
        case .submittedAt: submittedAt
        }
    }

    /// How a table's header row maps to fields: for each field, the columns holding it, best name first.
    public struct Mapping: Sendable, Equatable {
        public var columns: [ImportField: [Int]]
    }

    /// The mapping of `header`, or an error naming the columns found and the names accepted when a column
    /// is unknown or neither a link nor a note column is present.
    public func map(header: [String], file: String) throws(ImportFileError) -> Mapping {
        var columns: [ImportField: [(rank: Int, column: Int)]] = [:]
        var unknown: [String] = []
        for (column, raw) in header.enumerated() {
            let name = Self.normalize(raw)
            if name.isEmpty || ignored.contains(where: { Self.normalize($0) == name }) { continue }
            guard let (field, rank) = ImportField.allCases.lazy.compactMap({ field in
                self.names(of: field).firstIndex { Self.normalize($0) == name }.map { (field, $0) }
            }).first else {
                unknown.append(raw)
                continue
            }
            columns[field, default: []].append((rank, column))
        }
        let mapping = Mapping(columns: columns.mapValues { $0.sorted { ($0.rank, $0.column) < ($1.rank, $1.column) }.map(\.column) })
        let found = header.map { "\(TextCleaning.quoted($0))" }.joined(separator: ", ")
        if !unknown.isEmpty {
            throw ImportFileError(file: file, reason: "the header row has column(s) sluice does not know: "
                + unknown.map { "\(TextCleaning.quoted($0))" }.joined(separator: ", ") + "; columns found: \(found); "
                + acceptedNames() + " (add a name to pipelines/import-headers.json to accept or ignore it)")
        }
        guard mapping.columns[.url] != nil || mapping.columns[.note] != nil else {
            throw ImportFileError(file: file, reason: "the header row names neither a link nor a note column; columns found: "
                + "\(found); " + acceptedNames())
        }
        return mapping
    }

    /// "accepted: link 链接/网址/URL/link; note 备注/…; …; ignored 序号/…".
    private func acceptedNames() -> String {
        let fields = ImportField.allCases.map { field in
            "\(field == .url ? "link" : field.rawValue) " + names(of: field).joined(separator: "/")
        }
        return "accepted: " + fields.joined(separator: "; ") + (ignored.isEmpty ? "" : "; ignored " + ignored.joined(separator: "/"))
    }

    /// A header as form tools vary it, reduced to what names the question: white space and a BOM trimmed,
    /// ASCII case folded, full-width letters made ASCII (NFKC), a leading question number (`1、`, `Q2.`,
    /// `3.`) and a trailing hint in brackets (`（必填）`, `(选填)`) or colon dropped.
    static func normalize(_ header: String) -> String {
        var text = header.precomposedStringWithCompatibilityMapping
            .trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
        if let numbered = text.firstMatch(of: /^[Qq]?\d{1,3}\s*[、.:：)]?\s*(?=\D)/) {
            text = String(text[numbered.range.upperBound...])
        }
        while let hint = text.firstMatch(of: /\s*[(\[【][^()\[\]【】]*[)\]】]\s*$/) {
            text = String(text[..<hint.range.lowerBound])
        }
        while let last = text.last, last == ":" || last == "：" || last.isWhitespace { text.removeLast() }
        return text.lowercased()
    }
}
