import Foundation
import Testing
import SluiceCLI
import SluiceCore

/// The Chinese help pages (Messages/Catalog/zh-help.json) against the English ones in the code: one per command,
/// naming the same options and commands, laid out in the same columns, chosen by the locale or `--lang`.
@Suite struct ChineseHelpTests {
    static let zh = MessageCatalog.builtIn(.zh)
    /// The overview (`""`) and every command.
    static let topics = [""] + Command.commandNames

    func sluice(_ arguments: [String], environment: [String: String]) -> (status: Int32, output: String) {
        let console = Console.capturing()
        let status = Command.run(arguments: arguments, console: console, environment: environment)
        return (status, console.output)
    }

    /// The English page as sluice prints it in the C locale.
    func english(_ topic: String) -> String {
        sluice(topic.isEmpty ? ["--help"] : ["help", topic], environment: ["LANG": "C"]).output
    }

    /// `--option` names, and the commands named as `sluice COMMAND`.
    static func tokens(_ text: String) -> (options: Set<String>, commands: Set<String>) {
        let options = Set(text.matches(of: /--[a-z][a-z0-9-]*/).map { String($0.output) })
        let names = Set(Command.commandNames + ["help"])
        let commands = Set(text.matches(of: /sluice ([a-z][a-z-]*)/).map { String($0.output.1) }.filter(names.contains))
        return (options, commands)
    }

    /// Columns a terminal gives `text`: two for CJK ideographs, kana, hangul and full-width forms.
    static func displayWidth(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
                                               0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                               0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD]
            return width + (wide.contains { $0.contains(scalar.value) } ? 2 : 1)
        }
    }

    /// For each line laid out as `LEFT  description` with an ASCII left part (an option, a command, a file):
    /// the display column where the description starts, keyed by the left part.
    static func columns(_ text: String) -> [String: Int] {
        var columns: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let match = line.firstMatch(of: /^( *\S(?:.*?\S)?)(  +)\S/), match.output.1.allSatisfy(\.isASCII)
            else { continue }
            let left = String(match.output.1)
            if columns[left] == nil { columns[left] = displayWidth(left) + match.output.2.count }
        }
        return columns
    }

    @Test(arguments: topics) func everyTopicHasAChinesePageThatNamesWhatTheEnglishNames(topic: String) throws {
        let name = topic.isEmpty ? "the overview" : topic
        let page = try #require(Self.zh.help(topic), "no Chinese help for \(name) in zh-help.json")
        let english = english(topic).trimmingCharacters(in: .newlines)
        #expect(english.contains("usage: sluice"), "\(name): \(english)")
        #expect(page != english)
        #expect(page.contains { $0.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }, "\(name) has no Han")
        let (englishOptions, englishCommands) = Self.tokens(english)
        let (options, commands) = Self.tokens(page)
        #expect(options == englishOptions,
                "\(name): missing \(englishOptions.subtracting(options).sorted()), extra \(options.subtracting(englishOptions).sorted())")
        #expect(commands == englishCommands,
                "\(name): missing \(englishCommands.subtracting(commands).sorted()), extra \(commands.subtracting(englishCommands).sorted())")
        if !topic.isEmpty {
            #expect(page.hasPrefix("用法：sluice \(topic)"), "\(name) starts \(page.prefix(40))")
        }
    }

    @Test(arguments: topics) func chinesePagesKeepTheEnglishColumnsAndFitATerminal(topic: String) throws {
        let page = try #require(Self.zh.help(topic))
        let english = Self.columns(english(topic))
        for (left, column) in Self.columns(page) {
            guard let expected = english[left] else { continue }
            #expect(column == expected, "\(topic.isEmpty ? "overview" : topic): after \"\(left)\" the text starts at column \(column), in English at \(expected)")
        }
        for line in page.split(separator: "\n") {
            #expect(Self.displayWidth(line) <= 100, "\(topic): \(Self.displayWidth(line)) columns: \(line)")
        }
    }

    /// A page for a command that is gone (or renamed) would never be shown.
    @Test func theCatalogHasNoPageForACommandThatDoesNotExist() {
        #expect(Set(Self.zh.helpTopics).subtracting(Self.topics).isEmpty, "\(Self.zh.helpTopics)")
    }

    @Test func aChineseLocaleGetsChineseHelpEverywhereHelpIsAskedFor() throws {
        let environment = ["LANG": "zh_CN.UTF-8"]
        let overview = try #require(Self.zh.help(""))
        let review = try #require(Self.zh.help("review"))
        for (arguments, page) in [(["--help"], overview), (["-h"], overview), (["help"], overview),
                                  (["help", "review"], review), (["review", "--help"], review),
                                  (["review", "approve", "-h"], review), (["--store", "x.db", "review", "--help"], review),
                                  (["eval", "classify", "--help"], try #require(Self.zh.help("eval")))] {
            let (status, output) = sluice(arguments, environment: environment)
            #expect(status == 0, "\(arguments)")
            #expect(output == page + "\n", "sluice \(arguments.joined(separator: " "))")
        }
        // No command at all: the overview, still in Chinese, and a usage error.
        #expect(sluice([], environment: environment) == (2, overview + "\n"))
        #expect(sluice(["help", "review"], environment: ["LC_ALL": "zh_TW.UTF-8"]).output == review + "\n")
    }

    @Test func otherLocalesAndLangEnGetEnglish() {
        let english = english("review")
        #expect(english.hasPrefix("usage: sluice review list"))
        for environment in [["LANG": "C"], ["LANG": "en_US.UTF-8"], [:], ["LANG": "fr_FR.UTF-8"]] {
            #expect(sluice(["review", "--help"], environment: environment).output == english, "\(environment)")
        }
        let zhLocale = ["LANG": "zh_CN.UTF-8"]
        #expect(sluice(["--lang", "en", "review", "--help"], environment: zhLocale).output == english)
        #expect(sluice(["review", "--help", "--lang=en"], environment: zhLocale).output == english)
        #expect(sluice(["--lang", "en", "--help"], environment: zhLocale).output.hasPrefix("sluice — sifts"))
    }

    @Test func langZhOverridesAnEnglishLocale() throws {
        let environment = ["LANG": "en_US.UTF-8"]
        let review = try #require(Self.zh.help("review"))
        #expect(sluice(["--lang", "zh", "review", "--help"], environment: environment).output == review + "\n")
        #expect(sluice(["help", "review", "--lang=zh"], environment: environment).output == review + "\n")
        #expect(sluice(["--lang", "zh", "--help"], environment: environment).output == Self.zh.help("")! + "\n")
    }

    /// sluice(1) is installed once for every reader, so it is English in any locale; so are the completions.
    @Test func theManualPageAndCompletionsStayEnglish() {
        for arguments in [["help", "--man"], ["help", "--completion", "bash"]] {
            let english = sluice(arguments, environment: ["LANG": "C"])
            let chinese = sluice(arguments, environment: ["LANG": "zh_CN.UTF-8"])
            #expect(english.status == 0 && chinese.status == 0)
            #expect(!english.output.isEmpty)
            #expect(chinese.output == english.output, "\(arguments)")
        }
    }
}
