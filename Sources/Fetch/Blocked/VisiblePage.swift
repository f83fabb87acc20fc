import Foundation

/// What a reader would see of an HTML page, read with a small tag scanner over its UTF-8 bytes: the text
/// outside tags (with `<script>`, `<style>`, `<noscript>`, `<template>` and `<title>` contents left out), the
/// title on its own, and how many scripts the page loads. Enough for fingerprints; the parse stage does the
/// real parsing.
///
/// The scan is bounded by the visible text, not by the page: it stops as soon as the page shows more than
/// `textLimit` characters, because every fingerprint that bounds the visible text is then ruled out. A real
/// article passes that limit within its first paragraphs, so it costs a skim over the head (found with `memchr`)
/// and a few kilobytes of text, never a copy, a decoding or a lowercasing of the whole document.
struct VisiblePage {
    /// The visible text read so far, white space folded to single spaces (a run at the very end may be
    /// left as one 0xFF byte, which no UTF-8 needle contains), letters as they are (matching folds ASCII case).
    private(set) var text: [UInt8] = []
    /// The first `<title>`'s text, folded the same way.
    private(set) var title: [UInt8] = []
    /// Visible characters that are not white space; `textLimit + 1` once the limit was passed.
    private(set) var visibleCharacters = 0
    /// Scripts the page loads, counted over the part scanned.
    private(set) var scripts = 0
    /// The page shows more than `textLimit` characters; `text` is their beginning.
    private(set) var passedLimit = false

    private static let hiddenElements: Set<[UInt8]> = Set(["script", "style", "noscript", "template", "title"].map { Array($0.utf8) })
    private static let titleLimit = 2048

    init(html: UnsafeBufferPointer<UInt8>, textLimit: Int) {
        let end = html.count
        var index = 0
        var sawTitle = false
        while index < end {
            let tagStart = VisiblePage.next(UInt8(ascii: "<"), in: html, from: index) ?? end
            if !VisiblePage.fold(html, from: index, to: tagStart, into: &text, counting: &visibleCharacters, limit: textLimit) {
                passedLimit = true
                return
            }
            guard tagStart < end else { break }
            if VisiblePage.matches(html, at: tagStart, "<!--") {
                index = VisiblePage.find(html, "-->", from: tagStart + 4).map { $0 + 3 } ?? end
                continue
            }
            let (name, tagEnd) = VisiblePage.tagName(html, at: tagStart)
            index = tagEnd
            VisiblePage.separate(&text)
            guard VisiblePage.hiddenElements.contains(name) else { continue }
            if name == Array("script".utf8) { scripts += 1 }
            let close = VisiblePage.closingTag(name, in: html, from: index) ?? end
            if !sawTitle && name == Array("title".utf8) {
                sawTitle = true
                var ignored = 0
                _ = VisiblePage.fold(html, from: index, to: min(close, index + VisiblePage.titleLimit), into: &title,
                                     counting: &ignored, limit: .max)
            }
            index = close
        }
    }

    /// Appends the text `html[start..<end]` shows to `output`: white space runs (ASCII, Unicode, `&nbsp;`,
    /// `&#160;`) as one space, every other character as it is, counted in `visible`. False, with the text up
    /// to that point appended, once `visible` passes `limit`.
    private static func fold(_ html: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into output: inout [UInt8],
                             counting visible: inout Int, limit: Int) -> Bool {
        var index = start
        while index < end {
            let byte = html[index]
            let length: Int
            if byte < 0x80 {
                if isASCIIWhitespace(byte) {
                    separate(&output)
                    index += 1
                    continue
                }
                if byte == UInt8(ascii: "&") && (matches(html, at: index, "&nbsp;") || matches(html, at: index, "&#160;")) {
                    separate(&output)
                    index += 6
                    continue
                }
                length = 1
            } else {
                length = min(sequenceLength(byte), end - index)
                if isUnicodeWhitespace(html, at: index, length: length) {
                    separate(&output)
                    index += length
                    continue
                }
            }
            if output.last == spaceMarker { output[output.count - 1] = UInt8(ascii: " ") }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: html[index..<index + length]))
            visible += 1
            index += length
            if visible > limit { return false }
        }
        return true
    }

    /// A pending separator: written as a space only when visible text follows, so runs fold to one space
    /// and the text never starts with one. 0xFF never occurs in UTF-8.
    private static let spaceMarker: UInt8 = 0xFF

    private static func separate(_ output: inout [UInt8]) {
        if let last = output.last, last != spaceMarker, last != UInt8(ascii: " ") { output.append(spaceMarker) }
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC0...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF7: 4
        default: 1
        }
    }

    /// The non-ASCII characters with Unicode's White_Space property: U+0085, U+00A0, U+1680, U+2000–U+200A,
    /// U+2028, U+2029, U+202F, U+205F and U+3000.
    private static func isUnicodeWhitespace(_ html: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> Bool {
        let lead = html[index]
        switch (lead, length) {
        case (0xC2, 2):
            return html[index + 1] == 0x85 || html[index + 1] == 0xA0
        case (0xE1, 3):
            return html[index + 1] == 0x9A && html[index + 2] == 0x80
        case (0xE2, 3):
            let (second, third) = (html[index + 1], html[index + 2])
            return (second == 0x80 && ((0x80...0x8A).contains(third) || third == 0xA8 || third == 0xA9 || third == 0xAF))
                || (second == 0x81 && third == 0x9F)
        case (0xE3, 3):
            return html[index + 1] == 0x80 && html[index + 2] == 0x80
        default:
            return false
        }
    }

    /// The lowercased element name at `<` (empty for closing tags and declarations) and the index after `>`.
    /// As in the HTML tokenizer, a quote opens a value only where a value starts (after `=` and any white
    /// space); anywhere else it is part of a name. Pages with a stray quote (`content=""It's here"`) are
    /// common, and a quote taken for an opening one hid the rest of such a page inside one endless tag.
    private static func tagName(_ html: UnsafeBufferPointer<UInt8>, at start: Int) -> ([UInt8], Int) {
        var cursor = start + 1
        var name: [UInt8] = []
        while cursor < html.count, isNameByte(html[cursor]) {
            name.append(NeedleAutomaton.fold(html[cursor]))
            cursor += 1
        }
        var quote: UInt8?
        var valueStarts = false
        while cursor < html.count {
            let byte = html[cursor]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: ">") {
                break
            } else if valueStarts && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) {
                quote = byte
            }
            if quote == nil && !isASCIIWhitespace(byte) { valueStarts = byte == UInt8(ascii: "=") }
            cursor += 1
        }
        return (name, min(cursor + 1, html.count))
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func matches(_ html: UnsafeBufferPointer<UInt8>, at index: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= html.count, let base = html.baseAddress else { return false }
        return memcmp(base + index, literal.utf8Start, length) == 0
    }

    /// The index of the next `byte` at or after `start`.
    private static func next(_ byte: UInt8, in html: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < html.count, let base = html.baseAddress,
              let found = memchr(base + start, Int32(byte), html.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The index of `literal` at or after `start`.
    private static func find(_ html: UnsafeBufferPointer<UInt8>, _ literal: StaticString, from start: Int) -> Int? {
        var index = start
        while let candidate = next(literal.utf8Start.pointee, in: html, from: index) {
            if matches(html, at: candidate, literal) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    /// The index of `</name` at or after `start`, the name compared without ASCII case.
    private static func closingTag(_ name: [UInt8], in html: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while let open = next(UInt8(ascii: "<"), in: html, from: index) {
            let nameStart = open + 2
            if nameStart + name.count <= html.count, html[open + 1] == UInt8(ascii: "/"),
               name.indices.allSatisfy({ NeedleAutomaton.fold(html[nameStart + $0]) == name[$0] }) {
                return open
            }
            index = open + 1
        }
        return nil
    }
}
