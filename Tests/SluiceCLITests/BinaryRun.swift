import Foundation
import Synchronization
import SluiceTestSupport

/// Runs a program to its end, reading its output and errors on threads of their own (a chatty program
/// never blocks on a full pipe), optionally as another user through `runuser` (root only).
enum BinaryRun {
    static let sluice = SharedCorpus.packageRoot.appendingPathComponent(".build/debug/sluice").path
    static var sluiceBuilt: Bool { FileManager.default.isExecutableFile(atPath: sluice) }

    /// True when this process may run programs as `nobody` (it is root and `runuser` is there).
    static var canRunAsNobody: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")
    }

    static func run(_ executable: String, _ arguments: [String], asUser user: String? = nil,
                    environment: [String: String] = [:], directory: URL? = nil, input: Data? = nil) throws -> BinaryOutcome {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        return collect(process, output: output, errors: errors)
    }

    /// Starts a program (the sluice binary unless told) with its output and errors on pipes (read them with
    /// `collect`).
    static func start(_ arguments: [String], executable: String = sluice, directory: URL? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, output, errors)
    }

    /// Waits for a started process, reading its pipes first so a chatty one cannot block.
    static func collect(_ process: Process, output: Pipe, errors: Pipe) -> BinaryOutcome {
        let outputData = Mutex<Data>(Data())
        let errorData = Mutex<Data>(Data())
        let readers = [Thread { outputData.withLock { $0 = output.fileHandleForReading.readDataToEndOfFile() } },
                       Thread { errorData.withLock { $0 = errors.fileHandleForReading.readDataToEndOfFile() } }]
        readers.forEach { $0.start() }
        process.waitUntilExit()
        while readers.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.001) }
        return BinaryOutcome(status: process.terminationStatus,
                             output: outputData.withLock { String(decoding: $0, as: UTF8.self) },
                             errors: errorData.withLock { String(decoding: $0, as: UTF8.self) })
    }
}
