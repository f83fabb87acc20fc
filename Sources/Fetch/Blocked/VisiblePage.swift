import Foundation

/// What a reader would see of an HTML page, read with a small tag scanner: the text outside tags, with
/// `<script>`, `<style>`, `<noscript>`, `<template>` and `<title>` contents left out, the title on its own,
/// and how many scripts the page loads. Enough for fingerprints; the parse stage does the real parsing.
struct VisiblePage {
    /// Lowercased visible text, white space folded to single spaces.
    private(set) var text = ""
    /// Lowercased title text.
    private(set) var title = ""
    /// Visible characters that are not white space.
    private(set) var visibleCharacters = 0
    private(set) var scripts = 0

    private static let hiddenElements: Set<String> = ["script", "style", "noscript", "template", "title"]

    init(html: String) {
        let bytes = Array(html.utf8)
        var visible: [UInt8] = []
        visible.reserveCapacity(bytes.count / 4)
        var titleBytes: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                visible.append(bytes[index])
                index += 1
                continue
            }
            if VisiblePage.matches(bytes, at: index, "<!--") {
                index = VisiblePage.find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? bytes.count
                continue
            }
            let (name, tagEnd) = VisiblePage.tagName(bytes, at: index)
            index = tagEnd
            visible.append(UInt8(ascii: " "))
            guard VisiblePage.hiddenElements.contains(name) else { continue }
            if name == "script" { scripts += 1 }
            let close = VisiblePage.find(bytes, "</" + name, from: index, caseInsensitive: true) ?? bytes.count
            if name == "title" { titleBytes = Array(bytes[index..<close]) }
            index = close
        }
        text = VisiblePage.folded(visible)
        title = VisiblePage.folded(titleBytes)
        visibleCharacters = text.unicodeScalars.reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) }
    }

    /// The lowercased element name at `<` (empty for closing tags and declarations) and the index after `>`.
    private static func tagName(_ bytes: [UInt8], at start: Int) -> (String, Int) {
        var cursor = start + 1
        var name: [UInt8] = []
        while cursor < bytes.count, isNameByte(bytes[cursor]) {
            name.append(bytes[cursor] | 0x20)
            cursor += 1
        }
        var quote: UInt8?
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                break
            }
            cursor += 1
        }
        return (String(decoding: name, as: UTF8.self), min(cursor + 1, bytes.count))
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func matches(_ bytes: [UInt8], at index: Int, _ literal: String) -> Bool {
        let needle = Array(literal.utf8)
        return index + needle.count <= bytes.count && bytes[index..<index + needle.count].elementsEqual(needle)
    }

    /// The index of `literal` at or after `start`; ASCII case folded when asked.
    private static func find(_ bytes: [UInt8], _ literal: String, from start: Int, caseInsensitive: Bool = false) -> Int? {
        let needle = Array(literal.utf8)
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        let fold: (UInt8) -> UInt8 = { caseInsensitive && $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var index = start
        while index + needle.count <= bytes.count {
            if fold(bytes[index]) == first
                && zip(bytes[index..<index + needle.count], needle).allSatisfy({ fold($0) == $1 }) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Decoded as UTF-8, the common entities for spaces undone, white space folded, lowercased.
    private static func folded(_ bytes: [UInt8]) -> String {
        let raw = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&#160;", with: " ")
        return raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }
}
