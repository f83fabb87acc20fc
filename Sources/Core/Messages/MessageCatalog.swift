import Foundation

/// The Simplified Chinese forms of what sluice tells a person, kept as data in `Messages/Catalog/zh-*.json` and
/// built into the binary, so an installed sluice speaks Chinese with no file beside it.
///
/// A message is looked up by its English text, as gettext does, so the code that throws or prints keeps one
/// readable sentence and a message with no Chinese form still reaches the person, in English. Messages that
/// carry values are templates: in `"{file}:{line}: {reason*}"` each `{name}` stands for text copied as it is,
/// and `{name*}` for text that is itself a message and is translated in turn. Help pages are whole texts, one
/// per command, kept as lists of lines.
public struct MessageCatalog: Sendable {
    public let language: MessageLanguage
    private let exact: [String: String]
    private let templates: [MessageTemplate]
    private let helpPages: [String: String]

    /// The catalog for `language`; English has none and gives every message back as it is.
    public static func builtIn(_ language: MessageLanguage) -> MessageCatalog {
        language == .zh ? chinese : english
    }

    public static let english = MessageCatalog(language: .en, pairs: [:], helpPages: [:])

    static let chinese: MessageCatalog = {
        do {
            return try MessageCatalog(language: .zh, files: BuiltInCatalog.chineseFiles)
        } catch {
            preconditionFailure("the built-in Chinese message catalog is not valid: \(error)")
        }
    }()

    /// A catalog from the JSON files' bytes: `{"messages": {english: chinese}, "help": {command: [lines]}}`,
    /// either part optional. The same English message in two files is an error, not a silent choice.
    public init(language: MessageLanguage, files: [(name: String, bytes: [UInt8])]) throws {
        var pairs: [String: String] = [:]
        var helpPages: [String: String] = [:]
        for file in files {
            let decoded: CatalogFile
            do {
                decoded = try JSONDecoder().decode(CatalogFile.self, from: Data(file.bytes))
            } catch {
                throw CatalogError(file: file.name, reason: "not a catalog file (\(error))")
            }
            for (english, translated) in decoded.messages ?? [:] {
                if pairs[english] != nil {
                    throw CatalogError(file: file.name, reason: "\"\(english)\" is translated in two files")
                }
                pairs[english] = translated
            }
            for (topic, lines) in decoded.help ?? [:] {
                if helpPages[topic] != nil {
                    throw CatalogError(file: file.name, reason: "help for \"\(topic)\" is given twice")
                }
                helpPages[topic] = lines.joined(separator: "\n")
            }
        }
        self.init(language: language, pairs: pairs, helpPages: helpPages)
    }

    private init(language: MessageLanguage, pairs: [String: String], helpPages: [String: String]) {
        self.language = language
        self.helpPages = helpPages
        var exact: [String: String] = [:]
        var templates: [MessageTemplate] = []
        for (english, translated) in pairs {
            if let template = MessageTemplate(english: english, translated: translated) {
                templates.append(template)
            } else {
                exact[english] = translated
            }
        }
        self.exact = exact
        // The most specific template first: one fixed at both ends before one fixed at one end or none (an open
        // end can swallow another message's text, as "{url} returned HTTP {code}" would take a status line that
        // quotes such an error), then the one with more fixed text, so "{file}:{line}: {reason*}" is tried before
        // "{path}: {reason*}".
        self.templates = templates.sorted {
            ($0.fixedEnds, $0.literalLength, $0.english) > ($1.fixedEnds, $1.literalLength, $1.english)
        }
    }

    /// `message` in the catalog's language; as it is when the catalog has no form of it.
    public func callAsFunction(_ message: String) -> String {
        translate(message, depth: 0)
    }

    /// The help page for a command (`"review"`), or the overview (`""`), when the catalog has one.
    public func help(_ topic: String) -> String? {
        helpPages[topic]
    }

    /// Every English message and template the catalog translates, for the tests that keep it in step with the code.
    public var englishMessages: [String] {
        (Array(exact.keys) + templates.map(\.english)).sorted()
    }

    /// The commands (and "" for the overview) that have a help page in this language.
    public var helpTopics: [String] { helpPages.keys.sorted() }

    private func translate(_ message: String, depth: Int) -> String {
        guard language != .en, !message.isEmpty, depth < 4 else { return message }
        if let translated = exact[message] { return translated }
        for template in templates {
            if let translated = template.apply(to: message, translatingHoles: { translate($0, depth: depth + 1) }) {
                return translated
            }
        }
        if message.contains("\n") {
            return message.split(separator: "\n", omittingEmptySubsequences: false)
                .map { translate(String($0), depth: depth) }.joined(separator: "\n")
        }
        return message
    }
}

/// A built-in catalog file that cannot be read.
public struct CatalogError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String
    public var description: String { "message catalog \(file): \(reason)" }
}

private struct CatalogFile: Decodable {
    var messages: [String: String]?
    var help: [String: [String]]?
}

/// One English message with holes for values, and its translation naming the same holes.
struct MessageTemplate: Sendable {
    struct Hole: Sendable, Equatable {
        var name: String
        /// `{name*}`: the value is a message too.
        var translated: Bool
    }

    enum Piece: Sendable, Equatable {
        case literal(String)
        case hole(Hole)
    }

    let english: String
    /// The English text between the holes: `literals.count == holes.count + 1`, the first and last may be empty.
    let literals: [String]
    let holes: [Hole]
    let output: [Piece]
    var literalLength: Int { literals.reduce(0) { $0 + $1.count } }

    /// How many of the template's two ends are text rather than a hole.
    var fixedEnds: Int { (literals.first?.isEmpty == false ? 1 : 0) + (literals.last?.isEmpty == false ? 1 : 0) }

    /// Nil when `english` has no holes (it is then an exact message) or two holes touch, which no message
    /// could be split by.
    init?(english: String, translated: String) {
        let pieces = MessageTemplate.pieces(english)
        var literals: [String] = [""]
        var holes: [Hole] = []
        for piece in pieces {
            switch piece {
            case .literal(let text): literals[literals.count - 1] += text
            case .hole(let hole):
                if holes.count > 0, literals[literals.count - 1].isEmpty { return nil }
                holes.append(hole)
                literals.append("")
            }
        }
        guard !holes.isEmpty else { return nil }
        self.english = english
        self.literals = literals
        self.holes = holes
        output = MessageTemplate.pieces(translated)
    }

    /// `text` cut into literal text and `{name}` / `{name*}` holes; a brace that does not open a hole is text.
    static func pieces(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            var name = rest[afterOpen..<close]
            let translated = name.hasSuffix("*")
            if translated { name = name.dropLast() }
            if !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && $0.isLetter) }) {
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.hole(Hole(name: String(name), translated: translated)))
            } else {
                literal += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    /// Whether every bracket in `value` is closed in it: a value cut inside "(other: 软文广告)" belongs to a
    /// template that reads the message wrongly, when another reads it whole.
    static func bracketsBalance(_ value: Substring) -> Bool {
        var open: [Character] = []
        for character in value {
            switch character {
            case "(", "[", "（", "【": open.append(character)
            case ")": if open.popLast() != "(" { return false }
            case "]": if open.popLast() != "[" { return false }
            case "）": if open.popLast() != "（" { return false }
            case "】": if open.popLast() != "【" { return false }
            default: break
            }
        }
        return open.isEmpty
    }

    /// The translation of `message` when it has this template's shape: each hole takes the shortest non-empty
    /// text up to the next literal, the last hole all text up to the final literal.
    func apply(to message: String, translatingHoles translate: (String) -> String) -> String? {
        guard let first = literals.first, let last = literals.last, message.hasPrefix(first),
              message.count >= first.count + last.count + holes.count, message.hasSuffix(last) else { return nil }
        let body = message.dropFirst(first.count).dropLast(last.count)
        var values: [String: String] = [:]
        var cursor = body.startIndex
        for (index, hole) in holes.enumerated() {
            let value: Substring
            if index == holes.count - 1 {
                value = body[cursor...]
            } else {
                let literal = literals[index + 1]
                guard cursor < body.endIndex,
                      let found = body[body.index(after: cursor)...].firstRange(of: literal) else { return nil }
                value = body[cursor..<found.lowerBound]
                cursor = found.upperBound
            }
            guard !value.isEmpty, MessageTemplate.bracketsBalance(value) else { return nil }
            values[hole.name] = hole.translated ? translate(String(value)) : String(value)
        }
        return output.map { piece in
            switch piece {
            case .literal(let text): return text
            case .hole(let hole): return values[hole.name] ?? "{\(hole.name)}"
            }
        }.joined()
    }
}
