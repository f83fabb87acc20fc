import Foundation
import SluiceCore

/// Review without a terminal: commands one per line on `input` (`a`, `r 2`, `r 6 text`, `e title text`, `s`,
/// `u`, `v`, `j`, `k`, `?`, `q`), each card printed as plain sanitized text on `output`. End of input quits.
/// Scriptable, and the same session logic as the interactive screen; what it writes is in the catalog's
/// language, the commands are the same in every language.
public struct LineReview {
    let backend: any ReviewBackend
    let moderator: String
    let input: FileHandle
    let output: FileHandle
    let catalog: MessageCatalog
    /// Columns the cards are laid out in.
    var width = 80

    public init(backend: any ReviewBackend, moderator: String, input: FileHandle, output: FileHandle,
                catalog: MessageCatalog = .english) {
        self.backend = backend
        self.moderator = moderator
        self.input = input
        self.output = output
        self.catalog = catalog
    }

    public func run() throws -> ReviewSummary {
        let session = ReviewSession(backend: backend, moderator: moderator)
        say(ReviewSession.translated(try session.start(), catalog))
        showCard(session)
        var reader = LineReader(input: input)
        reading: while let line = reader.next() {
            let action: ReviewAction
            do {
                guard let parsed = try ReviewCommand.parse(line, catalog) else { continue }
                action = parsed
            } catch {
                say(catalog("\(error)"))
                continue
            }
            switch session.perform(action) {
            case .quit:
                break reading
            case .help:
                say(ReviewCommand.lineHelp(catalog))
            case .text(let title, let body):
                say(catalog("── full text of \(title) ──"))
                say(body)
                say(catalog("── end of full text ──"))
            case .show(let message):
                say(ReviewSession.translated(message, catalog))
                showCard(session)
            }
        }
        say(ReviewSession.translated(session.finish(), catalog))
        say(catalog(Self.farewell(session.summary)))
        return session.summary
    }

    private func showCard(_ session: ReviewSession) {
        guard let card = session.current else { return }
        let header = "── " + ([session.position] + CardRenderer.status(of: card, catalog)).joined(separator: " · ") + " "
        let rule = String(repeating: "─", count: max(0, width - TerminalText.displayWidth(header)))
        var lines = [TerminalText.fit(header + rule, columns: width)]
        lines += CardRenderer(width: width, height: nil, catalog: catalog).lines(for: card)
        output.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Writes a message, sanitized like every other string that reaches the terminal.
    private func say(_ message: String) {
        guard !message.isEmpty else { return }
        output.write(Data((TerminalText.sanitize(message) + "\n").utf8))
    }

    static func farewell(_ summary: ReviewSummary) -> String {
        "session ended: \(summary.approved) approved, \(summary.rejected) rejected, \(summary.edited) edited, "
            + "\(summary.skipped) skipped, \(summary.undone) undone"
    }
}

/// Splits a file handle's bytes into lines, decoding each as UTF-8 (invalid bytes become U+FFFD).
struct LineReader {
    let input: FileHandle
    private var buffer = Data()
    private var finished = false

    init(input: FileHandle) {
        self.input = input
    }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return Self.decode(line)
            }
            if finished {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return Self.decode(buffer)
            }
            let chunk = input.availableData
            if chunk.isEmpty { finished = true } else { buffer += chunk }
        }
    }

    private static func decode(_ bytes: Data) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}

/// A command line that cannot be understood; the message says what was expected.
struct ReviewCommandError: Error, CustomStringConvertible {
    var description: String
}

/// The line syntax of review commands.
enum ReviewCommand {
    /// The action a line asks for, nil for a blank line; the reasons an error lists are in the catalog's language.
    static func parse(_ line: String, _ catalog: MessageCatalog = .english) throws -> ReviewAction? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.split(separator: " ", maxSplits: 1).first else { return nil }
        let rest = trimmed.dropFirst(first.count).trimmingCharacters(in: .whitespaces)
        switch first {
        case "a": return .approve
        case "s": return .skip
        case "u": return .undo
        case "v": return .view
        case "j": return .next
        case "k": return .previous
        case "?", "h", "help": return .help
        case "q", "quit": return .quit
        case "r": return try reject(rest, catalog)
        case "e": return try edit(rest)
        default:
            throw ReviewCommandError(description: "unknown command '\(trimmed)': type ? for the commands")
        }
    }

    private static func reject(_ arguments: String, _ catalog: MessageCatalog) throws -> ReviewAction {
        let parts = arguments.split(separator: " ", maxSplits: 1)
        guard let number = parts.first.flatMap({ Int($0) }), let reason = RejectReason(key: number) else {
            throw ReviewCommandError(description: "r needs a reason number: \(menu(catalog))")
        }
        let text = parts.count > 1 ? String(parts[1]) : nil
        if reason == .other && text == nil {
            throw ReviewCommandError(description: "r 6 (other) needs a text: r 6 why it is rejected")
        }
        return .reject(reason, text: text)
    }

    private static func edit(_ arguments: String) throws -> ReviewAction {
        let parts = arguments.split(separator: " ", maxSplits: 1)
        let fields = EditField.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = parts.first, let field = EditField(rawValue: String(name)), parts.count == 2 else {
            throw ReviewCommandError(description: "e needs a field (\(fields)) and a value: e title 新标题")
        }
        return .edit(field: field, value: String(parts[1]))
    }

    /// `1 duplicate 2 hype/scam …` in the catalog's language.
    static func menu(_ catalog: MessageCatalog) -> String {
        RejectReason.allCases.map { "\($0.key) \(catalog($0.label))" }.joined(separator: " ")
    }

    static func lineHelp(_ catalog: MessageCatalog) -> String {
        [
            "commands, one per line:",
            "  a                approve",
            "  r N [text]       reject, N the reason (6 needs a text):",
            "                   " + menu(catalog),
            "  e FIELD VALUE    edit category, title or summary",
            "  s                skip       u  undo the last decision",
            "  v                full text  j/k  next/previous item",
            "  ?                this help  q  quit",
        ].map { catalog($0) }.joined(separator: "\n")
    }
}
