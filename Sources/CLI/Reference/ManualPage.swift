/// The manual page sluice(1), written from the help texts by `sluice help --man` (scripts/install.sh installs
/// it), so `man sluice` says what `--help` says. Tables and usage lines are kept as they are laid out
/// (no-fill blocks); paragraphs of prose are filled to the reader's width.
enum ManualPage {
    static func render() -> String {
        let overview = Help.overview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let summary = overview.first.map { $0.components(separatedBy: " — ").dropFirst().joined(separator: " — ") } ?? ""
        var page = [
            ".TH SLUICE 1 \"\" \"sluice \(Command.version)\" \"User Commands\"",
            ".nh",
            ".ad l",
            ".SH NAME",
            "sluice \\- " + escape(summary),
            ".SH SYNOPSIS",
            ".B sluice",
            "[\\fIoptions\\fR] \\fICOMMAND\\fR [\\fIoptions\\fR]",
            ".br",
            ".B sluice help",
            "[\\fICOMMAND\\fR]",
            ".SH DESCRIPTION",
            escape(summary.prefix(1).uppercased() + summary.dropFirst()) + ".",
            "Every command takes",
            ".BR \\-\\-help ;",
            "the section",
            ".B COMMANDS",
            "below holds the help of each.",
        ]
        var described: [String] = []
        for (heading, body) in sections(overview.drop { !$0.hasPrefix("usage:") }.dropFirst()) {
            let title = heading.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? heading
            switch title {
            case "common options": described += [".SH OPTIONS"] + roff(body)
            case "exit status", "environment", "files": described += [".SH " + escape(title.uppercased())] + roff(body)
            default: page += [".SS " + quoted(title)] + roff(body)
            }
        }
        page += described
        page.append(".SH COMMANDS")
        for command in CommandReference.all {
            page += [".SS " + quoted("sluice " + command.name)] + roff(command.help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
        page += [".SH SEE ALSO", ".BR systemd.exec (5),", ".BR journalctl (1)"]
        return page.joined(separator: "\n") + "\n"
    }

    /// The overview's sections: a heading at the left margin and the indented lines under it.
    private static func sections(_ lines: ArraySlice<String>) -> [(heading: String, body: [String])] {
        var sections: [(heading: String, body: [String])] = []
        for line in lines {
            if let first = line.first, first != " " {
                sections.append((line, []))
            } else if !sections.isEmpty {
                sections[sections.count - 1].body.append(line)
            }
        }
        return sections
    }

    /// Help text as roff: blank-line separated blocks, prose filled, everything else kept line for line.
    private static func roff(_ lines: [String]) -> [String] {
        var blocks: [[String]] = [[]]
        for line in lines {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !(blocks.last?.isEmpty ?? true) { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(line)
            }
        }
        var output: [String] = []
        for block in blocks where !block.isEmpty {
            if isProse(block) {
                output += [".PP"] + block.map { line in escapeLine(line.trimmingCharacters(in: .whitespaces)) }
            } else {
                output += [".PP", ".nf"] + block.map(escapeLine) + [".fi"]
            }
        }
        return output
    }

    /// A block of running text: lines at one indentation, no usage line, no columns (two spaces inside a line).
    private static func isProse(_ block: [String]) -> Bool {
        let indentation = Set(block.map { $0.prefix { $0 == " " }.count })
        return indentation.count == 1 && !block.contains { line in
            let text = line.drop { $0 == " " }
            return text.hasPrefix("usage:") || text.hasPrefix("sluice ") || text.contains("  ")
        }
    }

    /// One line of text that may start with a character roff reads as a request (`.` or `'`).
    private static func escapeLine(_ line: String) -> String {
        let escaped = escape(line)
        return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
    }

    private static func quoted(_ text: String) -> String { "\"" + escape(text) + "\"" }

    /// Text as roff reads it: backslashes and hyphens escaped (`\-` is the minus an option is typed with),
    /// everything beyond ASCII as a Unicode escape, so the page renders the same under any input encoding.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\e"
            case "-": escaped += "\\-"
            case "\"": escaped += "\\(dq"
            case _ where scalar.isASCII: escaped.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                escaped += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            }
        }
        return escaped
    }
}
