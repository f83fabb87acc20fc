import Foundation

/// `sha256sum` from coreutils, as an independent reference for digests.
enum SystemSHA256 {
    static func hex(of data: Data) throws -> String? {
        guard let tool = Tool.find("sha256sum") else { return nil }
        let output = try Tool.run(tool, arguments: [], input: data)
        return String(decoding: output.stdout, as: UTF8.self).split(separator: " ").first.map(String.init)
    }
}

/// Runs a system tool (xmllint, cmark, sha256sum) on real input, reading its pipes before waiting.
enum Tool {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func find(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Input and standard error go through temporary files so no pipe can fill up and stall the tool.
    static func run(_ tool: URL, arguments: [String], input: Data) throws -> Output {
        let scratch = try TemporaryDirectory()
        let inputFile = scratch.url.appendingPathComponent("stdin")
        let errorFile = scratch.url.appendingPathComponent("stderr")
        try input.write(to: inputFile)
        try Data().write(to: errorFile)
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let stdout = Pipe()
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, stdout: output, stderr: errors)
    }
}

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Chinese pages of the shared corpus with a title, a URL and the recorded digest of their bytes.
struct CorpusSample {
    var title: String
    var url: String
    var sha256: String
    var htmlFile: URL
    var body: String

    static func chinesePages(in corpus: URL, limit: Int) throws -> [CorpusSample] {
        let manifest = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        var pages: [CorpusSample] = []
        for line in manifest.split(separator: "\n").dropFirst() where pages.count < limit {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > 9, fields[6] == "zh", fields[4] == "true", fields[9] == "true" else { continue }
            let base = corpus.appendingPathComponent(fields[0]).appendingPathComponent(fields[1])
            let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathExtension("json")))
            guard let object = truth as? [String: Any], let title = object["title"] as? String,
                  let url = object["url"] as? String, let digest = object["sha256"] as? String else { continue }
            pages.append(CorpusSample(title: title, url: url, sha256: digest,
                                      htmlFile: base.appendingPathExtension("html"),
                                      body: object["body"] as? String ?? ""))
        }
        return pages
    }
}

/// libxml2's command-line tool, as an independent parser of what we emit.
enum XMLLint {
    static var tool: URL? { Tool.find("xmllint") }
    static let missing = "xmllint is not installed (apt-get install libxml2-utils): skipping the parser check"

    /// The result of an XPath expression on `document`, parsed as XML or (with `html`) by the HTML parser.
    static func xpath(_ expression: String, in document: String, html: Bool = false) throws -> String {
        guard let tool else { return "" }
        let arguments = (html ? ["--html"] : []) + ["--xpath", expression, "-"]
        let output = try Tool.run(tool, arguments: arguments, input: Data(document.utf8))
        let result = String(decoding: output.stdout, as: UTF8.self)
        // xmllint ends the result with a line feed of its own.
        return result.hasSuffix("\n") ? String(result.dropLast()) : result
    }

    /// Parser errors for `document` (empty when it is well-formed), or nil without xmllint.
    static func wellFormednessErrors(_ document: String) throws -> String? {
        guard let tool else { return nil }
        let output = try Tool.run(tool, arguments: ["--noout", "-"], input: Data(document.utf8))
        return output.status == 0 ? "" : output.stderr
    }
}
