/// A Swift copy of a parsed page: nodes in document (pre-order) order, each knowing its parent and the end
/// of its subtree, so every walk over it is a loop over an index range rather than recursion.
struct DocumentTree {
    struct Attribute {
        var name: String
        var value: String
    }

    /// What the main-text passes need to know about an element name, looked up once per element.
    struct Kind: OptionSet {
        let rawValue: UInt8
        static let block = Kind(rawValue: 1)
        static let ignored = Kind(rawValue: 2)
        static let link = Kind(rawValue: 4)
        /// Containers whose text no reader sees as page text; pages hide decoy titles there.
        static let decoy = Kind(rawValue: 8)
        static let decoyNames: Set<String> = ["noscript", "template", "textarea", "svg", "script", "style"]

        init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        init(name: String) {
            var kind: Kind = []
            if MainText.blockTags.contains(name) { kind.insert(.block) }
            if MainText.ignoredTags.contains(name) { kind.insert(.ignored) }
            if name == "a" { kind.insert(.link) }
            if Self.decoyNames.contains(name) { kind.insert(.decoy) }
            self = kind
        }
    }

    struct Node {
        /// Lower-case element name; empty for a text node.
        var name: String
        var kind: Kind
        /// Text of a text node; empty for an element.
        var text: String
        var attributes: [Attribute]
        var parent: Int
        /// One past the last index of this node's subtree.
        var end: Int

        var isText: Bool { name.isEmpty }

        func attribute(_ wanted: String) -> String? {
            attributes.first { $0.name == wanted }?.value
        }
    }

    private(set) var nodes: [Node]

    /// The attributes any extraction step reads; the copy leaves out all others.
    static let readAttributes = Set<String>([
        "class", "id", "style", "hidden", "aria-hidden", "href", "src", "data-src", "data-original", "content",
        "property", "name", "itemprop", "rel", "lang", "xml:lang", "datetime", "type", "pubdate",
        // hAtom's published time, read on <abbr> elements only (see `HTMLDocument`).
        "title",
    ]).union(Metadata.publishAttributeNames)

    /// Direct children of `index`, skipping each child's own subtree.
    func children(of index: Int) -> [Int] {
        var result: [Int] = []
        var child = index + 1
        while child < nodes[index].end {
            result.append(child)
            child = nodes[child].end
        }
        return result
    }

    /// Text of the subtree, whitespace runs kept as they are. With `separatingBlocks`, a space stands for each
    /// block element and `<br>` (block boundaries inside a heading still divide words). The walk stops once
    /// `limit` UTF-8 bytes are collected, so reading a field from an element that wraps the whole page costs
    /// no more than the field.
    func text(of index: Int, separatingBlocks: Bool = false, limit: Int = .max) -> String {
        var result = ""
        var length = 0
        var position = index
        while position < nodes[index].end, length < limit {
            if nodes[position].isText {
                result += nodes[position].text
                length += nodes[position].text.utf8.count
            } else if separatingBlocks, position != index,
                      nodes[position].kind.contains(.block) || nodes[position].name == "br" {
                result += " "
                length += 1
            }
            position += 1
        }
        return result
    }

    /// True when `index` lies inside an element named in `names`.
    func isInside(_ index: Int, anyOf names: Set<String>) -> Bool {
        var ancestor = nodes[index].parent
        while ancestor >= 0 {
            if names.contains(nodes[ancestor].name) { return true }
            ancestor = nodes[ancestor].parent
        }
        return false
    }

    /// Builds the tree from open/close/text events.
    struct Builder {
        private var nodes: [Node] = []
        private var open: [Int] = []

        /// Elements open now.
        var depth: Int { open.count }

        /// UTF-8 bytes of the text node the next text would join, 0 when it would start a new one.
        var trailingTextBytes: Int {
            joinableText.map { nodes[$0].text.utf8.count } ?? 0
        }

        /// The last node when it is text directly under the element open now: text appended next joins it.
        private var joinableText: Int? {
            guard let last = nodes.indices.last, nodes[last].isText, nodes[last].parent == (open.last ?? -1) else {
                return nil
            }
            return last
        }

        mutating func openElement(name: String, kind: Kind, attributes: [Attribute]) {
            nodes.append(Node(name: name.isEmpty ? "?" : name, kind: kind, text: "", attributes: attributes,
                              parent: open.last ?? -1, end: nodes.count + 1))
            open.append(nodes.count - 1)
        }

        mutating func closeElement() {
            guard let index = open.popLast() else { return }
            nodes[index].end = nodes.count
        }

        /// Text right after text under the same element joins it: the parser reports one run of text in pieces
        /// (at entities, at the end of its buffer).
        mutating func appendText(_ text: String) {
            if let last = joinableText {
                nodes[last].text += text
                return
            }
            nodes.append(Node(name: "", kind: [], text: text, attributes: [], parent: open.last ?? -1, end: nodes.count + 1))
        }

        mutating func finish() -> DocumentTree {
            while !open.isEmpty { closeElement() }
            return DocumentTree(nodes: nodes)
        }
    }
}
