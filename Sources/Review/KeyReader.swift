import Glibc

/// One key press as the screen understands it.
enum Key: Equatable {
    case character(Character)
    case enter, backspace, escape, up, down, interrupt
    /// Nothing arrived within the wait; the screen uses the pause to notice a resize.
    case idle
    /// The terminal is gone (hang-up or closed).
    case end
}

/// Reads keys from a terminal in raw mode: UTF-8 characters whole, arrow-key sequences as one key.
/// Owned by the screen's thread.
final class KeyReader {
    private let descriptor: Int32
    private var pending: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next key, or `.idle` when none arrives within `timeout` milliseconds.
    func next(timeout: Int32) -> Key {
        if pending.isEmpty {
            switch fill(timeout: timeout) {
            case .some(false): return .end
            case .none: return .idle
            case .some(true): break
            }
        }
        return decode()
    }

    /// Waits for bytes: true when some were read, false at the end of input, nil when none came in time.
    private func fill(timeout: Int32) -> Bool? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeout)
        if ready < 0 { return errno == EINTR ? nil : false }
        if ready == 0 { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return nil }
        guard count > 0 else { return false }
        pending += buffer[..<count]
        return true
    }

    private func decode() -> Key {
        let first = pending.removeFirst()
        switch first {
        case 0x03: return .interrupt
        case 0x04: return .end
        case 0x0D, 0x0A: return .enter
        case 0x08, 0x7F: return .backspace
        case 0x1B: return escapeSequence()
        default: break
        }
        let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        while pending.count < length - 1, fill(timeout: 50) == true {}
        let bytes = [first] + pending.prefix(length - 1)
        pending.removeFirst(min(length - 1, pending.count))
        let text = String(decoding: bytes, as: UTF8.self)
        return text.first.map { .character($0) } ?? .idle
    }

    /// `ESC [ A` and `ESC O A` are arrows; anything else after ESC is swallowed up to its final byte, and a
    /// lone ESC is the Escape key.
    private func escapeSequence() -> Key {
        if pending.isEmpty { _ = fill(timeout: 30) }
        guard let introducer = pending.first, introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O") else {
            return .escape
        }
        pending.removeFirst()
        while true {
            if pending.isEmpty, fill(timeout: 30) != true { return .escape }
            let byte = pending.removeFirst()
            guard (0x40...0x7E).contains(byte) else { continue }
            switch byte {
            case UInt8(ascii: "A"): return .up
            case UInt8(ascii: "B"): return .down
            default: return .idle
            }
        }
    }
}
