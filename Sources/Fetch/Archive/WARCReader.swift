import Foundation
import SluiceCore

/// Reads a whole `.warc` or `.warc.gz` file (multi-member gzip, detected by its magic bytes, not by the name).
/// A record whose `WARC-Block-Digest` (SHA-1) does not match its block is refused as damaged.
public struct WARCReader: Sendable {
    public let path: String
    private let content: Data
    private let gzipMemberStarts: [Int]

    public init(path: String) throws {
        self.path = path
        guard let raw = FileManager.default.contents(atPath: path) else {
            throw ArchiveError(file: path, reason: "cannot read the file")
        }
        if raw.starts(with: [0x1F, 0x8B]) {
            do {
                (content, gzipMemberStarts) = try ZlibStream(.decompress).decompressMembers(raw)
            } catch {
                throw ArchiveError(file: path, offset: error.offset, reason: error.reason)
            }
        } else {
            content = raw
            gzipMemberStarts = []
        }
    }

    /// Every record in file order.
    public func records() throws -> [WARCRecord] {
        let bytes = [UInt8](content)
        var records: [WARCRecord] = []
        var offset = 0
        while true {
            while offset < bytes.count, bytes[offset] == 0x0D || bytes[offset] == 0x0A { offset += 1 }
            guard offset < bytes.count else { return records }
            records.append(try record(in: bytes, at: &offset, number: records.count))
        }
    }

    private func record(in bytes: [UInt8], at offset: inout Int, number: Int) throws -> WARCRecord {
        let start = offset
        func failure(_ reason: String, at position: Int? = nil) -> ArchiveError {
            ArchiveError(file: path, offset: position ?? start, record: number, reason: reason)
        }
        guard let headEnd = WARCReader.find([0x0D, 0x0A, 0x0D, 0x0A], in: bytes, from: start) else {
            throw failure("truncated record: no blank line after the WARC header")
        }
        let lines = String(decoding: bytes[start..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        guard let version = lines.first, version == "WARC/1.1" || version == "WARC/1.0" else {
            throw failure("bad header: expected WARC/1.1 or WARC/1.0, found \(String((lines.first ?? "").prefix(40)).debugDescription)")
        }
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw failure("bad header: field without a colon: \(String(line.prefix(60)).debugDescription)")
            }
            headers.append(HTTPHeader(name: String(line[..<colon]),
                                      value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let field = { (name: String) in headers.value(named: name) }
        guard let lengthText = field("Content-Length"), let length = Int(lengthText), length >= 0 else {
            throw failure("bad header: missing or invalid Content-Length")
        }
        guard let type = field("WARC-Type") else { throw failure("bad header: missing WARC-Type") }
        let blockStart = headEnd + 4
        guard length <= bytes.count - blockStart else {
            throw failure("truncated record: Content-Length \(length) runs past the end of the file "
                          + "(\(bytes.count - blockStart) bytes left)")
        }
        offset = blockStart + length
        let block = Data(bytes[blockStart..<offset])
        if let declared = field("WARC-Block-Digest"), SHA1.matches(declared, block) == false {
            throw failure("damaged record: its block does not match WARC-Block-Digest \(declared.debugDescription) "
                          + "(computed \(SHA1.warcDigest(block)))")
        }
        return WARCRecord(type: type, recordID: field("WARC-Record-ID") ?? "", targetURI: field("WARC-Target-URI"),
                          date: field("WARC-Date").flatMap(WARCDate.parse), headers: headers, block: block)
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
