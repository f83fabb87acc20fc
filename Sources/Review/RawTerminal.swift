import Glibc
import Synchronization

/// A terminal that could not be put in raw mode; names the descriptor and the failing call.
public struct TerminalError: Error, CustomStringConvertible, Equatable {
    public var descriptor: Int32
    public var call: String
    public var errno: Int32

    public var description: String {
        "terminal on descriptor \(descriptor): \(call) failed: \(String(cString: strerror(errno)))"
    }
}

/// Raw mode on one terminal: keys arrive one by one, unechoed, and the screen is the alternate one.
///
/// The settings found at `init` are put back by `restore()`, by `deinit`, and, should the process die first,
/// by a signal handler for SIGINT, SIGTERM, SIGHUP, SIGQUIT and the crash signals, which restores every raw
/// terminal of the process and then lets the signal take its former course. The window size is read with
/// `TIOCGWINSZ`; SIGWINCH wakes the screen, which compares sizes and redraws. Owned by the thread running
/// the screen; not `Sendable`.
public final class RawTerminal {
    public let input: Int32
    public let output: Int32
    private let slot: Int
    private var active = true

    /// Saves the settings of `input`, switches it to raw mode (output processing stays on, so `\n` still
    /// starts a new line) and `output` to the alternate screen with the cursor hidden.
    public init(input: Int32, output: Int32) throws {
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else {
            throw TerminalError(descriptor: input, call: "tcgetattr", errno: errno)
        }
        guard let slot = SavedTerminals.reserve(descriptor: input, output: output, settings: saved) else {
            throw TerminalError(descriptor: input, call: "reserve a restore slot (too many raw terminals)", errno: EBUSY)
        }
        SignalRestore.installOnce()
        var raw = saved
        cfmakeraw(&raw)
        raw.c_oflag |= tcflag_t(OPOST | ONLCR)
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else {
            let failure = errno
            SavedTerminals.release(slot)
            throw TerminalError(descriptor: input, call: "tcsetattr", errno: failure)
        }
        self.input = input
        self.output = output
        self.slot = slot
        SavedTerminals.arm(slot)
        write(Self.enterScreen)
    }

    deinit { restore() }

    /// Puts the saved settings back and leaves the alternate screen; doing it twice does nothing more.
    public func restore() {
        guard active else { return }
        active = false
        SavedTerminals.restore(slot)
        SavedTerminals.release(slot)
    }

    /// Leaves raw mode and the alternate screen for a while (to run a pager); `resume` enters both again.
    func suspend() {
        SavedTerminals.restore(slot)
    }

    func resume() {
        var raw = SavedTerminals.settings(slot)
        cfmakeraw(&raw)
        raw.c_oflag |= tcflag_t(OPOST | ONLCR)
        tcsetattr(input, TCSAFLUSH, &raw)
        SavedTerminals.arm(slot)
        write(Self.enterScreen)
    }

    /// Columns and rows from `TIOCGWINSZ`; 80×24 where the terminal does not say.
    public var size: (columns: Int, rows: Int) {
        var window = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return (80, 24)
        }
        return (Int(window.ws_col), Int(window.ws_row))
    }

    /// Writes all of `text`, retrying short writes and interruptions; a terminal that is gone takes nothing.
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(output, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// What the signal handler runs: every raw terminal of the process back to its saved settings.
    static func restoreAllForSignal() {
        SavedTerminals.restoreAll()
    }

    static let enterScreen = "\u{1B}[?1049h\u{1B}[?25l"
}

@available(*, unavailable)
extension RawTerminal: Sendable {}

/// The saved settings of every raw terminal of the process, kept where a signal handler can reach them.
///
/// A signal handler may not take a lock or allocate, so the settings live in fixed storage allocated once,
/// and an atomic bit mask says which slots hold settings to restore. A slot is written only while its bit in
/// `armed` is clear and read only while it is set, so the handler never sees a half-written slot.
private enum SavedTerminals {
    static let capacity = 16
    static let reserved = Atomic<UInt64>(0)
    static let armed = Atomic<UInt64>(0)
    // Safe without a lock: see the type's comment; each slot is owned by one RawTerminal between
    // reserve and release, and only read by the handler while armed.
    nonisolated(unsafe) static let descriptors = UnsafeMutablePointer<Int32>.allocate(capacity: capacity * 2)
    nonisolated(unsafe) static let saved = UnsafeMutablePointer<termios>.allocate(capacity: capacity)
    /// Shows the cursor and leaves the alternate screen.
    static let leaveScreen: [UInt8] = Array("\u{1B}[?25h\u{1B}[?1049l".utf8)

    static func reserve(descriptor: Int32, output: Int32, settings: termios) -> Int? {
        while true {
            let taken = reserved.load(ordering: .acquiring)
            guard let slot = (0..<capacity).first(where: { taken & (UInt64(1) << $0) == 0 }) else { return nil }
            let (exchanged, _) = reserved.compareExchange(expected: taken, desired: taken | (UInt64(1) << slot),
                                                          ordering: .acquiringAndReleasing)
            guard exchanged else { continue }
            descriptors[slot * 2] = descriptor
            descriptors[slot * 2 + 1] = output
            saved[slot] = settings
            return slot
        }
    }

    static func settings(_ slot: Int) -> termios { saved[slot] }

    static func arm(_ slot: Int) {
        armed.bitwiseOr(UInt64(1) << slot, ordering: .releasing)
    }

    /// Disarms the slot first, so a signal arriving meanwhile does not restore it a second time.
    static func restore(_ slot: Int) {
        let previous = armed.bitwiseAnd(~(UInt64(1) << slot), ordering: .acquiringAndReleasing).oldValue
        guard previous & (UInt64(1) << slot) != 0 else { return }
        put(slot)
    }

    static func release(_ slot: Int) {
        reserved.bitwiseAnd(~(UInt64(1) << slot), ordering: .releasing)
    }

    /// Async-signal-safe: atomics, `tcsetattr` and `write` only.
    static func restoreAll() {
        let mask = armed.exchange(0, ordering: .acquiringAndReleasing)
        for slot in 0..<capacity where mask & (UInt64(1) << slot) != 0 {
            put(slot)
        }
    }

    private static func put(_ slot: Int) {
        tcsetattr(descriptors[slot * 2], TCSAFLUSH, saved + slot)
        leaveScreen.withUnsafeBytes { bytes in
            _ = Glibc.write(descriptors[slot * 2 + 1], bytes.baseAddress, bytes.count)
        }
    }
}

/// The process-wide signal handlers that put raw terminals back before the process dies, and the one that
/// wakes the screen when the window changes size.
private enum SignalRestore {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
    // Written once, inside `installOnce` before any handler can run; read only by the handler.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

    static func installOnce() { _ = installed }

    private static let installed: Void = {
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                SavedTerminals.restoreAll()
                // The former disposition (default, or the runtime's crash reporter) takes over; the signal is
                // blocked while this handler runs and is delivered again as soon as it returns.
                sigaction(signal, SignalRestore.previous + Int(signal), nil)
                raise(signal)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, previous + Int(signal))
            // A signal the process was told to ignore (nohup) stays ignored.
            if let former = previous[Int(signal)].__sigaction_handler.sa_handler,
               unsafeBitCast(former, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                sigaction(signal, previous + Int(signal), nil)
            }
        }
        // SIGWINCH is ignored by default and would leave the screen's `poll` asleep until its timeout; a
        // handler, even one that does nothing, makes `poll` return at once (EINTR) so the screen redraws.
        // SA_RESTART keeps other blocking calls of the process from seeing EINTR.
        var resize = sigaction()
        sigaction(SIGWINCH, nil, &resize)
        guard resize.__sigaction_handler.sa_handler == nil else { return }
        resize.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&resize.sa_mask)
        resize.sa_flags = SA_RESTART
        sigaction(SIGWINCH, &resize, nil)
    }()
}

extension RawTerminal {
    /// Whether the descriptor is a terminal: the CLI runs `InteractiveReview` when both stdin and stdout are,
    /// `LineReview` otherwise.
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }
}
