import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceStore
import SluiceTestSupport

/// SplitMix64: a tiny seeded generator, so a failing crash schedule can be replayed with `SLUICE_CRASH_SEED`.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// How one run of the real binary ended: its exit status (the signal number when killed) and what it printed.
struct BinaryOutcome {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs the built `sluice` binary and kills it with SIGKILL at a chosen moment: the crash half of the
/// crash tests. The seed comes from `SLUICE_CRASH_SEED` or the clock, and is printed and put in every
/// failure message so a failing schedule can be replayed.
final class CrashHarness {
    static let binary = SharedCorpus.packageRoot.appendingPathComponent(".build/debug/sluice").path
    static var binaryBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }
    static let skipMessage: Comment = "the sluice binary is not built (.build/debug/sluice): run swift build first"

    let seed: UInt64
    let label: String
    private var random: SeededGenerator
    let directory: TemporaryDirectory
    /// Runs started with a kill scheduled, and how many of them the kill caught still running.
    private(set) var scheduledKills = 0
    private(set) var kills = 0

    init(_ label: String) {
        let given = ProcessInfo.processInfo.environment["SLUICE_CRASH_SEED"].flatMap { UInt64($0) }
        seed = given ?? UInt64(Date().timeIntervalSince1970 * 1000)
        random = SeededGenerator(seed: seed)
        self.label = label
        directory = TemporaryDirectory("crash-\(label)")
        print("\(label): crash schedule seed \(seed) (replay with SLUICE_CRASH_SEED=\(seed))")
    }

    /// The default pipeline without the 250 ms per-host politeness delay (every test page is on one host),
    /// written into the harness's directory with its rule files named by absolute path.
    func quickPipeline() throws -> String {
        let pipelines = SharedCorpus.packageRoot.appendingPathComponent("pipelines")
        let original = try Data(contentsOf: pipelines.appendingPathComponent("default.json"))
        var definition = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
        var fetch = definition["fetch"] as? [String: Any] ?? [:]
        fetch["per_host_delay_ms"] = 0
        definition["fetch"] = fetch
        let rules = try #require(definition["rules"] as? [String: String])
        definition["rules"] = rules.mapValues { pipelines.appendingPathComponent($0).path }
        let path = directory.path("quick-pipeline.json")
        try JSONSerialization.data(withJSONObject: definition).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A delay drawn uniformly from `range` milliseconds.
    func delay(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// Repeats `body`, which runs one command under a kill, while `workLeft` says there is work left for
    /// it, until `kills` kills have landed mid-command or twice as many have been tried.
    func repeatKilled(landing kills: Int, while workLeft: () throws -> Bool, _ body: () throws -> Void) throws {
        let (landed, tried) = (self.kills, scheduledKills)
        while self.kills - landed < kills && scheduledKills - tried < 2 * kills, try workLeft() { try body() }
    }

    func shuffled<T>(_ values: [T]) -> [T] { values.shuffled(using: &random) }

    /// Runs `sluice arguments…` with `environment` added. With `workLeft` (the command's work still to do, read
    /// from the store), SIGKILL once a share of that work drawn at random (none to nine tenths) is done,
    /// plus up to 2 ms: a random moment measured in progress rather than time, so it lands mid-command on a
    /// fast machine and a loaded one alike. Output is read on other threads, so a chatty command cannot block.
    func run(_ arguments: [String], killWhen workLeft: (() throws -> Int)? = nil,
             environment: [String: String] = [:]) throws -> BinaryOutcome {
        let leftAtStart = try workLeft?() ?? 0
        let killAtLeft = leftAtStart - Int.random(in: 0..<max(leftAtStart * 9 / 10, 1), using: &random)
        let jitter = Double(delay(0...2000)) / 1_000_000
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory.url
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = Mutex<Data>(Data())
        let errorData = Mutex<Data>(Data())
        let readers = [Thread { outputData.withLock { $0 = output.fileHandleForReading.readDataToEndOfFile() } },
                       Thread { errorData.withLock { $0 = errors.fileHandleForReading.readDataToEndOfFile() } }]
        readers.forEach { $0.start() }
        if let workLeft {
            while process.isRunning, (try? workLeft()).map({ $0 > killAtLeft }) ?? true { Thread.sleep(forTimeInterval: 0.0005) }
            Thread.sleep(forTimeInterval: jitter)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        while readers.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.001) }
        scheduledKills += workLeft == nil ? 0 : 1
        kills += process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL ? 1 : 0
        return BinaryOutcome(status: process.terminationStatus,
                             output: outputData.withLock { String(decoding: $0, as: UTF8.self) },
                             errors: errorData.withLock { String(decoding: $0, as: UTF8.self) })
    }

    /// Prints how many scheduled kills landed while the command was still working.
    func report() {
        print("\(label): \(kills) of \(scheduledKills) scheduled kills landed mid-command (seed \(seed))")
    }

    /// "seed N": appended to every expectation so a failure names the schedule that produced it.
    var context: Comment { "seed \(seed)" }

    /// What holds after any crash: the file is sound and no item is in a state the machine does not know.
    func expectSound(_ store: SQLiteStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try store.integrityCheck() == "ok", context, sourceLocation: sourceLocation)
        let known = try store.pendingCounts().values.reduce(0, +)
        #expect(try store.status().total == known, "items in unknown states \(context)", sourceLocation: sourceLocation)
    }

    /// What holds after a complete run: every item reached review, a duplicate or a failure, and no lease is held.
    func expectSettled(_ store: SQLiteStore, items: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectSound(store, sourceLocation: sourceLocation)
        let counts = try store.pendingCounts()
        #expect(counts.values.reduce(0, +) == items, "\(counts) \(context)", sourceLocation: sourceLocation)
        let settled: Set<ItemState> = [.pendingReview, .duplicate, .failed]
        let stuck = counts.filter { !settled.contains($0.key) && $0.value > 0 }
        #expect(stuck.isEmpty, "stuck in a pipeline state: \(stuck) \(context)", sourceLocation: sourceLocation)
        #expect(try store.leaseOwners().isEmpty, context, sourceLocation: sourceLocation)
    }
}
