import SluiceReview

/// What a terminal of a given size shows after a stream of output, for the sequences the review screen uses
/// (cursor moves, clearing, erasing a line, video attributes, the alternate screen). Characters take their
/// display width in cells. A character that would not fit before the right edge is not wrapped as a terminal
/// would: it is recorded in `overflows`, the sign of a line wider than the screen.
struct VirtualScreen {
    let columns: Int
    let rows: Int
    /// One string per cell; the cell right of a wide character holds "".
    private var cells: [[String]]
    private var row = 0
    private var column = 0
    /// The rows (1-based) where text ran past the right edge or below the last row.
    private(set) var overflows: [Int] = []

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        cells = Array(repeating: Array(repeating: " ", count: columns), count: rows)
    }

    init(columns: Int, rows: Int, output: String) {
        self.init(columns: columns, rows: rows)
        feed(output)
    }

    /// The text of each row, trailing blanks removed.
    var lines: [String] {
        cells.map { String($0.joined().reversed().drop { $0 == " " }.reversed()) }
    }

    var text: String { lines.joined(separator: "\n") }

    mutating func feed(_ output: String) {
        var characters = Array(output)[...]
        while let character = characters.popFirst() {
            switch character {
            case "\u{1B}":
                guard characters.first == "[" else {
                    characters = characters.dropFirst()
                    continue
                }
                characters = characters.dropFirst()
                var parameters = ""
                while let next = characters.first, next.isASCII, next == ";" || next == "?" || next.isNumber {
                    parameters.append(next)
                    characters = characters.dropFirst()
                }
                guard let final = characters.popFirst() else { return }
                control(final, parameters)
            case "\r", "\r\n":
                column = 0
                if character == "\r\n" { row += 1 }
            case "\n":
                row += 1
            default:
                put(character)
            }
        }
    }

    private mutating func control(_ final: Character, _ parameters: String) {
        let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        switch final {
        case "H":
            row = max(1, numbers.first.flatMap { $0 } ?? 1) - 1
            column = max(1, numbers.dropFirst().first.flatMap { $0 } ?? 1) - 1
        case "J" where parameters == "2":
            clear()
        case "K":
            guard (0..<rows).contains(row) else { return }
            for index in min(column, columns)..<columns { cells[row][index] = " " }
        case "h" where parameters == "?1049":
            clear()
        default:
            break
        }
    }

    private mutating func clear() {
        cells = Array(repeating: Array(repeating: " ", count: columns), count: rows)
    }

    private mutating func put(_ character: Character) {
        let width = TerminalText.displayWidth(String(character))
        guard (0..<rows).contains(row), column + width <= columns else {
            overflows.append(row + 1)
            return
        }
        guard width > 0 else { return }
        cells[row][column] = String(character)
        if width == 2 { cells[row][column + 1] = "" }
        column += width
    }
}
