import Foundation
import SluiceCore
import Synchronization

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
    public let input: FileHandle
    public let isTerminal: Bool

    /// The process's own standard streams.
    public static func standard() -> Console {
        Console(output: FileHandle.standardOutput, error: FileHandle.standardError, input: FileHandle.standardInput,
                isTerminal: isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1)
    }

    /// Captures everything written, for tests; reads `input` (empty by default).
    public static func capturing(input: Data = Data()) -> Console {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(input)
        try? pipe.fileHandleForWriting.close()
        return Console(output: nil, error: nil, input: pipe.fileHandleForReading, isTerminal: false)
    }

    init(output: FileHandle?, error: FileHandle?, input: FileHandle, isTerminal: Bool) {
        outputHandle = output
        errorHandle = error
        self.input = input
        self.isTerminal = isTerminal
    }

    public var output: String { captured.withLock { String(decoding: $0.output, as: UTF8.self) } }
    public var errors: String { captured.withLock { String(decoding: $0.error, as: UTF8.self) } }

    /// Writes a line to standard output. Untrusted text must already be made safe for a terminal.
    func print(_ line: String = "") {
        write(Data((line + "\n").utf8), to: outputHandle, buffer: \.output)
    }

    func error(_ line: String) {
        write(Data(("sluice: " + line + "\n").utf8), to: errorHandle, buffer: \.error)
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
