import Foundation
import SluiceCore

/// `review list --json` and `--jsonl` written a page at a time, so a long list is never whole in memory. JSON
/// Lines puts one compact object on each line; the array is byte for byte what encoding all of it at once
/// prints (`JSONText`, pretty): `[`, each element indented one level, commas between them, `]`.
struct StreamedJSONList {
    enum Form {
        case array, lines
    }

    private let form: Form
    private let encoder: JSONEncoder
    private var written = 0

    init(_ form: Form) {
        self.form = form
        encoder = JSONText.encoder(pretty: form == .array)
    }

    /// The bytes of one page, the array's opening bracket before its first element.
    mutating func page(_ records: [ItemRecord]) throws -> Data {
        var data = Data()
        for record in records {
            let encoded = try encoder.encode(record)
            switch form {
            case .lines:
                data.append(encoded)
                data.append(Self.newline)
            case .array:
                data.append(contentsOf: (written == 0 ? "[\n" : ",\n").utf8)
                data.append(Self.indented(encoded))
            }
            written += 1
        }
        return data
    }

    /// What ends the list: the array's closing bracket, with its opening when no element came (`[`, an empty
    /// line, `]`, as JSONEncoder writes an empty array).
    func end() -> Data {
        guard form == .array else { return Data() }
        return Data(((written == 0 ? "[\n" : "") + "\n]\n").utf8)
    }

    private static let newline = UInt8(ascii: "\n")

    /// A pretty-printed element one level deeper, as JSONEncoder indents an array's elements: two spaces
    /// before every line but the empty ones (an empty array or object is written as two lines with an empty
    /// one between). A newline inside a JSON string is always escaped, so every newline here ends a line.
    private static func indented(_ element: Data) -> Data {
        var result = Data(capacity: element.count + element.count / 4)
        var atLineStart = true
        for byte in element {
            if atLineStart && byte != newline { result.append(contentsOf: [0x20, 0x20]) }
            result.append(byte)
            atLineStart = byte == newline
        }
        return result
    }
}
