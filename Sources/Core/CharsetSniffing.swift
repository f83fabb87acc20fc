import Foundation

/// Reading a charset out of the bytes and the headers: byte order marks, the `charset` parameter of a
/// Content-Type value, and the HTML/XML declaration prescan.
package enum CharsetSniffing {
    /// The encoding a byte order mark names and the mark's length. UTF-32 is checked before UTF-16
    /// because `FF FE 00 00` starts with the UTF-16LE mark.
    package static func byteOrderMark(_ bytes: Data) -> (name: String, length: Int)? {
        let head = [UInt8](bytes.prefix(4))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return ("utf-8", 3) }
        if head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return ("utf-32be", 4) }
        if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return ("utf-32le", 4) }
        if head.starts(with: [0xFE, 0xFF]) { return ("utf-16be", 2) }
        if head.starts(with: [0xFF, 0xFE]) { return ("utf-16le", 2) }
        return nil
    }

    /// The `charset` parameter of a Content-Type header value, unquoted; nil when absent.
    static func charsetParameter(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2,
                  pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// How far into the page the declaration is looked for. WHATWG prescans 1024 bytes; legacy Chinese
    /// pages often put scripts and styles before their `<meta>`, so we look further.
    static let prescanLength = 8192

    /// The first usable declaration: an XML declaration's `encoding`, then `<meta charset>` or
    /// `<meta http-equiv="Content-Type" content="…; charset=…">`. Labels we refuse are skipped, and a
    /// UTF-16 label is read as UTF-8, as WHATWG prescribes (bytes that reached a prescan are ASCII-compatible).
    static func declaredEncoding(_ bytes: Data) -> CharsetLabels.Encoding? {
        let head = String(decoding: bytes.prefix(prescanLength).map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self).lowercased()
        var candidates: [String] = []
        if head.hasPrefix("<?xml"), let end = head.range(of: "?>") {
            if let value = attribute("encoding", in: head[..<end.lowerBound]) { candidates.append(value) }
        }
        var searchStart = head.startIndex
        while let open = head.range(of: "<meta", range: searchStart..<head.endIndex) {
            let close = head.range(of: ">", range: open.upperBound..<head.endIndex)?.lowerBound ?? head.endIndex
            let tag = head[open.upperBound..<close]
            if let value = attribute("charset", in: tag) {
                candidates.append(value)
            } else if attribute("http-equiv", in: tag) == "content-type", let content = attribute("content", in: tag),
                      let value = charsetParameter("x;" + content) {
                candidates.append(value)
            }
            searchStart = close
        }
        for label in candidates {
            guard let encoding = CharsetLabels.encoding(forLabel: label) else { continue }
            return encoding.name.hasPrefix("utf-16") ? CharsetLabels.byName["utf-8"] : encoding
        }
        return nil
    }

    /// The value of `name=value`, `name="value"` or `name='value'` inside a lowercased tag.
    private static func attribute(_ name: String, in tag: Substring) -> String? {
        var searchStart = tag.startIndex
        while let found = tag.range(of: name, range: searchStart..<tag.endIndex) {
            searchStart = found.upperBound
            let before = found.lowerBound == tag.startIndex ? " " : tag[tag.index(before: found.lowerBound)]
            guard before == " " || before == "\t" || before == "\n" || before == "\r" || before == "/" || before == "?"
                    || before == "\"" || before == "'" else { continue }
            var cursor = found.upperBound
            while cursor < tag.endIndex, tag[cursor] == " " { cursor = tag.index(after: cursor) }
            guard cursor < tag.endIndex, tag[cursor] == "=" else { continue }
            cursor = tag.index(after: cursor)
            while cursor < tag.endIndex, tag[cursor] == " " { cursor = tag.index(after: cursor) }
            guard cursor < tag.endIndex else { return nil }
            let quote = tag[cursor]
            if quote == "\"" || quote == "'" {
                let valueStart = tag.index(after: cursor)
                let valueEnd = tag[valueStart...].firstIndex(of: quote) ?? tag.endIndex
                return String(tag[valueStart..<valueEnd]).trimmingCharacters(in: .whitespaces)
            }
            let valueEnd = tag[cursor...].firstIndex { " \t\n\r/>;\"'".contains($0) } ?? tag.endIndex
            return String(tag[cursor..<valueEnd])
        }
        return nil
    }
}
