internal import CLibXML2

/// One parsed HTML page: owns the libxml2 `htmlDocPtr` and frees it with `xmlFreeDoc` in `deinit`.
///
/// Not thread-safe and not `Sendable`: a libxml2 tree belongs to the thread that parsed it. Callers read the
/// tree through `DocumentTree`, a Swift copy built in one iterative walk, so no libxml2 pointer leaves this type.
package final class HTMLDocument {
    private let document: htmlDocPtr
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

    /// Parses `html`; throws `ParseFailure` when libxml2 produces no document at all.
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
        let parsed: htmlDocPtr? = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                htmlCtxtReadMemory(context, chars.baseAddress, Int32(clamping: chars.count), url, "UTF-8",
                                   Self.parseOptions)
            }
        }
        guard let parsed else { throw ParseFailure.noDocument(bytes: text.utf8.count) }
        document = parsed
        // xmlStopParser (depth limit) and the huge-text-node check both disable SAX: whatever followed
        // never reached the tree.
        truncated = context.pointee.disableSAX != 0
    }

    deinit {
        xmlFreeDoc(document)
    }

    /// Copies the tree into Swift values in one iterative pre-order walk (no recursion, so deep nesting
    /// cannot exhaust the stack). Comments and processing instructions are left out.
    func tree() -> DocumentTree {
        var builder = DocumentTree.Builder()
        guard let root = xmlDocGetRootElement(document) else { return builder.finish() }
        // The parser interns element and attribute names in its dictionary: one Swift string per distinct
        // pointer saves a conversion and a lower-casing per node.
        var names = NameCache()
        var node: xmlNodePtr? = root
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                let (name, kind) = current.pointee.name.map { names.element(for: $0) } ?? ("", [])
                builder.openElement(name: name, kind: kind,
                                    attributes: attributes(of: current, names: &names, keepingTitle: name == "abbr"))
                descend = current.pointee.children != nil
                if !descend { builder.closeElement() }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    builder.appendText(String(cString: content))
                }
            default:
                break
            }
            if descend, let child = current.pointee.children {
                node = child
                continue
            }
            var climbing: xmlNodePtr? = current
            node = nil
            while let step = climbing, step != root {
                if let next = step.pointee.next {
                    node = next
                    break
                }
                climbing = step.pointee.parent
                if climbing?.pointee.type == XML_ELEMENT_NODE { builder.closeElement() }
            }
        }
        return builder.finish()
    }

    /// The attributes the extractor reads; `title` only where `keepingTitle` (hAtom's `<abbr>`): elsewhere it
    /// is a tooltip, on most links of a page.
    private func attributes(of element: xmlNodePtr, names: inout NameCache, keepingTitle: Bool) -> [DocumentTree.Attribute] {
        var result: [DocumentTree.Attribute] = []
        var attribute = element.pointee.properties
        var count = 0
        while let current = attribute {
            count += 1
            attribute = current.pointee.next
        }
        result.reserveCapacity(count)
        attribute = element.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard let namePointer = current.pointee.name, let name = names.attribute(for: namePointer),
                  keepingTitle || name != "title" else { continue }
            let value: String
            if let child = current.pointee.children, child.pointee.next == nil,
               child.pointee.type == XML_TEXT_NODE, let content = child.pointee.content {
                value = String(cString: content)
            } else if let joined = xmlNodeListGetString(document, current.pointee.children, 1) {
                value = String(cString: joined)
                sluice_xml_free(joined)
            } else {
                value = ""
            }
            result.append(DocumentTree.Attribute(name: name, value: value))
        }
        return result
    }
}

@available(*, unavailable)
extension HTMLDocument: Sendable {}

/// Lower-cased Swift names for the interned name pointers of one document; lives only during `tree()`.
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
