import Foundation
import Glibc

/// The full-screen review: one card at a time, single keys, decisions saved as they are made.
///
/// Runs on the calling thread with the terminal in raw mode, restored on every way out (see `RawTerminal`).
/// The screen is redrawn whole after every key and whenever the terminal changes size; every string from the
/// card or the store goes through `TerminalText` first, so only the screen's own sequences reach the terminal.
public struct InteractiveReview {
    let backend: any ReviewBackend
    let moderator: String
    let input: Int32
    let output: Int32
    let pager: String?

    public init(backend: any ReviewBackend, moderator: String, input: Int32, output: Int32, pager: String?) {
        self.backend = backend
        self.moderator = moderator
        self.input = input
        self.output = output
        self.pager = pager
    }

    public func run() throws -> ReviewSummary {
        let terminal = try RawTerminal(input: input, output: output)
        defer { terminal.restore() }
        let session = ReviewSession(backend: backend, moderator: moderator)
        // The screen is gone by then; a claim that cannot be released lapses by itself.
        defer { _ = session.finish() }
        let screen = Screen(terminal: terminal, keys: KeyReader(descriptor: input), moderator: moderator)
        screen.message = try session.start()
        while true {
            screen.drawCard(session)
            guard let action = readAction(screen, session) else { return session.summary }
            switch session.perform(action) {
            case .quit:
                return session.summary
            case .help:
                screen.showHelp()
            case .text(let title, let body):
                screen.message = ""
                if let pager { screen.runPager(pager, title: title, body: body) } else { screen.page(title: title, body: body) }
            case .show(let message):
                screen.message = message
            }
        }
    }

    /// Waits for a key and turns it into an action, asking what a reject or an edit needs; nil ends the
    /// session (Ctrl-C, Ctrl-D, the terminal gone).
    private func readAction(_ screen: Screen, _ session: ReviewSession) -> ReviewAction? {
        while true {
            switch screen.nextKey() {
            case .interrupt, .end: return nil
            case .character("a"): return .approve
            case .character("r") where session.current != nil:
                if let action = askReject(screen) { return action }
            case .character("e") where session.current != nil:
                if let action = askEdit(screen, session.current) { return action }
            case .character("s"): return .skip
            case .character("u"): return .undo
            case .character("v"): return .view
            case .character("j"), .down: return .next
            case .character("k"), .up: return .previous
            case .character("?"): return .help
            case .character("q"): return .quit
            case .idle: continue
            default:
                screen.message = "keys: a r e s u v j k ? q"
            }
            screen.drawCard(session)
        }
    }

    private func askReject(_ screen: Screen) -> ReviewAction? {
        screen.message = ""
        screen.drawPrompt("reject: \(RejectReason.menu)")
        while true {
            switch screen.nextKey() {
            case .character(let key):
                guard let number = key.wholeNumberValue, let reason = RejectReason(key: number) else { continue }
                guard reason == .other else { return .reject(reason, text: nil) }
                guard let text = screen.readLine(prompt: "why: "), !text.isEmpty else { return nil }
                return .reject(.other, text: text)
            case .idle: continue
            default:
                screen.message = "reject cancelled"
                return nil
            }
        }
    }

    private func askEdit(_ screen: Screen, _ card: ReviewCard?) -> ReviewAction? {
        guard let card else { return nil }
        screen.message = ""
        screen.drawPrompt("edit? c category, t title, s summary, Esc cancels")
        let field: EditField
        while true {
            let key = screen.nextKey()
            if key == .idle { continue }
            switch key {
            case .character("c"): field = .category
            case .character("t"): field = .title
            case .character("s"): field = .summary
            default:
                screen.message = "edit cancelled"
                return nil
            }
            break
        }
        switch field {
        case .category:
            let names = backend.categories()
            let menu = names.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "  ")
            screen.message = "categories: " + menu
            guard let answer = screen.readLine(prompt: "category (number or name): ", initial: ""),
                  !answer.isEmpty else { return nil }
            if let number = Int(answer), names.indices.contains(number - 1) {
                return .edit(field: .category, value: names[number - 1])
            }
            return .edit(field: .category, value: answer)
        case .title, .summary:
            let current = field == .title ? card.title : card.excerpt
            guard let answer = screen.readLine(prompt: "\(field.rawValue): ", initial: current ?? ""),
                  !answer.isEmpty else { return nil }
            return .edit(field: field, value: answer)
        }
    }
}

/// Draws the review screen on a raw terminal and reads keys for it. Owned by the screen's thread.
final class Screen {
    let terminal: RawTerminal
    let keys: KeyReader
    let moderator: String
    var message = ""
    private var drawnSize = (columns: 0, rows: 0)
    private var redraw: () -> Void = {}

    static let keyHints = "a approve r reject e edit s skip u undo v view j/k next/prev ? help q quit"

    init(terminal: RawTerminal, keys: KeyReader, moderator: String) {
        self.terminal = terminal
        self.keys = keys
        self.moderator = moderator
    }

    /// The next key; while waiting, a change of terminal size redraws whatever is on screen.
    func nextKey() -> Key {
        let key = keys.next(timeout: 100)
        let size = terminal.size
        if size != drawnSize { redraw() }
        return key
    }

    func drawCard(_ session: ReviewSession) {
        redraw = { [weak self] in self?.drawCard(session) }
        let size = terminal.size
        var header = "\(moderator) · \(session.position)"
        let body: [String]
        if let card = session.current {
            header += " · " + CardRenderer.status(of: card)
            body = CardRenderer(width: size.columns, height: max(0, size.rows - 3)).lines(for: card)
        } else {
            body = ["", "No more items to review.", "k goes back to the previous item, q quits."]
        }
        frame(header: header, body: body, bottom: [message, Self.keyHints])
    }

    func showHelp() {
        let help = [
            "a  approve the item", "r  reject it, then 1–6 picks the reason: " + RejectReason.menu,
            "   (6 other asks for a text)", "e  edit: c category, t title, s summary", "s  skip it for now",
            "u  undo your last decision", "v  view the full extracted text", "j / ↓  next item    k / ↑  previous item",
            "?  this help", "q  quit (Ctrl-C too); every decision is already saved", "Esc cancels a reject or an edit",
        ]
        redraw = { [weak self] in
            self?.frame(header: "sluice review · help", body: help, bottom: ["", "any key returns to the item"])
        }
        redraw()
        while nextKey() == .idle {}
    }

    /// Shows one line of prompt above the key hints, without touching the card.
    func drawPrompt(_ prompt: String) {
        let size = terminal.size
        terminal.write(Self.row(size.rows - 1) + TerminalText.fit(prompt, columns: size.columns) + "\u{1B}[K")
    }

    /// Reads a line of text on the prompt row: Enter accepts, Esc or Ctrl-C cancels (nil).
    func readLine(prompt: String, initial: String = "") -> String? {
        var text = initial
        let savedRedraw = redraw
        defer { redraw = savedRedraw }
        redraw = { [weak self] in
            savedRedraw()
            self?.drawEditor(prompt, text)
        }
        while true {
            drawEditor(prompt, text)
            switch nextKey() {
            case .enter: return text
            case .escape, .interrupt, .end:
                message = "cancelled"
                return nil
            case .backspace:
                if !text.isEmpty { text.removeLast() }
            case .character(let character):
                if !character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    text.append(character)
                }
            default: break
            }
        }
    }

    /// The message on its row, then the prompt and the end of the text typed so far on the row above the
    /// hints, with the cursor shown after it.
    private func drawEditor(_ prompt: String, _ text: String) {
        let size = terminal.size
        let room = max(1, size.columns - TerminalText.displayWidth(prompt) - 1)
        var visible = TerminalText.sanitize(text)
        while TerminalText.displayWidth(visible) > room { visible.removeFirst() }
        let line = TerminalText.fit(prompt, columns: size.columns) + visible
        terminal.write(Self.row(size.rows - 2) + TerminalText.fit(message, columns: size.columns) + "\u{1B}[K"
                       + Self.row(size.rows - 1) + line + "\u{1B}[K\u{1B}[?25h")
    }

    /// The built-in pager: the text wrapped to the screen, a page at a time.
    func page(title: String, body: String) {
        var top = 0
        var lines: [String] = []
        var wrappedFor = 0
        var height = 1
        redraw = { [weak self] in
            guard let self else { return }
            let size = terminal.size
            if wrappedFor != size.columns {
                lines = TerminalText.wrap(body, columns: size.columns)
                wrappedFor = size.columns
            }
            height = max(1, size.rows - 2)
            top = max(0, min(top, lines.count - height))
            let shown = Array(lines[top..<min(lines.count, top + height)])
            let place = "lines \(top + 1)–\(top + shown.count) of \(lines.count)"
            frame(header: "full text · \(title)", body: shown,
                  bottom: ["\(place) · space/j/↓ on  b/k/↑ back  q back to the item"])
        }
        redraw()
        while true {
            switch nextKey() {
            case .idle: continue
            case .character(" "), .character("j"), .down, .enter: top += height
            case .character("b"), .character("k"), .up: top -= height
            default: return
            }
            redraw()
        }
    }

    /// Hands the terminal to `$PAGER` with the sanitized text in a temporary file, then takes it back.
    func runPager(_ pager: String, title: String, body: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-view-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try Data(TerminalText.sanitize(title + "\n\n" + body).utf8).write(to: file)
            terminal.suspend()
            defer { terminal.resume() }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", pager + " \"$1\"", "sluice-pager", file.path]
            process.standardInput = FileHandle(fileDescriptor: terminal.input, closeOnDealloc: false)
            process.standardOutput = FileHandle(fileDescriptor: terminal.output, closeOnDealloc: false)
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                message = "pager \(pager) exited with status \(process.terminationStatus)"
            }
        } catch {
            message = "cannot show the text with \(pager): \(error)"
        }
    }

    /// Draws a whole screen in one write: header in reverse video, body, and bottom lines on the last rows.
    private func frame(header: String, body: [String], bottom: [String]) {
        let size = terminal.size
        drawnSize = size
        var out = "\u{1B}[?25l\u{1B}[H\u{1B}[2J"
        out += Self.row(1) + "\u{1B}[7m" + TerminalText.pad(header, columns: size.columns) + "\u{1B}[0m"
        let bodyRows = max(0, size.rows - 1 - bottom.count)
        for (offset, line) in body.prefix(bodyRows).enumerated() {
            out += Self.row(offset + 2) + TerminalText.fit(line, columns: size.columns)
        }
        for (offset, line) in bottom.enumerated() {
            out += Self.row(size.rows - bottom.count + 1 + offset) + TerminalText.fit(line, columns: size.columns)
        }
        terminal.write(out)
    }

    private static func row(_ number: Int) -> String {
        "\u{1B}[\(max(1, number));1H"
    }
}
