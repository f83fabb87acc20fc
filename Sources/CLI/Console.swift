import Foundation
import SluiceCore
import Synchronization

/// How lines on standard error look: `text` for people, `json` (one object a line) for journald and log
/// shippers (`--log-format json`).
enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// How much a line on standard error matters.
enum LogLevel: String, Sendable {
    case error, warning, notice, info
}

/// Where a command writes. Tests pass in-memory buffers; `main` passes the process's standard streams.
public final class Console: Sendable {
    private struct Captured {
        var output = Data()
        var error = Data()
    }

    private let outputHandle: FileHandle?
    private let errorHandle: FileHandle?
    /// What a capturing console (no handles) received.
    private let captured = Mutex(Captured())
    private let format = Mutex(LogFormat.text)
    private let messages = Mutex(MessageCatalog.english)
    public let input: FileHandle
    /// Standard input and output are both a terminal: the review screen may take over.
    public let isTerminal: Bool
    /// Standard output is a terminal (colours may be used, unless `NO_COLOR` says otherwise).
    public let outputIsTerminal: Bool
    /// Standard error is a terminal: long commands show live progress there.
    public let errorIsTerminal: Bool

    /// The process's own standard streams.
    public static func standard() -> Console {
        Console(output: FileHandle.standardOutput, error: FileHandle.standardError, input: FileHandle.standardInput,
                isTerminal: isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1,
                outputIsTerminal: isatty(STDOUT_FILENO) == 1, errorIsTerminal: isatty(STDERR_FILENO) == 1)
    }

    /// Captures everything written, for tests; reads `input` (empty by default). `terminal` makes it behave as
    /// if standard output and standard error were terminals (colours, live progress), never the review screen.
    public static func capturing(input: Data = Data(), terminal: Bool = false) -> Console {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(input)
        try? pipe.fileHandleForWriting.close()
        return Console(output: nil, error: nil, input: pipe.fileHandleForReading, isTerminal: false,
                       outputIsTerminal: terminal, errorIsTerminal: terminal)
    }

    init(output: FileHandle?, error: FileHandle?, input: FileHandle, isTerminal: Bool, outputIsTerminal: Bool = false,
         errorIsTerminal: Bool = false) {
        outputHandle = output
        errorHandle = error
        self.input = input
        self.isTerminal = isTerminal
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
    }

    public var output: String { captured.withLock { String(decoding: $0.output, as: UTF8.self) } }
    public var errors: String { captured.withLock { String(decoding: $0.error, as: UTF8.self) } }

    /// The catalog that errors and notes for people are translated through (chosen by `--lang` or the locale).
    public var catalog: MessageCatalog {
        get { messages.withLock { $0 } }
        set { messages.withLock { $0 = newValue } }
    }

    var logFormat: LogFormat {
        get { format.withLock { $0 } }
        set { format.withLock { $0 = newValue } }
    }

    /// Writes a line to standard output. Untrusted text must already be made safe for a terminal.
    func print(_ line: String = "") {
        write(Data((line + "\n").utf8), to: outputHandle, buffer: \.output)
    }

    /// An error or warning for a person (or, with `--log-format json`, one JSON object).
    func error(_ line: String) {
        diagnostic(.error, line)
    }

    /// One line on standard error: `sluice: MESSAGE` as text, in the reader's language, or
    /// `{"time","level","message",…fields}` as JSON, in English, so log searches do not depend on the locale.
    /// `event` names what happened for log shippers (`job.finished`); text lines put it first when given.
    func diagnostic(_ level: LogLevel, _ message: String, event: String? = nil, fields: [String: String] = [:],
                    at time: Date? = nil) {
        let line: String
        switch logFormat {
        case .text:
            let stamp = time.map { Timestamp.string($0) + " " } ?? ""
            line = "sluice: " + stamp + (event.map { "\($0): " } ?? "") + catalog(message)
        case .json:
            var object: [String: String] = fields
            object["time"] = Timestamp.string(time ?? Date())
            object["level"] = level.rawValue
            object["message"] = message
            if let event { object["event"] = event }
            line = (try? JSONText.encode(object, pretty: false)) ?? #"{"level":"error","message":"unencodable log line"}"#
        }
        write(Data((line + "\n").utf8), to: errorHandle, buffer: \.error)
    }

    /// Raw bytes on standard error (the live progress lines, which redraw themselves).
    func writeError(_ text: String) {
        write(Data(text.utf8), to: errorHandle, buffer: \.error)
    }

    func writeRaw(_ data: Data) {
        write(data, to: outputHandle, buffer: \.output)
    }

    /// Gives a line-oriented program real file handles: the process's own streams, or for a capturing
    /// console a pipe drained concurrently (so a long output cannot fill the pipe and block the writer).
    func withLineStreams<T>(_ body: (FileHandle, FileHandle) throws -> T) throws -> T {
        if let outputHandle { return try body(input, outputHandle) }
        let pipe = Pipe()
        let reader = DispatchQueue(label: "sluice.console.capture")
        let finished = DispatchSemaphore(value: 0)
        reader.async { [self] in
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            captured.withLock { $0.output.append(data) }
            finished.signal()
        }
        defer {
            try? pipe.fileHandleForWriting.close()
            finished.wait()
        }
        return try body(input, pipe.fileHandleForWriting)
    }

    private func write(_ data: Data, to handle: FileHandle?, buffer: WritableKeyPath<Captured, Data>) {
        if let handle {
            handle.write(data)
        } else {
            captured.withLock { $0[keyPath: buffer].append(data) }
        }
    }
}
