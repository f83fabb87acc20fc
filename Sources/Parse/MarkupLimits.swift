import Foundation
import SluiceCore

/// Bounds what libxml2 is given where its work grows faster than the page, before it parses.
///
/// Two spots in libxml2 2.9's HTML parser are quadratic on hostile markup:
/// - each attribute of a start tag is compared with every earlier one (duplicate detection in
///   `htmlParseStartTag`) and appended by walking the element's attribute list, so one element with
///   100,000 distinct attributes (1 MB) takes over a minute;
/// - element and attribute names are interned in a dictionary whose table stops growing at a few thousand
///   entries, so 100,000 distinct names spread over a page make every lookup walk a long chain.
/// Real pages carry fewer than 30 attributes on any element and fewer than 130 distinct attribute names and
/// 80 element names (the shared corpus). So attributes past the first `attributesPerTag` of a tag are cut
/// out, and past `distinctNames` distinct names of each kind, attributes with a new name (unless the
/// extractor reads it) and tags with a new element name are cut out too (an element's content stays).
///
/// The scan follows libxml2's tokenizer wherever the two could disagree about what is a tag: comments,
/// doctypes and end tags are skipped the way libxml2 skips them, other `<` are text, script and style contents are raw text up to
/// their end tag, names and quoted or bare values are read by libxml2's rules, and a NUL byte ends a value
/// and a tag as it does there. Where the two still differ the scan only ever sees more start tags than
/// libxml2 does, never fewer, so a crafted page cannot hide a tag from it.
enum MarkupLimits {
    static let attributesPerTag = 128
    static let distinctNames = 512

    /// What was cut from one page.
    struct Cuts: Equatable {
        /// Tags whose attributes past `attributesPerTag` were cut.
        var longTags = 0
        /// Attributes and tags cut because their name came after `distinctNames` others.
        var unseenNames = 0

        var isEmpty: Bool { longTags == 0 && unseenNames == 0 }
    }

    /// `html` within the limits, and what was cut; the same string, not copied, when nothing was.
    static func apply(to html: String) -> (html: String, cuts: Cuts) {
        var text = html
        let (ranges, cuts) = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return ([Range<Int>](), Cuts()) }
            var scanner = Scanner(base: base, count: bytes.count)
            return (scanner.ranges(), scanner.cuts)
        }
        guard !ranges.isEmpty else { return (html, cuts) }
        var output: [UInt8] = []
        output.reserveCapacity(html.utf8.count)
        text.withUTF8 { bytes in
            var position = 0
            for range in ranges {
                output.append(contentsOf: bytes[position..<range.lowerBound])
                position = range.upperBound
            }
            output.append(contentsOf: bytes[position...])
        }
        return (String(decoding: output, as: UTF8.self), cuts)
    }

    /// Lower-cased names seen so far, by a seeded hash (`Hasher`), so a page cannot craft collisions.
    private struct NameBudget {
        /// The names always kept and those admitted so far, in one set so each name costs one lookup.
        private var seen: Set<Int>
        private var admitted = 0

        init(always names: Set<String>) {
            seen = Set(names.map { name in
                Array(name.utf8).withUnsafeBufferPointer { Self.key($0.baseAddress.map { UnsafePointer($0) }, 0..<$0.count) }
            })
            seen.reserveCapacity(seen.count + MarkupLimits.distinctNames)
        }

        /// Admitted names of up to seven bytes, packed whole (lower-cased bytes and the length) into one word
        /// each and kept in a small table by a multiplicative hash: most names on a page are short and repeat
        /// (`div`, `class`, `href`), and an exact packed comparison settles them without hashing. A page that
        /// makes them collide only sends them on to the seeded set.
        private var recent = [UInt64](repeating: 0, count: 256)

        /// True when the name is one already seen, one always kept, or a new one within the budget.
        mutating func admit(_ base: UnsafePointer<UInt8>, _ name: Range<Int>) -> Bool {
            let packed = Self.packed(base, name)
            let slot = packed.map { Int(truncatingIfNeeded: ($0 &* 0x9E37_79B9_7F4A_7C15) >> 56) }
            if let packed, let slot, recent[slot] == packed { return true }
            let key = Self.key(base, name)
            if !seen.contains(key) {
                guard admitted < MarkupLimits.distinctNames else { return false }
                seen.insert(key)
                admitted += 1
            }
            if let packed, let slot { recent[slot] = packed }
            return true
        }

        private static func packed(_ base: UnsafePointer<UInt8>, _ name: Range<Int>) -> UInt64? {
            guard (1...7).contains(name.count) else { return nil }
            var word = UInt64(name.count) << 56
            for offset in 0..<name.count {
                word |= UInt64(base[name.lowerBound + offset].asciiLowercased) << UInt64(offset * 8)
            }
            return word
        }

        /// Names are at most 100 bytes (`nameEnd`): lower-cased into a buffer on the stack, hashed in one call.
        private static func key(_ base: UnsafePointer<UInt8>?, _ name: Range<Int>) -> Int {
            var hasher = Hasher()
            guard let base else { return hasher.finalize() }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
                let length = min(name.count, buffer.count)
                for offset in 0..<length {
                    buffer[offset] = base[name.lowerBound + offset].asciiLowercased
                }
                hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<length])))
            }
            return hasher.finalize()
        }
    }

    /// One pass over the page's bytes, collecting the byte ranges to cut (in order, never overlapping).
    private struct Scanner {
        /// The page's bytes; a pointer rather than a buffer because its subscript is inlined even in debug
        /// builds, where the tests run and a buffer's checked subscript is a call per byte.
        let base: UnsafePointer<UInt8>
        let count: Int
        var position = 0
        var found: [Range<Int>] = []
        var cuts = Cuts()
        private var elementNames = NameBudget(always: [])
        private var attributeNames = NameBudget(always: DocumentTree.readAttributes)

        init(base: UnsafePointer<UInt8>, count: Int) {
            self.base = base
            self.count = count
        }

        private static let lessThan: UInt8 = 0x3C, greaterThan: UInt8 = 0x3E, slash: UInt8 = 0x2F
        private static let equals: UInt8 = 0x3D, bang: UInt8 = 0x21
        private static let doubleQuote: UInt8 = 0x22, singleQuote: UInt8 = 0x27, hyphen: UInt8 = 0x2D

        mutating func ranges() -> [Range<Int>] {
            while let open = next(Self.lessThan, from: position) {
                position = open + 1
                guard position < count else { break }
                let first = base[position]
                if Self.isLetter(first) {
                    startTag(opening: open)
                } else if first == Self.slash {
                    endTag(opening: open)
                } else if first == Self.bang, matches("--", at: position + 1) {
                    position = commentEnd(from: position + 3)
                } else if first == Self.bang, matchesIgnoringCase("doctype", at: position + 1) {
                    position = next(Self.greaterThan, from: position).map { $0 + 1 } ?? count
                }
                // Any other `<` is text to libxml2 (`<!x`, `<?x`, `< `): the scan goes on right after it.
            }
            return found
        }

        /// From the first letter of the name to just past the tag; script and style skip their raw text too.
        private mutating func startTag(opening: Int) {
            let nameStart = position
            position = nameEnd(from: position)
            let keepsTag = elementNames.admit(base, nameStart..<position)
            let isRawText = keepsTag && (equalsIgnoringCase(nameStart, "script") || equalsIgnoringCase(nameStart, "style"))
            let rawName = isRawText ? Array(UnsafeBufferPointer(start: base + nameStart, count: position - nameStart)) : []
            var attributes = 0
            var tailStart: Int?
            var selfClosing = false
            while position < count {
                let byte = base[position]
                if byte == 0 || byte == Self.greaterThan { break }
                if byte == Self.slash, position + 1 < count, base[position + 1] == Self.greaterThan {
                    selfClosing = true
                    break
                }
                if Self.isBlank(byte) {
                    position += 1
                    continue
                }
                attributes += 1
                if attributes == MarkupLimits.attributesPerTag + 1 { tailStart = position }
                let start = position
                let name = attribute()
                if keepsTag, tailStart == nil, let name, !attributeNames.admit(base, name) {
                    found.append(start..<position)
                    cuts.unseenNames += 1
                }
            }
            let closed = position < count && base[position] != 0
            let end = closed ? position + (selfClosing ? 2 : 1) : position
            if !keepsTag {
                found.append(opening..<end)
                cuts.unseenNames += 1
            } else if let tailStart {
                found.append(tailStart..<position)
                cuts.longTags += 1
            }
            position = end
            if closed, isRawText, !selfClosing { position = rawTextEnd(name: rawName) }
        }

        /// `</name…>`, read to the next `>` (or NUL) as libxml2 does in recovery; cut when its name is one the
        /// budget refused. Without a name libxml2 reads on after the `</` as text, and so does the scan.
        private mutating func endTag(opening: Int) {
            let nameStart = position + 1
            let nameEnd = nameEnd(from: nameStart)
            guard nameEnd > nameStart else { return }
            var end = nameEnd
            while end < count, base[end] != Self.greaterThan, base[end] != 0 { end += 1 }
            if end < count, base[end] == Self.greaterThan { end += 1 }
            if !elementNames.admit(base, nameStart..<nameEnd) {
                found.append(opening..<end)
                cuts.unseenNames += 1
            }
            position = end
        }

        /// Just past `-->`, or at a NUL byte or the end of the page, where libxml2 gives up on the comment.
        private func commentEnd(from start: Int) -> Int {
            var index = start
            while index < count, base[index] != 0 {
                if base[index] == Self.greaterThan, index >= start + 2, base[index - 1] == Self.hyphen,
                   base[index - 2] == Self.hyphen {
                    return index + 1
                }
                index += 1
            }
            return index
        }

        /// One attribute by `htmlParseAttribute`'s rules, returning its name's range; a token that cannot
        /// start a name is skipped to the next blank or the end of the tag, as libxml2 drops it.
        private mutating func attribute() -> Range<Int>? {
            let start = position
            position = nameEnd(from: position)
            guard position > start else {
                while position < count, !Self.isBlank(base[position]), base[position] != 0,
                      base[position] != Self.greaterThan, !closesTag(at: position) {
                    position += 1
                }
                return nil
            }
            let name = start..<position
            var lookahead = position
            while lookahead < count, Self.isBlank(base[lookahead]) { lookahead += 1 }
            guard lookahead < count, base[lookahead] == Self.equals else { return name }
            position = lookahead + 1
            while position < count, Self.isBlank(base[position]) { position += 1 }
            guard position < count else { return name }
            let quote = base[position]
            if quote == Self.doubleQuote || quote == Self.singleQuote {
                position += 1
                while position < count, base[position] != quote, base[position] != 0 { position += 1 }
                if position < count, base[position] == quote { position += 1 }
            } else {
                while position < count, !Self.isBlank(base[position]), base[position] != 0,
                      base[position] != Self.greaterThan {
                    position += 1
                }
            }
            return name
        }

        /// `htmlParseHTMLName`: a letter, `_`, `:` or `.`, then letters, digits, `:`, `-`, `_`, `.`; at most 100.
        private func nameEnd(from start: Int) -> Int {
            guard start < count, Self.isLetter(base[start]) || base[start] == 0x5F || base[start] == 0x3A
                    || base[start] == 0x2E else { return start }
            var end = start + 1
            while end < count, end - start < 100 {
                let byte = base[end]
                guard Self.isLetter(byte) || (0x30...0x39).contains(byte) || byte == 0x3A || byte == Self.hyphen
                        || byte == 0x5F || byte == 0x2E else { break }
                end += 1
            }
            return end
        }

        /// Just before `</name` (any case), where libxml2's raw-text reading of script and style stops.
        private func rawTextEnd(name: [UInt8]) -> Int {
            var search = position
            while let open = next(Self.lessThan, from: search) {
                if open + 1 < count, base[open + 1] == Self.slash, open + 2 + name.count <= count,
                   name.indices.allSatisfy({ base[open + 2 + $0].asciiLowercased == name[$0].asciiLowercased }) {
                    return open
                }
                search = open + 1
            }
            return count
        }

        private func closesTag(at index: Int) -> Bool {
            base[index] == Self.slash && index + 1 < count && base[index + 1] == Self.greaterThan
        }

        /// `memchr`: most of a page is text between tags, and libc's search is many times faster than a
        /// loop over the bytes (in debug builds, where the tests run, dozens of times).
        private func next(_ byte: UInt8, from start: Int) -> Int? {
            guard start < count, let found = memchr(base + start, Int32(byte), count - start) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }

        private func matches(_ literal: StaticString, at start: Int) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard start + length <= count else { return false }
            return literal.withUTF8Buffer { wanted in (0..<length).allSatisfy { base[start + $0] == wanted[$0] } }
        }

        private func matchesIgnoringCase(_ literal: StaticString, at start: Int) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard start + length <= count else { return false }
            return literal.withUTF8Buffer { wanted in (0..<length).allSatisfy { base[start + $0].asciiLowercased == wanted[$0] } }
        }

        private func equalsIgnoringCase(_ start: Int, _ name: StaticString) -> Bool {
            let length = name.utf8CodeUnitCount
            guard position - start == length else { return false }
            return name.withUTF8Buffer { wanted in (0..<length).allSatisfy { base[start + $0].asciiLowercased == wanted[$0] } }
        }

        private static func isLetter(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }

        /// libxml2's `IS_BLANK_CH`: space, tab, line feed, carriage return.
        private static func isBlank(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
        }
    }
}
