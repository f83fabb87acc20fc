/// What the help texts say about each command, read out of them for the manual page and the shell completions,
/// so neither can drift from `--help`: the subcommands (the word after the command on a usage line), the
/// options (every `--name` the text mentions) and the values an option takes (`--format md|html|json|atom`, or
/// a lowercase word after an option on a usage line, as in `--stage classify`).
struct CommandReference: Sendable {
    var name: String
    var help: String
    var subcommands: [String]
    var options: [String]
    var values: [String: [String]]
    /// The options written with a value after them (`--by VOLUNTEER`, `--out=FILE`), as opposed to flags.
    var takesValue: Set<String>

    /// Every command, in the order the overview introduces them (the rest after, by name).
    static var all: [CommandReference] {
        orderedNames.compactMap { name in Command.commands[name].map { CommandReference(name: name, help: $0.help) } }
    }

    /// The options that may come before the command, and their values, read out of the overview.
    static var global: CommandReference { CommandReference(name: "", help: Help.overview) }

    static var orderedNames: [String] {
        var names: [String] = []
        for line in Help.overview.split(separator: "\n") where line.first == " " {
            guard let word = line.split(separator: " ").first.map(String.init),
                  Command.commands[word] != nil, !names.contains(word) else { continue }
            names.append(word)
        }
        return names + Command.commandNames.filter { !names.contains($0) }
    }

    init(name: String, help: String) {
        self.name = name
        self.help = help
        var subcommands: [String] = []
        var options: [String] = []
        var values: [String: [String]] = [:]
        var takesValue: Set<String> = []
        func add(_ value: String, to option: String) {
            if !values[option, default: []].contains(value) { values[option, default: []].append(value) }
        }
        var continuesUsage = false
        for line in help.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ").map(String.init)
            // A usage too long for one line goes on under it, indented: `    [--base-url URL] [--pipeline FILE]`.
            let usage = Self.usageWords(words, command: name)
                ?? (continuesUsage && words.first?.hasPrefix("[") == true ? words : nil)
            continuesUsage = usage != nil
            if let first = usage?.first, !first.hasPrefix("-") {
                for word in Self.choices(first) where !subcommands.contains(word) { subcommands.append(word) }
            }
            // Options are read where the text lists them (usage lines and the option column of a table), not
            // from prose, which also names other commands' options ("sluice run --replay FILE reads it back").
            let listed = usage ?? Self.optionColumns(line).flatMap { $0.split(separator: " ").map(String.init) }
            for (index, word) in listed.enumerated() {
                guard let option = Self.option(in: word) else { continue }
                if !options.contains(option) { options.append(option) }
                if word.contains("=") { takesValue.insert(option) }
                guard index + 1 < listed.count, !word.contains("="), !word.hasSuffix("]"), !word.hasSuffix(")"),
                      !listed[index + 1].hasPrefix("["), !listed[index + 1].hasPrefix("-") else { continue }
                takesValue.insert(option)
                let next = Self.stripped(listed[index + 1])
                let alternatives = Self.choices(next)
                if next.contains("|") || (alternatives.count == 1 && next == alternatives[0]) {
                    alternatives.forEach { add($0, to: option) }
                }
            }
        }
        self.subcommands = subcommands
        self.options = options
        self.values = values
        self.takesValue = takesValue
    }

    /// The words after `sluice NAME` on a usage line (`usage: sluice review list …` or a continuation line),
    /// or nil when the line is no usage line of this command.
    private static func usageWords(_ words: [String], command: String) -> [String]? {
        let start = words.first == "usage:" ? 1 : 0
        guard !command.isEmpty, words.count > start + 1, words[start] == "sluice", words[start + 1] == command else {
            return nil
        }
        return Array(words.dropFirst(start + 2))
    }

    /// The leading columns of a table line that name options (`  --where volunteer=NAME   --site HOST   …`), up
    /// to the first column of description; none for a line that does not start with an option.
    private static func optionColumns(_ line: String) -> [String] {
        var columns: [String] = []
        var current = ""
        var spaces = 0
        for character in line.drop(while: { $0 == " " }) {
            if character == " " {
                spaces += 1
                continue
            }
            if spaces >= 2 {
                columns.append(current)
                current = ""
            } else if spaces == 1 {
                current.append(" ")
            }
            spaces = 0
            current.append(character)
        }
        columns.append(current)
        return Array(columns.prefix { $0.hasPrefix("--") })
    }

    /// `--name` out of a word such as `[--format`, `--as=M`, `--json)` or `--log-format`; nil for others.
    private static func option(in word: String) -> String? {
        let bare = stripped(word).split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        guard bare.hasPrefix("--"), bare.count > 2 else { return nil }
        let name = bare.dropFirst(2)
        guard name.first?.isLowercase == true,
              name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else { return nil }
        return bare
    }

    private static func stripped(_ word: String) -> String {
        String(word.drop(while: { "[(".contains($0) }).reversed().drop(while: { "]),.;:".contains($0) }).reversed())
    }

    /// The literal choices of `a|b|c`: lowercase words (placeholders such as `STATE` are no choice).
    private static func choices(_ word: String) -> [String] {
        word.split(separator: "|").map(String.init).filter { choice in
            choice.first?.isLowercase == true && choice.first?.isASCII == true
                && choice.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "_" }
        }
    }
}
