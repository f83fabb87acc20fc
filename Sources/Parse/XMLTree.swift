import Foundation
internal import CLibXML2

/// A small XML document (a part of an `.xlsx` file, a feed) as Swift values, parsed by libxml2 and copied
/// out at once, so no libxml2 pointer leaves this module (each C library is imported by one module).
///
/// Parsing is strict and closed to the outside: not well-formed input is an error with libxml2's own
/// message and line; no network, no external DTD, no entity expansion beyond XML's five, libxml2's default
/// (non-huge) limits; a document with a DTD is refused outright (SECURITY.md item 15, billion-laughs).
public struct XMLTree: Sendable, Equatable {
    /// One element: its local name (prefix dropped), attributes by local name, child elements in order and
    /// the text of its direct text and CDATA children, joined.
    public struct Element: Sendable, Equatable {
        public var name: String
        public var attributes: [String: String]
        public var children: [Element]
        public var text: String

        /// The first child element named `name`.
        public func child(_ name: String) -> Element? {
            children.first { $0.name == name }
        }

        /// Every child element named `name`, in order.
        public func children(_ name: String) -> [Element] {
            children.filter { $0.name == name }
        }

        /// The text of this element and of all elements below it, in document order.
        public var allText: String {
            var collected = ""
            var stack: [Element] = [self]
            while let element = stack.popLast() {
                collected += element.text
                stack.append(contentsOf: element.children.reversed())
            }
            return collected
        }
    }

    public var root: Element

    /// Parses `data` (UTF-8, as the parts of an Office Open XML package are); `name` appears in errors.
    public static func parse(_ data: Data, name: String) throws(XMLTreeError) -> XMLTree {
        let document = try XMLDocument(data, name: name)
        return XMLTree(root: try document.rootElement(name: name))
    }
}

/// Why an XML document could not be read: the document's name and the reason (libxml2's message and line
/// when the parser refused it).
public struct XMLTreeError: Error, Equatable, CustomStringConvertible {
    public var document: String
    public var reason: String

    public init(document: String, reason: String) {
        self.document = document
        self.reason = reason
    }

    public var description: String { "\(document): \(reason)" }
}

/// Owns one parsed `xmlDocPtr` and frees it with `xmlFreeDoc` in `deinit`. Not `Sendable`: the tree is
/// copied into `XMLTree.Element` values on the thread that parsed it.
private final class XMLDocument {
    private let document: xmlDocPtr

    /// Not NOENT, not DTDLOAD, not HUGE: entities stay unexpanded and limits stay on. The bytes are read
    /// as UTF-8 whatever the declaration says (no UTF-7, no silent Latin-1).
    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
        | XML_PARSE_NOWARNING.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_COMPACT.rawValue)

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    init(_ data: Data, name: String) throws(XMLTreeError) {
        _ = Self.initialized
        // Reports would otherwise reach the thread's generic handler, which prints to stderr; the message
        // is read from the context instead.
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        guard let context = xmlNewParserCtxt() else {
            throw XMLTreeError(document: name, reason: "libxml2 could not allocate a parser context")
        }
        defer { xmlFreeParserCtxt(context) }
        guard data.count <= Int(Int32.max) else { throw XMLTreeError(document: name, reason: "too large to parse") }
        let parsed: xmlDocPtr? = data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return nil }
            return xmlCtxtReadMemory(context, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil,
                                     "UTF-8", Self.options)
        }
        let wellFormed = context.pointee.wellFormed != 0
        guard let parsed, wellFormed else {
            if let parsed { xmlFreeDoc(parsed) }
            throw XMLTreeError(document: name, reason: Self.lastError(context) ?? "not well-formed XML")
        }
        document = parsed
        if parsed.pointee.intSubset != nil || parsed.pointee.extSubset != nil {
            throw XMLTreeError(document: name, reason: "declares a DTD, which no spreadsheet part has: refused")
        }
    }

    deinit {
        xmlFreeDoc(document)
    }

    private static func lastError(_ context: xmlParserCtxtPtr) -> String? {
        guard let error = xmlCtxtGetLastError(context), let message = error.pointee.message else { return nil }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return "not well-formed XML at line \(error.pointee.line): \(text)"
    }

    /// Copies the tree in one iterative walk (no recursion: nesting cannot exhaust the stack).
    func rootElement(name: String) throws(XMLTreeError) -> XMLTree.Element {
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLTreeError(document: name, reason: "has no root element")
        }
        var stack: [XMLTree.Element] = []
        var node: xmlNodePtr? = root
        var finished: XMLTree.Element?
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                stack.append(XMLTree.Element(name: current.pointee.name.map { String(cString: $0) } ?? "",
                                             attributes: attributes(of: current), children: [], text: ""))
                descend = current.pointee.children != nil
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content, !stack.isEmpty {
                    stack[stack.count - 1].text += String(cString: content)
                }
            default:
                break
            }
            if descend, let child = current.pointee.children {
                node = child
                continue
            }
            // Close the element just opened if it had no children, then every ancestor that has no next sibling.
            var step: xmlNodePtr? = current
            node = nil
            while let here = step {
                if here.pointee.type == XML_ELEMENT_NODE, let closed = stack.popLast() {
                    if stack.isEmpty { finished = closed } else { stack[stack.count - 1].children.append(closed) }
                }
                if here == root { break }
                if let next = here.pointee.next {
                    node = next
                    break
                }
                step = here.pointee.parent
            }
        }
        guard let finished else { throw XMLTreeError(document: name, reason: "has no root element") }
        return finished
    }

    private func attributes(of element: xmlNodePtr) -> [String: String] {
        var result: [String: String] = [:]
        var attribute = element.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard let namePointer = current.pointee.name else { continue }
            var value = ""
            if let joined = xmlNodeListGetString(document, current.pointee.children, 1) {
                value = String(cString: joined)
                sluice_xml_free(joined)
            }
            result[String(cString: namePointer)] = value
        }
        return result
    }
}
