import Foundation
import SluiceCore

/// `review list --json` and `--jsonl` written a page at a time, so a long list is never whole in memory. JSON
/// Lines puts one compact object on each line; the array is byte for byte what encoding all of it at once
/// prints (`JSONText`, pretty): each page is encoded as an array, and its elements (the lines between its
/// brackets, already indented one level) are joined to the previous page's with a comma.
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
        guard !records.isEmpty else { return Data() }
        var data = Data()
        switch form {
        case .lines:
            for record in records {
                data.append(try encoder.encode(record))
                data.append(UInt8(ascii: "\n"))
            }
        case .array:
            // A non-empty array is "[\n", its elements, "\n]".
            let array = try encoder.encode(records)
            data.append(contentsOf: (written == 0 ? "[\n" : ",\n").utf8)
            data.append(array.dropFirst(2).dropLast(2))
        }
        written += records.count
        return data
    }

    /// What ends the list: the array's closing bracket, with its opening when no element came (`[`, an empty
    /// line, `]`, as JSONEncoder writes an empty array).
    func end() -> Data {
        guard form == .array else { return Data() }
        return Data(((written == 0 ? "[\n" : "") + "\n]\n").utf8)
    }
}
