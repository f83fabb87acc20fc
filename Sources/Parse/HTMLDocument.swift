internal import CLibXML2

/// One parsed HTML page as a `DocumentTree`, built straight from libxml2's parser events.
///
/// libxml2 tokenizes and repairs the markup (implied and auto-closed elements, entities) and reports each element,
/// end and text run to the callbacks here, which build the Swift tree; libxml2 never builds a tree of its own, so
/// nothing is allocated twice and nothing is left to free but the parser context, freed before `init` returns. No
/// libxml2 pointer outlives the parse.
package struct HTMLDocument {
    let tree: DocumentTree
    /// libxml2 stopped early (nesting deeper than 256, a text node over 10 MB, or memory) and silently
    /// dropped the rest of the page.
    let truncated: Bool
    /// What `MarkupLimits` cut from the page before parsing.
    let cuts: MarkupLimits.Cuts

    /// libxml2 reads the bytes as UTF-8 and ignores any charset the page declares: the fetch stage has
    /// already decoded it, and libxml2 would otherwise honour labels such as UTF-7 or re-read the text as
    /// Latin-1 after one bad byte. No network, no DTD loading, no entity expansion beyond HTML's own,
    /// default (non-huge) limits.
    static let parseOptions: Int32 = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
        | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
        | HTML_PARSE_COMPACT.rawValue)

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Only the events the tree needs; comments, processing instructions and the doctype are left out.
    private static func installEvents(in handler: inout htmlSAXHandler) {
        handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            TreeEvents.from(context).openElement(name, attributes)
        }
        handler.endElement = { context, _ in
            TreeEvents.from(context).closeElement()
        }
        handler.characters = { context, characters, length in
            TreeEvents.from(context).appendText(characters, length)
        }
        handler.cdataBlock = { context, characters, length in
            TreeEvents.from(context).appendText(characters, length)
        }
    }

    /// Parses `html`; throws `ParseFailure` when libxml2 cannot start (no memory, or no input at all).
    package init(html: String, url: String?) throws(ParseFailure) {
        _ = Self.initialized
        // HTML_PARSE_NOERROR silences the parser's own reports, but encoding and I/O errors still go to the
        // thread's generic handler, which prints to stderr. A structured handler takes precedence over it
        // (libxml2 keeps both per thread); ours drops the report: truncation is read from the context.
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        guard let context = htmlNewParserCtxt() else { throw ParseFailure.noMemory }
        defer { htmlFreeParserCtxt(context) }
        let limited = MarkupLimits.apply(to: html)
        cuts = limited.cuts
        var text = limited.html
        guard !text.utf8.isEmpty else { throw ParseFailure.noDocument(bytes: 0) }
        // The context owns its handler table; the parser calls it with `userData`, which it never reads itself.
        Self.installEvents(in: &context.pointee.sax.pointee)
        let events = TreeEvents(parser: context)
        withExtendedLifetime(events) {
            context.pointee.userData = Unmanaged.passUnretained(events).toOpaque()
            text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    // Without a start-document handler the parser makes no document; should a libxml2 version
                    // make one anyway, it is freed here.
                    if let unexpected = htmlCtxtReadMemory(context, chars.baseAddress, Int32(clamping: chars.count), url,
                                                           "UTF-8", Self.parseOptions) {
                        xmlFreeDoc(unexpected)
                    }
                }
            }
        }
        tree = events.builder.finish()
        // xmlStopParser (depth limit) and the huge-text-node check both disable SAX: whatever followed
        // never reached the tree.
        truncated = context.pointee.disableSAX != 0
    }

    /// libxml2 parsing `html` into its own tree and freeing it, as a program using libxml2 alone does: the
    /// reference that extraction speed is measured against.
    package static func parseAlone(html: String) {
        _ = initialized
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        var text = html
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let document = htmlReadMemory(chars.baseAddress, Int32(clamping: chars.count), nil, "UTF-8",
                                                 parseOptions) {
                    xmlFreeDoc(document)
                }
            }
        }
    }
}

/// The tree being built during one parse, reached from libxml2's callbacks through the context's `userData`.
/// It lives on the parsing thread only, for the length of `HTMLDocument.init`.
///
/// It keeps the two limits libxml2's own tree builder enforces (they live in that builder, not in the parser):
/// elements nested deeper than 256, and a text node over 10,000,000 bytes, stop the parse, and the rest of the
/// page is dropped and flagged as truncated, as before.
private final class TreeEvents {
    static let maximumDepth = 256
    static let maximumTextBytes = 10_000_000

    let parser: htmlParserCtxtPtr
    var builder = DocumentTree.Builder()
    /// Set once a limit stopped the parse: libxml2 may still close open elements, but nothing more is added.
    private var stopped = false
    // The parser interns element and attribute names in its dictionary: one Swift string per distinct
    // pointer saves a conversion and a lower-casing per node.
    var names = NameCache()

    init(parser: htmlParserCtxtPtr) {
        self.parser = parser
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> TreeEvents {
        // Every callback comes from a parse started in `HTMLDocument.init`, which set `userData` to its events.
        Unmanaged<TreeEvents>.fromOpaque(context!).takeUnretainedValue()
    }

    func openElement(_ namePointer: UnsafePointer<xmlChar>?,
                     _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !stopped else { return }
        guard builder.depth <= Self.maximumDepth else { return stop() }
        let (name, kind) = namePointer.map { names.element(for: $0) } ?? ("", [])
        builder.openElement(name: name, kind: kind, attributes: read(attributes, keepingTitle: name == "abbr"))
    }

    func appendText(_ characters: UnsafePointer<xmlChar>?, _ length: Int32) {
        guard !stopped, let characters, length > 0 else { return }
        guard builder.trailingTextBytes + Int(length) <= Self.maximumTextBytes else { return stop() }
        builder.appendText(String(decoding: UnsafeBufferPointer(start: characters, count: Int(length)), as: UTF8.self))
    }

    func closeElement() {
        if !stopped { builder.closeElement() }
    }

    private func stop() {
        stopped = true
        xmlStopParser(parser)
    }

    /// The attributes the extractor reads, from libxml2's name/value list (a value is nil for a bare
    /// attribute); `title` only where `keepingTitle` (hAtom's `<abbr>`): elsewhere it is a tooltip, on most
    /// links of a page.
    private func read(_ list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, keepingTitle: Bool) -> [DocumentTree.Attribute] {
        guard let list else { return [] }
        var result: [DocumentTree.Attribute] = []
        var index = 0
        while let namePointer = list[index] {
            let valuePointer = list[index + 1]
            index += 2
            guard let name = names.attribute(for: namePointer), keepingTitle || name != "title" else { continue }
            result.append(DocumentTree.Attribute(name: name, value: valuePointer.map { String(cString: $0) } ?? ""))
        }
        return result
    }
}

/// Lower-cased Swift names for the interned name pointers of one document; lives only during one parse.
private struct NameCache {
    private var names: [UnsafePointer<xmlChar>: (name: String, kind: DocumentTree.Kind)] = Dictionary(minimumCapacity: 128)

    mutating func element(for pointer: UnsafePointer<xmlChar>) -> (String, DocumentTree.Kind) {
        if let known = names[pointer] { return known }
        let name = String(cString: pointer).lowercased()
        let entry = (name: name, kind: DocumentTree.Kind(name: name))
        names[pointer] = entry
        return entry
    }

    private var attributes: [UnsafePointer<xmlChar>: String?] = Dictionary(minimumCapacity: 64)

    /// The attribute's name when the extractor reads it; nil for the rest (event handlers, data, ARIA…),
    /// whose values are never copied.
    mutating func attribute(for pointer: UnsafePointer<xmlChar>) -> String? {
        if let known = attributes[pointer] { return known }
        let name = String(cString: pointer).lowercased()
        let kept: String? = DocumentTree.readAttributes.contains(name) ? name : nil
        attributes[pointer] = kept
        return kept
    }
}

/// Why libxml2 gave no document for a page.
package enum ParseFailure: Error, CustomStringConvertible {
    case noMemory
    case noDocument(bytes: Int)

    package var description: String {
        switch self {
        case .noMemory: "libxml2 could not allocate a parser context"
        case .noDocument(let bytes): "libxml2 produced no document from \(bytes) bytes"
        }
    }
}
