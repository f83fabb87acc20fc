/// A usage error: names the command and what is wrong with its arguments.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The arguments of one command, consumed as the command reads them; whatever is left at the end is
/// refused, so a misspelt option never silently does nothing.
struct Arguments {
    private var remaining: [String]
    let command: String

    init(_ arguments: [String], command: String) {
        remaining = arguments
        self.command = command
    }

    /// Removes and returns the first argument when it is a word, not an option (`review list`).
    mutating func takeSubcommand() -> String? {
        guard let first = remaining.first, !first.hasPrefix("-") else { return nil }
        remaining.removeFirst()
        return first
    }

    var wantsHelp: Bool { remaining.contains("--help") || remaining.contains("-h") }

    mutating func flag(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(of: name) else { return false }
        remaining.remove(at: index)
        return true
    }

    /// The value of `--name VALUE` or `--name=VALUE`; the last one wins.
    mutating func option(_ name: String) throws -> String? {
        try options(name).last
    }

    /// Every value of a repeatable option.
    mutating func options(_ name: String) throws -> [String] {
        var values: [String] = []
        var index = 0
        while index < remaining.count {
            let argument = remaining[index]
            if argument == name {
                guard index + 1 < remaining.count else { throw UsageError("\(command): \(name) needs a value") }
                values.append(remaining[index + 1])
                remaining.removeSubrange(index...index + 1)
            } else if argument.hasPrefix(name + "=") {
                values.append(String(argument.dropFirst(name.count + 1)))
                remaining.remove(at: index)
            } else {
                index += 1
            }
        }
        return values
    }

    mutating func integer(_ name: String) throws -> Int? {
        guard let text = try option(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw UsageError("\(command): \(name) takes a whole number, not \"\(text)\"")
        }
        return value
    }

    /// The positional arguments left once every option has been read; refuses unknown options.
    mutating func positionals() throws -> [String] {
        var positionals: [String] = []
        var afterSeparator = false
        for argument in remaining {
            if afterSeparator || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
            } else if argument == "--" {
                afterSeparator = true
            } else {
                throw UsageError("\(command): unknown option \(argument) (see sluice \(command) --help)")
            }
        }
        remaining = []
        return positionals
    }

    mutating func finish() throws {
        let extra = try positionals()
        if let first = extra.first { throw UsageError("\(command): unexpected argument \"\(first)\"") }
    }
}
