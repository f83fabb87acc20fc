import Foundation
import Testing
import SluiceCore
import SluiceTestSupport

/// Every message a person reads when something is refused has a Chinese form: the English texts are read out of
/// the code where the errors are made, their values filled with samples, and each must come out of the Chinese
/// catalog changed and holding Chinese. A new `throw UsageError("…")` with no catalog entry fails here.
@Suite struct MessageCoverageTests {
    /// Where errors for people are made: the text that follows each pattern is the message (or, for the
    /// `reason` of a file or line, the part of it that is a message of its own).
    static let makers: [(file: String?, pattern: String)] = [
        (nil, #"UsageError\("#),
        (nil, #"ImportFileError\(file: [^,()]+, reason: "#),
        (nil, #"\.malformedLine\(reason: "#),
        (nil, #"unreadableSample\(\s*file: [^,()]+, line: [^,()]+, reason: "#),
        (nil, #"unreadableModel\(reason: "#),
        (nil, #"HTTPDaemonError\(message: "#),
        (nil, #"SiteAddressError\(url: [^,()]+, reason: "#),
        (nil, #"invalidAllowHost\(entry: [^,()]+, reason: "#),
        ("CLI", #"console\.error\("#),
        // The `description` of each case of these error types.
        ("Core/Contracts/StoreError.swift", #"\n\s*case \.[a-zA-Z]+(\([^)]*\))?:\s*(//[^\n]*\n\s*)?"#),
        ("Intake/SubmissionValidator.swift", #"\n\s*case \.[a-zA-Z]+(\([^)]*\))?:\s*"#),
        ("Core/URL/URLProblem.swift", #"\n\s*case \.[a-zA-Z]+(\([^)]*\))?:\s*"#),
        ("Classify/ClassifyError.swift", #"\n\s*case \.[a-zA-Z]+(\([^)]*\))?:\s*"#),
        ("Core/URL/URLHost.swift", #"\.invalidHost\([a-z]+, "#),
    ]

    /// Messages that are only data (a file and line before a reason that is translated on its own, a detail a
    /// database or library wrote): nothing in them to translate.
    static let exempt: Set<String> = [
        "x1: x2",          // StoreError.unsupported: the store's own words about what it cannot do
        "x1:x2: x3",       // ClassifyError.unreadableSample: file:line: reason, the reason translated on its own
        "x1",              // console.error(TerminalSafe.text(error.message)) and the like: the message itself
    ]

    @Test func everyErrorMessageHasAChineseForm() throws {
        let zh = MessageCatalog.builtIn(.zh)
        let sources = SharedCorpus.packageRoot.appendingPathComponent("Sources")
        var checked = 0
        var missing: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            for maker in Self.makers {
                if let file = maker.file, !path.hasPrefix(file) { continue }
                let pattern = try NSRegularExpression(pattern: maker.pattern)
                for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    guard let end = Range(match.range, in: text)?.upperBound,
                          let sample = Self.sample(of: text[end...]) else { continue }
                    if Self.exempt.contains(sample) { continue }
                    checked += 1
                    let translated = zh(sample)
                    if translated == sample || !translated.unicodeScalars.contains(where: Self.isHan) {
                        missing.append("\(path): \(sample)")
                    }
                }
            }
        }
        #expect(checked > 150, "only \(checked) messages found: has the scanner lost its way?")
        #expect(missing.isEmpty, "no Chinese form in the catalog for:\n\(missing.joined(separator: "\n"))")
    }

    @Test func theScannerReadsConcatenationAndInterpolation() {
        #expect(Self.sample(of: #""a \(b) \"c\"" + d.joined() + "e")"#) == #"a x1 "c"it is emptye"#)
        #expect(Self.sample(of: #"TerminalSafe.text("f: \(g(h("i")))"))"#) == "f: x1")
        #expect(Self.sample(of: "value)") == nil)
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }

    /// The message an expression makes, from the start of the expression: string literals as written (their
    /// interpolations as `x1`, `x2`…), joined by `+`, any other operand as a message of its own ("it is empty",
    /// which the catalog knows); `TerminalSafe.text(…)` around it is looked through. Nil when the expression is
    /// not a string literal at all.
    static func sample(of code: Substring) -> String? {
        var rest = code.drop { $0 == " " || $0 == "\n" }
        let wrapper = "TerminalSafe.text("
        if rest.hasPrefix(wrapper) { rest = rest.dropFirst(wrapper.count) }
        guard rest.first == "\"" else { return nil }
        var message = ""
        var holes = 0
        while true {
            rest = rest.drop { $0 == " " || $0 == "\n" }
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    guard character == "\\", let escaped = rest.first else {
                        message.append(character)
                        continue
                    }
                    rest = rest.dropFirst()
                    switch escaped {
                    case "(":
                        var depth = 1
                        var inString = false
                        while depth > 0, let inner = rest.first {
                            rest = rest.dropFirst()
                            if inner == "\"" { inString.toggle() }
                            if !inString && inner == "(" { depth += 1 }
                            if !inString && inner == ")" { depth -= 1 }
                        }
                        holes += 1
                        // A value that is an error's own words is a message too; any other is data.
                        let expression = String(code[code.startIndex..<rest.startIndex].suffix(60))
                        message += expression.hasSuffix("description))") || expression.hasSuffix("error)\"))") ? "it is empty" : "x\(holes)"
                    case "n": message += "\n"
                    case "t": message += "\t"
                    case "u":
                        if let close = rest.firstIndex(of: "}"),
                           let value = UInt32(rest[rest.index(rest.startIndex, offsetBy: 2)..<close], radix: 16),
                           let scalar = Unicode.Scalar(value) {
                            message.unicodeScalars.append(scalar)
                            rest = rest[rest.index(after: close)...]
                        }
                    default: message.append(escaped)
                    }
                }
                rest = rest.dropFirst()
            } else {
                // Another operand: read to the next `+` or the end of the argument, brackets balanced.
                var depth = 0
                while let character = rest.first {
                    if depth == 0 && (character == "+" || character == ")" || character == "," || character == "\n") { break }
                    if "([{".contains(character) { depth += 1 }
                    if ")]}".contains(character) { depth -= 1 }
                    rest = rest.dropFirst()
                }
                message += "it is empty"
            }
            rest = rest.drop { $0 == " " || $0 == "\n" }
            guard rest.first == "+" else { break }
            rest = rest.dropFirst()
        }
        return message
    }
}
