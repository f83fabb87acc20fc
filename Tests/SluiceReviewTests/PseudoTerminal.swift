import Foundation
import Glibc
import Synchronization
import Testing
import SluiceCore
@testable import SluiceReview

/// A real pseudo-terminal pair from `openpty`: the review runs on the slave side, the test types into the
/// master and reads back what the screen wrote. A thread drains the master so the screen never blocks.
final class PseudoTerminal: @unchecked Sendable {
    // @unchecked: the descriptors are immutable after init, the output buffer and stop flag are guarded by a
    // Mutex and an Atomic, and `mark` is touched only by the test's own thread.
    let master: Int32
    let slave: Int32
    private let output = Mutex<[UInt8]>([])
    private let stopped = Atomic<Bool>(false)
    private let reader = DispatchSemaphore(value: 0)
    private var mark = 0

    init(columns: UInt16 = 80, rows: UInt16 = 24) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var window = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &window) == 0 else {
            throw TerminalError(descriptor: -1, call: "openpty", errno: errno)
        }
        self.master = master
        self.slave = slave
        Thread.detachNewThread { [self] in drain() }
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            output.withLock { $0 += buffer[..<count] }
        }
        reader.signal()
    }

    func close() {
        stopped.store(true, ordering: .releasing)
        reader.wait()
        Glibc.close(slave)
        Glibc.close(master)
    }

    /// Sends keys; later waits look only at what the screen wrote after them.
    func type(_ keys: String) {
        mark = output.withLock { $0.count }
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything the screen wrote so far, decoded.
    var transcript: String { String(decoding: output.withLock { $0 }, as: UTF8.self) }

    /// Types keys, then waits for each text in turn to show up in what the screen wrote after them.
    func press(_ keys: String, until expected: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        type(keys)
        for text in expected { waitFor(text, sourceLocation: sourceLocation) }
    }

    /// Waits until the output written since the last keys were typed contains `text`.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 5, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let bytes = output.withLock { $0 }
            let recent = String(decoding: bytes[min(mark, bytes.count)...], as: UTF8.self)
            if recent.contains(text) { return true }
            usleep(5_000)
        }
        Issue.record("screen never showed \(text.debugDescription); recent output: \(String(transcript.suffix(600)).debugDescription)",
                     sourceLocation: sourceLocation)
        return false
    }

    func resize(columns: UInt16, rows: UInt16) {
        var window = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &window)
    }

    var settings: termios {
        var current = termios()
        tcgetattr(slave, &current)
        return current
    }

    /// Starts `executable` with this terminal as its standard input, output and error.
    func launch(_ executable: URL, _ arguments: [String], environment: [String: String]) throws -> Process {
        let child = Process()
        child.executableURL = executable
        child.arguments = arguments
        child.environment = environment
        let side = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        child.standardInput = side
        child.standardOutput = side
        child.standardError = side
        try child.run()
        return child
    }

    /// Waits for a `sluice review` child that was told to quit; one still running after `seconds` is a failure.
    func awaitQuit(_ child: Process, seconds: Double = 5, sourceLocation: SourceLocation = #_sourceLocation) {
        let deadline = Date().addingTimeInterval(seconds)
        while child.isRunning && Date() < deadline { usleep(10_000) }
        if child.isRunning {
            child.terminate()
            Issue.record("sluice review did not exit after q", sourceLocation: sourceLocation)
        }
        child.waitUntilExit()
        #expect(child.terminationStatus == 0, sourceLocation: sourceLocation)
    }
}

/// The interactive review running on its own thread against a pseudo-terminal.
final class ReviewRun: @unchecked Sendable {
    // @unchecked: the result is written once by the review thread and read after `done` is signalled,
    // both under the Mutex.
    private let result = Mutex<Result<ReviewSummary, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(backend: any ReviewBackend, terminal: PseudoTerminal, moderator: String = "alice", pager: String? = nil,
         catalog: MessageCatalog = .english) {
        let (input, output) = (terminal.slave, terminal.slave)
        Thread.detachNewThread { [self] in
            let outcome = Result {
                try InteractiveReview(backend: backend, moderator: moderator, input: input, output: output,
                                      pager: pager, catalog: catalog).run()
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// The summary once the review has returned, or nil if it is still running after `seconds`.
    func finish(seconds: Double = 5) throws -> ReviewSummary? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return try result.withLock { $0 }?.get()
    }
}

func sameSettings(_ lhs: termios, _ rhs: termios) -> Bool {
    lhs.c_iflag == rhs.c_iflag && lhs.c_oflag == rhs.c_oflag && lhs.c_cflag == rhs.c_cflag
        && lhs.c_lflag == rhs.c_lflag
}
