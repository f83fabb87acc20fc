import SluiceCore

/// A readability-style scorer: finds the element holding the article body and renders it as paragraphs.
///
/// Lengths count characters, not words, because CJK text has no spaces; Chinese punctuation counts as
/// clause marks. Navigation, comments, share widgets and hidden elements are excluded before scoring.
struct MainText {
    /// Readability's retry ladder: when a strict pass finds too little text, the page is scored again
    /// with fewer removals (a wrapper named "sidebar" or "header" may hold the whole article).
    struct Strictness: CaseIterable {
        var stripUnlikely: Bool
        var weighClasses: Bool
        var cleanConditionally: Bool

        static let allCases = [
            Strictness(stripUnlikely: true, weighClasses: true, cleanConditionally: true),
            Strictness(stripUnlikely: false, weighClasses: true, cleanConditionally: true),
            Strictness(stripUnlikely: false, weighClasses: false, cleanConditionally: true),
            Strictness(stripUnlikely: false, weighClasses: false, cleanConditionally: false),
        ]
    }

    private let tree: DocumentTree
    private let traits: [ElementTraits]
    private let strictness: Strictness
    private var excluded: [Bool]
    private var inLink: [Bool]
    private var nearestBlock: [Int]
    /// Class/id weight: positive for article-like names, negative for widget-like ones.
    private var weight: [Int]
    /// Visible characters in the subtree (excluded parts left out), and those inside links.
    private var textLength: [Int]
    private var linkLength: [Int]
    private var marks: [Int]
    /// Text whose nearest block is this element (its own paragraph text).
    private var ownLength: [Int]
    private var ownLinkLength: [Int]
    private var ownMarks: [Int]

    static let ignoredTags: Set<String> = [
        "script", "style", "noscript", "template", "textarea", "svg", "math", "iframe", "object", "embed",
        "select", "option", "button", "input", "canvas", "head", "title", "nav", "footer", "aside", "link",
        "meta", "dialog", "menu", "label",
    ]
    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "td", "th", "li", "ul", "ol", "dl", "dd", "dt", "blockquote",
        "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "tbody", "thead", "tfoot", "header", "figure",
        "figcaption", "address", "center", "body", "html", "form", "fieldset", "hr", "caption",
    ]
    private static let conditionallyCleaned: Set<String> = [
        "div", "section", "ul", "ol", "table", "form", "fieldset", "header", "dl",
    ]
    private static let unlikelyNames = [
        "-ad-", "banner", "breadcrumb", "combx", "comment", "community", "disqus", "footer", "gdpr",
        "header", "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar", "skyscraper",
        "social", "sponsor", "pagination", "pager", "popup", "share", "recommend", "login", "copyright",
        "navbar", "topbar", "toolbar", "cookie", "subscribe", "newsletter",
    ]
    private static let maybeNames = ["and", "article", "body", "column", "content", "main", "shadow", "rich_media"]
    private static let positiveNames = [
        "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text", "blog",
        "story", "rich_media", "detail",
    ]
    private static let negativeNames = [
        "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "foot", "masthead", "media",
        "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper",
        "sponsor", "shopping", "tags", "tool", "widget", "recommend", "hot",
    ]

    init(tree: DocumentTree, traits: [ElementTraits], strictness: Strictness = Strictness.allCases[0]) {
        self.tree = tree
        self.traits = traits
        self.strictness = strictness
        let count = tree.nodes.count
        excluded = Array(repeating: false, count: count)
        inLink = Array(repeating: false, count: count)
        nearestBlock = Array(repeating: -1, count: count)
        weight = Array(repeating: 0, count: count)
        textLength = Array(repeating: 0, count: count)
        linkLength = Array(repeating: 0, count: count)
        marks = Array(repeating: 0, count: count)
        ownLength = Array(repeating: 0, count: count)
        ownLinkLength = Array(repeating: 0, count: count)
        ownMarks = Array(repeating: 0, count: count)
        classify()
        measure()
    }

    private mutating func classify() {
        for index in tree.nodes.indices {
            let parent = tree.nodes[index].parent
            let parentExcluded = parent >= 0 && excluded[parent]
            let parentBlock = parent >= 0 ? nearestBlock[parent] : -1
            let parentInLink = parent >= 0 && inLink[parent]
            let trait = traits[index]
            if strictness.weighClasses { weight[index] = trait.classWeight }
            excluded[index] = parentExcluded || trait.ignored || (strictness.stripUnlikely && trait.unlikely)
            nearestBlock[index] = trait.block ? index : parentBlock
            inLink[index] = parentInLink || trait.link
        }
    }

    private static func isHidden(_ node: DocumentTree.Node) -> Bool {
        if node.attribute("hidden") != nil || node.attribute("aria-hidden") == "true" { return true }
        return hiddenStyles.occurs(in: node.attribute("style"))
    }

    private mutating func measure() {
        for index in tree.nodes.indices.reversed() where !excluded[index] {
            let node = tree.nodes[index]
            if node.isText {
                let length = Script.visibleLength(node.text)
                guard length > 0 else { continue }
                let clauseMarks = Script.clauseMarks(node.text)
                textLength[index] = length
                marks[index] = clauseMarks
                if inLink[index] { linkLength[index] = length }
                let block = nearestBlock[index]
                if block >= 0 {
                    ownLength[block] += length
                    ownMarks[block] += clauseMarks
                    if inLink[index] { ownLinkLength[block] += length }
                }
            }
            let parent = node.parent
            if parent >= 0 {
                textLength[parent] += textLength[index]
                linkLength[parent] += linkLength[index]
                marks[parent] += marks[index]
            }
        }
    }

    private func linkDensity(_ index: Int) -> Double {
        textLength[index] == 0 ? 0 : Double(linkLength[index]) / Double(textLength[index])
    }

    private static func baseScore(_ name: String) -> Double {
        switch name {
        case "div", "article", "main": 5
        case "pre", "td", "blockquote": 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": -5
        default: 0
        }
    }

    /// The roots whose rendered text is the article body, best first.
    func contentRoots() -> [Int] {
        var score = Array(repeating: 0.0, count: tree.nodes.count)
        var isCandidate = Array(repeating: false, count: tree.nodes.count)
        for block in tree.nodes.indices where !excluded[block] && ownLength[block] >= 25
            && Double(ownLinkLength[block]) < 0.6 * Double(ownLength[block]) {
            let paragraphScore = 1 + Double(ownMarks[block]) + min(Double(ownLength[block] / 100), 3)
            var ancestor = tree.nodes[block].parent
            var level = 0
            while ancestor >= 0, level < 5, tree.nodes[ancestor].name != "html" {
                if !isCandidate[ancestor] {
                    isCandidate[ancestor] = true
                    score[ancestor] = Self.baseScore(tree.nodes[ancestor].name) + Double(weight[ancestor])
                }
                let divider = level == 0 ? 1.0 : level == 1 ? 2.0 : Double(level * 3)
                score[ancestor] += paragraphScore / divider
                ancestor = tree.nodes[ancestor].parent
                level += 1
            }
        }
        var best = -1
        for index in tree.nodes.indices where isCandidate[index] {
            score[index] *= 1 - linkDensity(index)
            if best < 0 || score[index] > score[best] { best = index }
        }
        guard best >= 0 else { return body().map { [$0] } ?? [] }
        best = sharedAncestor(of: best, score: score, isCandidate: isCandidate)
        best = climb(from: best, score: score, isCandidate: isCandidate)
        return gatherSiblings(of: best, score: score, isCandidate: isCandidate)
    }

    /// Readability's rule for articles split into sibling sections: when at least three of the five best
    /// candidates score within 75 % of the best and share an ancestor with it, that ancestor is the article.
    private func sharedAncestor(of best: Int, score: [Double], isCandidate: [Bool]) -> Int {
        let runnersUp = tree.nodes.indices.filter { isCandidate[$0] && $0 != best }
            .sorted { score[$0] > score[$1] }.prefix(4)
            .filter { score[best] > 0 && score[$0] / score[best] >= 0.75 }
        guard runnersUp.count >= 3 else { return best }
        var ancestor = tree.nodes[best].parent
        while ancestor >= 0, tree.nodes[ancestor].name != "body" {
            let contained = runnersUp.filter { $0 > ancestor && $0 < tree.nodes[ancestor].end }.count
            if contained >= 3 { return ancestor }
            ancestor = tree.nodes[ancestor].parent
        }
        return best
    }

    /// Moves up while the element is its parent's only content, or while the parent scores better.
    private func climb(from start: Int, score: [Double], isCandidate: [Bool]) -> Int {
        var current = start
        let threshold = score[start] / 3
        var lastScore = score[start]
        while true {
            let parent = tree.nodes[current].parent
            guard parent >= 0, tree.nodes[parent].name != "html" else { return current }
            let siblingText = textLength[parent] - textLength[current]
            if siblingText < 10, tree.nodes[parent].name != "body" {
                current = parent
                continue
            }
            guard isCandidate[parent], score[parent] >= threshold, score[parent] > lastScore,
                  tree.nodes[parent].name != "body" else { return current }
            lastScore = score[parent]
            current = parent
        }
    }

    private func gatherSiblings(of top: Int, score: [Double], isCandidate: [Bool]) -> [Int] {
        let parent = tree.nodes[top].parent
        guard parent >= 0 else { return [top] }
        let threshold = max(10, score[top] * 0.2)
        let topClass = tree.nodes[top].attribute("class")
        var roots: [Int] = []
        for sibling in tree.children(of: parent) {
            if sibling == top {
                roots.append(sibling)
                continue
            }
            guard !excluded[sibling], !tree.nodes[sibling].isText, textLength[sibling] > 0 else { continue }
            var siblingScore = isCandidate[sibling] ? score[sibling] : 0
            if let topClass, !topClass.isEmpty, tree.nodes[sibling].attribute("class") == topClass {
                siblingScore += score[top] * 0.2
            }
            let density = linkDensity(sibling)
            let isParagraph = tree.nodes[sibling].name == "p"
            if siblingScore >= threshold || (isParagraph && textLength[sibling] > 80 && density < 0.25)
                || (isParagraph && density == 0 && endsSentence(sibling)) {
                roots.append(sibling)
            }
        }
        return roots
    }

    private func endsSentence(_ index: Int) -> Bool {
        tree.text(of: index).unicodeScalars.reversed().first { !TextCleaning.isWhiteSpace($0) }.map(Script.isSentenceEnd) ?? false
    }

    private func body() -> Int? {
        tree.nodes.indices.first { tree.nodes[$0].name == "body" }
    }

    /// Drops nested widgets inside the chosen content: negative names, link lists, image galleries and
    /// fragments too short to be prose (readability's conditional cleaning).
    private func isClutter(_ index: Int) -> Bool {
        let node = tree.nodes[index]
        guard Self.conditionallyCleaned.contains(node.name) else { return false }
        if weight[index] < 0 { return true }
        guard marks[index] < 10 else { return false }
        let counts = traits[index].descendants
        let (paragraphs, images, items, headings) = (counts.paragraphs, counts.images, counts.items, counts.headings)
        let density = linkDensity(index)
        let isList = node.name == "ul" || node.name == "ol"
        if images > 1, Double(paragraphs) / Double(images) < 0.5 { return true }
        if !isList, items > paragraphs + 1, density > 0.1 { return true }
        if textLength[index] < 25, images == 0, headings == 0, density > 0 { return true }
        if weight[index] < 25, density > 0.3 { return true }
        if weight[index] >= 25, density > 0.5 { return true }
        return false
    }

    /// What each element's tag, class and id say about it, and what its subtree holds, computed once per page
    /// for every pass (the subtree counts in one pass from the end, so nested containers cost no re-walk).
    static func traits(of tree: DocumentTree) -> [ElementTraits] {
        var traits = ownTraits(of: tree)
        for index in tree.nodes.indices.reversed() {
            let parent = tree.nodes[index].parent
            guard parent >= 0 else { continue }
            var counts = traits[index].descendants
            switch tree.nodes[index].name {
            case "p", "br": counts.paragraphs += 1
            case "img": counts.images += 1
            case "li": counts.items += 1
            case "h1", "h2", "h3", "h4", "h5", "h6": counts.headings += 1
            default: break
            }
            traits[parent].descendants.add(counts)
        }
        return traits
    }

    private static func ownTraits(of tree: DocumentTree) -> [ElementTraits] {
        // Pages repeat a few class names on many elements: each distinct value is searched once.
        var known: [String: UInt8] = [:]
        func categories(_ value: String?) -> UInt8 {
            guard let value else { return 0 }
            if let found = known[value] { return found }
            let found = classNeedles.categories(in: value)
            known[value] = found
            return found
        }
        return tree.nodes.map { node in
            guard !node.isText else { return ElementTraits() }
            var trait = ElementTraits()
            trait.block = node.kind.contains(.block)
            trait.link = node.kind.contains(.link)
            trait.ignored = node.kind.contains(.ignored) || isHidden(node)
            let className = node.attribute("class"), id = node.attribute("id")
            guard className != nil || id != nil else { return trait }
            let found = categories(className) | categories(id)
            trait.classWeight = (found & Self.positiveBit != 0 ? 25 : 0) - (found & Self.negativeBit != 0 ? 25 : 0)
            trait.unlikely = found & Self.unlikelyBit != 0 && found & Self.maybeBit == 0
                && !Self.neverUnlikely.contains(node.name)
            return trait
        }
    }

    private static let neverUnlikely: Set<String> = ["html", "body", "a", "article", "main"]
    private static let hiddenStyles = NeedleSet(["display:none", "display: none", "display :none", "display : none"])
    private static let positiveBit: UInt8 = 1, negativeBit: UInt8 = 2, unlikelyBit: UInt8 = 4, maybeBit: UInt8 = 8
    private static let classNeedles = NeedleSet(categories: [
        (positiveNames, positiveBit), (negativeNames, negativeBit), (unlikelyNames, unlikelyBit), (maybeNames, maybeBit),
    ])

    /// The article body as paragraphs and the roots it came from: the first pass of the retry ladder that
    /// yields enough text (500 characters, or 200 in CJK scripts), else the longest.
    static func extract(from tree: DocumentTree) -> (paragraphs: [String], roots: [Int]) {
        var best: (paragraphs: [String], roots: [Int], length: Int) = ([], [], -1)
        let traits = traits(of: tree)
        let anyUnlikely = traits.contains { $0.unlikely }
        let anyWeight = traits.contains { $0.classWeight != 0 }
        for (step, strictness) in Strictness.allCases.enumerated() {
            // A pass that relaxes a rule the page never triggered would repeat the previous one.
            if step == 1 && !anyUnlikely || step == 2 && !anyWeight { continue }
            let scorer = MainText(tree: tree, traits: traits, strictness: strictness)
            let roots = scorer.contentRoots()
            let paragraphs = scorer.render(roots)
            var length = 0, characterTokens = 0
            for paragraph in paragraphs {
                for scalar in paragraph.unicodeScalars where !TextCleaning.isWhiteSpace(scalar) {
                    length += 1
                    if Script.isCharacterToken(scalar) { characterTokens += 1 }
                }
            }
            if length >= 500 || characterTokens >= 200 { return (paragraphs, roots) }
            if length > best.length { best = (paragraphs, roots, length) }
        }
        return (best.paragraphs, best.roots)
    }

    /// Renders the roots as paragraphs: a block element or `<br>` starts a new one.
    func render(_ roots: [Int]) -> [String] {
        var paragraphs: [String] = []
        var current = ""
        func flush() {
            let line = TextCleaning.line(current, limit: .max)
            if !line.isEmpty { paragraphs.append(line) }
            current = ""
        }
        for root in roots {
            var openBlocks: [Int] = []
            var position = root
            while position < tree.nodes[root].end {
                while let last = openBlocks.last, position >= tree.nodes[last].end {
                    openBlocks.removeLast()
                    flush()
                }
                let node = tree.nodes[position]
                if excluded[position] || (strictness.cleanConditionally && position != root && isClutter(position)) {
                    position = node.end
                    continue
                }
                if node.isText {
                    current += node.text
                } else if node.name == "br" {
                    flush()
                } else if node.kind.contains(.block) {
                    flush()
                    openBlocks.append(position)
                } else if node.name == "img" {
                    current += " "
                }
                position += 1
            }
            flush()
        }
        return paragraphs
    }
}

/// Flags of one element for the main-text passes.
struct ElementTraits {
    /// Elements below this one that conditional cleaning weighs: paragraphs and line breaks, images, list
    /// items and headings.
    struct Descendants {
        var paragraphs = 0
        var images = 0
        var items = 0
        var headings = 0

        mutating func add(_ other: Descendants) {
            paragraphs += other.paragraphs
            images += other.images
            items += other.items
            headings += other.headings
        }
    }

    var descendants = Descendants()
    var classWeight = 0
    /// Never part of the text: scripts, forms, navigation, hidden elements.
    var ignored = false
    /// Class or id names a widget (sidebar, comments, share bar) and nothing article-like.
    var unlikely = false
    var block = false
    var link = false
}

/// Several words searched for in one pass, ASCII letters without case: needles are grouped by first byte, so each position of the
/// haystack is compared only with the needles that can start there, and a position no needle starts at costs one table look-up
/// (long scripts are searched for a few markers, and most of their bytes start none).
struct NeedleSet: Sendable {
    /// Every needle's lowercased bytes, one after another, sorted by first byte; needle `n` is
    /// `bytes[starts[n]..<starts[n + 1]]`. One flat buffer: a match attempt touches no array of its own.
    private let bytes: [UInt8]
    private let starts: [Int]
    private let needleCategories: [UInt8]
    /// Needles starting with byte `b` are the numbers `groupStart[b]..<groupStart[b + 1]`.
    private let groupStart: [Int]
    /// For each first byte (lowercased), the categories of the needles starting with it.
    private let startingCategories: [UInt8]
    /// One bit per pair of first two bytes (lowercased) some needle starts with; a one-byte needle sets every
    /// pair of its byte. In CJK text nearly every third byte is a lead byte some needle shares, but few pairs are.
    private let startingPairs: [UInt64]
    private let allCategories: UInt8

    init(_ words: [String]) {
        self.init(categories: [(words, 1)])
    }

    /// Words in up to eight categories, each a distinct bit; `categories(in:)` reports which occur.
    init(categories: [(words: [String], bit: UInt8)]) {
        var groups = Array(repeating: [(bytes: [UInt8], category: UInt8)](), count: 256)
        var all: UInt8 = 0
        for (words, bit) in categories {
            all |= bit
            for word in words where !word.isEmpty {
                let lowered = word.utf8.map(\.asciiLowercased)
                groups[Int(lowered[0])].append((lowered, bit))
            }
        }
        let needles = groups.flatMap { $0 }
        bytes = needles.flatMap(\.bytes)
        starts = needles.reduce(into: [0]) { starts, needle in starts.append(starts.last! + needle.bytes.count) }
        needleCategories = needles.map(\.category)
        groupStart = groups.reduce(into: [0]) { starts, group in starts.append(starts.last! + group.count) }
        startingCategories = groups.map { group in group.reduce(0) { $0 | $1.category } }
        var pairs = [UInt64](repeating: 0, count: 65_536 / 64)
        for needle in needles {
            let first = Int(needle.bytes[0]) << 8
            let seconds = needle.bytes.count > 1 ? [Int(needle.bytes[1])] : Array(0..<256)
            for second in seconds { pairs[(first | second) >> 6] |= 1 << UInt64((first | second) & 63) }
        }
        startingPairs = pairs
        allCategories = all
    }

    /// True when a needle occurs in `text`, ASCII letters compared without case.
    func occurs(in text: String?) -> Bool {
        categories(in: text) != 0
    }

    /// The categories of every needle occurring in `text`, found in one pass.
    func categories(in text: String?) -> UInt8 {
        guard let text, !text.isEmpty else { return 0 }
        return text.utf8.withContiguousStorageIfAvailable { categories(in: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { categories(in: $0) }
    }

    private func categories(in buffer: UnsafeBufferPointer<UInt8>) -> UInt8 {
        bytes.withUnsafeBufferPointer { bytes in
            starts.withUnsafeBufferPointer { starts in
                needleCategories.withUnsafeBufferPointer { needleCategories in
                    startingCategories.withUnsafeBufferPointer { startingCategories in
                        groupStart.withUnsafeBufferPointer { groupStart in
                            var found: UInt8 = 0
                            for start in buffer.indices {
                                let first = Int(buffer[start].asciiLowercased)
                                guard startingCategories[first] & ~found != 0 else { continue }
                                if start + 1 < buffer.count {
                                    let pair = first << 8 | Int(buffer[start + 1].asciiLowercased)
                                    guard startingPairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
                                }
                                for needle in groupStart[first]..<groupStart[first + 1] where found & needleCategories[needle] == 0 {
                                    let length = starts[needle + 1] - starts[needle]
                                    guard start + length <= buffer.count else { continue }
                                    var offset = 1
                                    while offset < length, buffer[start + offset].asciiLowercased == bytes[starts[needle] + offset] {
                                        offset += 1
                                    }
                                    guard offset == length else { continue }
                                    found |= needleCategories[needle]
                                    if found == allCategories { return found }
                                }
                            }
                            return found
                        }
                    }
                }
            }
        }
    }
}
