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

    /// How far into the page the declaration is looked for. WHATWG encourages prescanning 1024 bytes and lets the end
    /// be wherever scanning further stops paying; legacy Chinese pages often put scripts and styles before their
    /// `<meta>`, so we look further.
    static let prescanLength = 8192

    /// The declared encoding: an XML declaration's `encoding` (pages served as XHTML and feeds carry one), else
    /// WHATWG's "prescan a byte stream to determine its encoding" over the first `prescanLength` bytes, step by
    /// step: comments skipped, `<meta` followed by ASCII white space or `/`, attributes read by "get an attribute"
    /// (so a `<meta` inside another tag's attribute value is no declaration), `charset`, or `http-equiv=content-type`
    /// with `content`, the first attribute of each name counting; unusable labels move on to the next `<meta>`; a
    /// UTF-16 label is read as UTF-8 and `x-user-defined` as windows-1252.
    static func declaredEncoding(_ bytes: Data) -> CharsetLabels.Encoding? {
        let head = [UInt8](bytes.prefix(prescanLength))
        if head.starts(with: Array("<?xml".utf8)), let end = find(Array("?>".utf8), in: head, from: 0) {
            var prolog = Prescan(head[..<end])
            prolog.position = 5
            while let (name, value) = prolog.attribute() {
                if name == "encoding", let encoding = usable(value) { return encoding }
            }
        }
        var prescan = Prescan(head[...])
        return prescan.run()
    }

    /// A label as the prescan's "get an encoding" reads it, with the prescan's own substitutions.
    fileprivate static func usable(_ label: String) -> CharsetLabels.Encoding? {
        let trimmed = label.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if trimmed == "x-user-defined" { return CharsetLabels.byName["windows-1252"] }
        guard let encoding = CharsetLabels.encoding(forLabel: trimmed) else { return nil }
        return encoding.name.hasPrefix("utf-16") ? CharsetLabels.byName["utf-8"] : encoding
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// One run of the WHATWG prescan over a byte window; `position` moves as the algorithm's pointer does.
private struct Prescan {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D || byte == 0x20
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }

    private static func lowered(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }

    private func byte(_ offset: Int = 0) -> UInt8? {
        position + offset < bytes.endIndex ? bytes[position + offset] : nil
    }

    /// `<meta` in any case, then ASCII white space or `/`.
    private func isMetaStart() -> Bool {
        guard let space = byte(5), Self.isSpace(space) || space == 0x2F else { return false }
        return byte(1).map(Self.lowered) == 0x6D && byte(2).map(Self.lowered) == 0x65 && byte(3).map(Self.lowered) == 0x74
            && byte(4).map(Self.lowered) == 0x61
    }

    mutating func run() -> CharsetLabels.Encoding? {
        while position < bytes.endIndex {
            guard bytes[position] == 0x3C else {
                position += 1
                continue
            }
            let next = byte(1)
            if next == 0x21, byte(2) == 0x2D, byte(3) == 0x2D {
                // A comment ends at the first `>` preceded by two `-`, counting from the `<`: `<!-->` ends at once.
                var end = position + 2
                while end < bytes.endIndex, !(bytes[end] == 0x3E && bytes[end - 1] == 0x2D && bytes[end - 2] == 0x2D) {
                    end += 1
                }
                position = end
            } else if isMetaStart() {
                position += 5
                if let encoding = meta() { return encoding }
            } else if let next, Self.isLetter(next) || (next == 0x2F && byte(2).map(Self.isLetter) == true) {
                while let current = byte(), !Self.isSpace(current), current != 0x3E { position += 1 }
                while attribute() != nil {}
            } else if next == 0x21 || next == 0x2F || next == 0x3F {
                while let current = byte(), current != 0x3E { position += 1 }
            }
            position += 1
        }
        return nil
    }

    /// The attributes of one `<meta>` tag, and the encoding they declare, if any.
    private mutating func meta() -> CharsetLabels.Encoding? {
        enum Charset { case unset, failure, found(CharsetLabels.Encoding) }
        var seen: Set<String> = []
        var gotPragma = false
        var needPragma: Bool?
        var charset = Charset.unset
        while let (name, value) = attribute() {
            guard seen.insert(name).inserted else { continue }
            switch name {
            case "http-equiv":
                if value == "content-type" { gotPragma = true }
            case "content":
                if case .unset = charset, let label = Self.charsetFromContent(value) {
                    charset = CharsetSniffing.usable(label).map(Charset.found) ?? .failure
                    needPragma = true
                }
            case "charset":
                if case .unset = charset {
                    charset = CharsetSniffing.usable(value).map(Charset.found) ?? .failure
                    needPragma = false
                }
            default:
                continue
            }
        }
        guard let needPragma, !needPragma || gotPragma, case .found(let encoding) = charset else { return nil }
        return encoding
    }

    /// WHATWG "get an attribute": the name and value lower-cased where ASCII, nil at `>` or the end of the window.
    mutating func attribute() -> (String, String)? {
        while let current = byte(), Self.isSpace(current) || current == 0x2F { position += 1 }
        guard let first = byte(), first != 0x3E else { return nil }
        var name: [UInt8] = []
        func result() -> (String, String) { (String(decoding: name, as: UTF8.self), "") }
        nameLoop: while let current = byte() {
            switch current {
            case 0x3D where !name.isEmpty:
                position += 1
                return readValue(name: name)
            case _ where Self.isSpace(current):
                break nameLoop
            case 0x2F, 0x3E:
                return result()
            default:
                name.append(Self.lowered(current))
            }
            position += 1
        }
        while let current = byte(), Self.isSpace(current) { position += 1 }
        guard let current = byte() else { return nil }
        guard current == 0x3D else { return result() }
        position += 1
        return readValue(name: name)
    }

    private mutating func readValue(name: [UInt8]) -> (String, String)? {
        while let current = byte(), Self.isSpace(current) { position += 1 }
        var value: [UInt8] = []
        func result() -> (String, String) {
            (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
        guard let first = byte() else { return nil }
        if first == 0x22 || first == 0x27 {
            position += 1
            while let current = byte() {
                position += 1
                if current == first { return result() }
                value.append(Self.lowered(current))
            }
            return nil
        }
        if first == 0x3E { return result() }
        while let current = byte() {
            if Self.isSpace(current) || current == 0x3E { return result() }
            value.append(Self.lowered(current))
            position += 1
        }
        return nil
    }

    /// WHATWG "extract a character encoding from a meta element" on a `content` value.
    static func charsetFromContent(_ content: String) -> String? {
        let text = Array(content.utf8)
        var position = 0
        let word = Array("charset".utf8)
        while position + word.count <= text.count {
            guard let found = (position...(text.count - word.count)).first(where: { text[$0..<($0 + word.count)].elementsEqual(word) })
            else { return nil }
            position = found + word.count
            while position < text.count, isSpace(text[position]) { position += 1 }
            guard position < text.count, text[position] == 0x3D else { continue }
            position += 1
            while position < text.count, isSpace(text[position]) { position += 1 }
            guard position < text.count else { return nil }
            let quote = text[position]
            if quote == 0x22 || quote == 0x27 {
                guard let close = text[(position + 1)...].firstIndex(of: quote) else { return nil }
                return String(decoding: text[(position + 1)..<close], as: UTF8.self)
            }
            let end = text[position...].firstIndex { isSpace($0) || $0 == 0x3B } ?? text.count
            return String(decoding: text[position..<end], as: UTF8.self)
        }
        return nil
    }
}
