import Foundation
import Glibc
import SluiceCore

/// The full-screen review: one card at a time, single keys, decisions saved as they are made.
///
/// Runs on the calling thread with the terminal in raw mode, restored on every way out (see `RawTerminal`).
/// The screen is redrawn whole after every key and whenever the terminal changes size; every string from the
/// card or the store goes through `TerminalText` first, so only the screen's own sequences reach the terminal.
/// Everything the screen says is in the catalog's language.
public struct InteractiveReview {
    let backend: any ReviewBackend
    let moderator: String
    let input: Int32
    let output: Int32
    let pager: String?
    let catalog: MessageCatalog

    public init(backend: any ReviewBackend, moderator: String, input: Int32, output: Int32, pager: String?,
                catalog: MessageCatalog = .english) {
        self.backend = backend
        self.moderator = moderator
        self.input = input
        self.output = output
        self.pager = pager
        self.catalog = catalog
    }

    public func run() throws -> ReviewSummary {
        let terminal = try RawTerminal(input: input, output: output)
        defer { terminal.restore() }
        let session = ReviewSession(backend: backend, moderator: moderator)
        // The screen is gone by then; a claim that cannot be released lapses by itself.
        defer { _ = session.finish() }
        let screen = Screen(terminal: terminal, keys: KeyReader(descriptor: input), moderator: moderator,
                            catalog: catalog)
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
        screen.menu = ["reject:"] + RejectReason.allCases.map { "\($0.key) \(catalog($0.label))" } + ["Esc cancels"]
        defer { screen.menu = [] }
        screen.redraw()
        while true {
            switch screen.nextKey() {
            case .character(let key):
                guard let number = key.wholeNumberValue, let reason = RejectReason(key: number) else { continue }
                guard reason == .other else { return .reject(reason, text: nil) }
                screen.menu = []
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
        screen.menu = ["edit:", "c category", "t title", "s summary", "Esc cancels"]
        defer { screen.menu = [] }
        screen.redraw()
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
            screen.menu = ["categories:"] + names.enumerated().map { "\($0.offset + 1) \($0.element)" }
            guard let answer = screen.readLine(prompt: "category (number or name): ", initial: ""),
                  !answer.isEmpty else { return nil }
            if let number = Int(answer), names.indices.contains(number - 1) {
                return .edit(field: .category, value: names[number - 1])
            }
            return .edit(field: .category, value: answer)
        case .title, .summary:
            let current = field == .title ? card.title : card.excerpt
            let prompt = field == .title ? "title: " : "summary: "
            guard let answer = screen.readLine(prompt: prompt, initial: current ?? ""), !answer.isEmpty else { return nil }
            return .edit(field: field, value: answer)
        }
    }
}

/// Draws the review screen on a raw terminal and reads keys for it. Owned by the screen's thread.
///
/// Every row is laid out by display width and fits the terminal: the header, the key line and the menus
/// wrap between their entries onto as many rows as they need, and the card takes the rows left. Each row is
/// written after an absolute cursor move on a screen just cleared, never followed by an erase: a row exactly
/// as wide as the terminal leaves the cursor in the last column's pending wrap, which the next move cancels,
/// whereas `ESC [K` there would erase that last character.
final class Screen {
    let terminal: RawTerminal
    let keys: KeyReader
    let moderator: String
    let catalog: MessageCatalog
    /// A note for the moderator, in English: shown in the catalog's language above the key line.
    var message = ""
    /// The choices of a question being asked (a reject's reasons, an edit's fields), first its title; the
    /// entries are English and translated as they are drawn.
    var menu: [String] = []
    /// A line being typed: its prompt (English) and the text so far.
    private var editor: (prompt: String, text: String)?
    private var drawnSize = (columns: 0, rows: 0)
    private(set) var redraw: () -> Void = {}

    /// What each key does, in English; each entry is kept whole when the key line wraps.
    static let keyHints = ["a approve", "r reject", "e edit", "s skip", "u undo", "v view", "j/k next/prev",
                           "? help", "q quit"]

    /// Rows a message may take above the key line; the last one ends in `…` when it needs more.
    private static let messageRows = 2

    init(terminal: RawTerminal, keys: KeyReader, moderator: String, catalog: MessageCatalog) {
        self.terminal = terminal
        self.keys = keys
        self.moderator = moderator
        self.catalog = catalog
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
        var header = [moderator, session.position]
        var bottom = Self.wrapped(ReviewSession.translated(message, catalog), columns: size.columns,
                                  rows: Self.messageRows)
        if !menu.isEmpty {
            let entries = menu.map { catalog($0) }
            // The title rides on the first choice, so it never stands alone at the end of a row.
            bottom += TerminalText.wrapEntries([entries[0] + " " + (entries.dropFirst().first ?? "")] + entries.dropFirst(2),
                                               columns: size.columns)
        }
        var cursorRow: Int?
        if let editor {
            cursorRow = bottom.count
            bottom.append(Self.editorLine(catalog(editor.prompt), editor.text, columns: size.columns))
        }
        bottom += TerminalText.wrapEntries(Self.keyHints.map { catalog($0) }, columns: size.columns)
        let body: [String]
        if let card = session.current {
            header += CardRenderer.status(of: card, catalog)
            let headerRows = Self.headerLines(header, columns: size.columns).count
            let height = max(0, size.rows - headerRows - bottom.count)
            body = CardRenderer(width: size.columns, height: height, catalog: catalog).lines(for: card)
        } else {
            body = ["", catalog("No more items to review."), catalog("k goes back to the previous item, q quits.")]
                .flatMap { TerminalText.wrap($0, columns: size.columns) }
        }
        frame(header: header, body: body, bottom: bottom, cursorRow: cursorRow)
    }

    func showHelp() {
        let reasons = RejectReason.allCases.map { "\($0.key) \(catalog($0.label))" }
        redraw = { [weak self] in
            guard let self else { return }
            let columns = terminal.size.columns
            let help = Self.helpIntro.flatMap { TerminalText.wrap(catalog($0), columns: columns) }
                + TerminalText.wrapEntries(reasons, columns: columns - 3).map { "   " + $0 }
                + Self.helpRest.flatMap { TerminalText.wrap(catalog($0), columns: columns) }
            frame(header: ["sluice review", catalog("help")], body: help,
                  bottom: [""] + TerminalText.wrap(catalog("any key returns to the item"), columns: columns),
                  cursorRow: nil)
        }
        redraw()
        while nextKey() == .idle {}
    }

    /// The help page before the list of reject reasons, and after it.
    private static let helpIntro = ["a  approve the item", "r  reject it, then 1–6 picks the reason:"]
    private static let helpRest = [
        "   (6 other asks for a text)", "e  edit: c category, t title, s summary", "s  skip it for now",
        "u  undo your last decision", "v  view the full extracted text", "j / ↓  next item    k / ↑  previous item",
        "?  this help", "q  quit (Ctrl-C too); every decision is already saved", "Esc cancels a reject or an edit",
    ]

    /// Reads a line of text on the prompt row: Enter accepts, Esc or Ctrl-C cancels (nil).
    func readLine(prompt: String, initial: String = "") -> String? {
        editor = (prompt, initial)
        defer { editor = nil }
        while true {
            redraw()
            guard let text = editor?.text else { return nil }
            switch nextKey() {
            case .enter: return text
            case .escape, .interrupt, .end:
                message = "cancelled"
                return nil
            case .backspace:
                if !text.isEmpty { editor?.text.removeLast() }
            case .character(let character):
                if !character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    editor?.text.append(character)
                }
            default: break
            }
        }
    }

    /// The prompt and the end of the text typed so far, with a column left for the cursor after it.
    private static func editorLine(_ prompt: String, _ text: String, columns: Int) -> String {
        let shownPrompt = TerminalText.fit(prompt, columns: max(1, columns / 2))
        let room = max(1, columns - TerminalText.displayWidth(shownPrompt) - 1)
        var visible = TerminalText.fit(text, columns: .max)
        while TerminalText.displayWidth(visible) > room { visible.removeFirst() }
        return shownPrompt + visible
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
            let header = [catalog("full text · \(title)")]
            func keys() -> [String] {
                let place = catalog("lines \(top + 1)–\(min(lines.count, top + height)) of \(lines.count)")
                return TerminalText.wrapEntries([place, catalog("space/j/↓ on"), catalog("b/k/↑ back"),
                                                 catalog("q back to the item")], columns: size.columns)
            }
            height = max(1, size.rows - Self.headerLines(header, columns: size.columns).count - keys().count)
            top = max(0, min(top, lines.count - height))
            let shown = Array(lines[top..<min(lines.count, top + height)])
            let bottom = keys()
            frame(header: header, body: shown, bottom: bottom, cursorRow: nil)
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

    /// Draws a whole screen in one write: the header in reverse video (its parts wrapped onto as many rows
    /// as they need), the body, and the bottom lines on the last rows. With `cursorRow`, that bottom line is
    /// written last and the cursor shown after it.
    private func frame(header: [String], body: [String], bottom: [String], cursorRow: Int?) {
        let size = terminal.size
        drawnSize = size
        var out = "\u{1B}[?25l\u{1B}[H\u{1B}[2J"
        let headerRows = Array(Self.headerLines(header, columns: size.columns).prefix(max(1, size.rows - bottom.count)))
        for (offset, line) in headerRows.enumerated() {
            out += Self.row(offset + 1) + "\u{1B}[7m" + TerminalText.pad(line, columns: size.columns) + "\u{1B}[0m"
        }
        let bodyRows = max(0, size.rows - headerRows.count - bottom.count)
        for (offset, line) in body.prefix(bodyRows).enumerated() {
            out += Self.row(headerRows.count + offset + 1) + TerminalText.fit(line, columns: size.columns)
        }
        let firstBottomRow = size.rows - bottom.count + 1
        for (offset, line) in bottom.enumerated() where offset != cursorRow {
            out += Self.row(firstBottomRow + offset) + TerminalText.fit(line, columns: size.columns)
        }
        if let cursorRow, bottom.indices.contains(cursorRow) {
            out += Self.row(firstBottomRow + cursorRow) + TerminalText.fit(bottom[cursorRow], columns: size.columns)
                + "\u{1B}[?25h"
        }
        terminal.write(out)
    }

    /// The header's parts, ` · ` between them, on as many rows as they need.
    private static func headerLines(_ parts: [String], columns: Int) -> [String] {
        TerminalText.wrapEntries(parts, columns: columns, separator: " · ")
    }

    /// A message wrapped to the screen in at most `rows` rows, the last one cut with `…` when it needs more.
    private static func wrapped(_ message: String, columns: Int, rows: Int) -> [String] {
        var lines = TerminalText.wrap(message, columns: columns)
        if lines.count > rows {
            lines = Array(lines.prefix(rows))
            lines[rows - 1] = TerminalText.fit(lines[rows - 1] + "…", columns: columns)
        }
        return lines
    }

    private static func row(_ number: Int) -> String {
        "\u{1B}[\(max(1, number));1H"
    }
}
