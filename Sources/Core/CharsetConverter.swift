import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Owns one glibc `iconv_t` descriptor converting from a charset to UTF-8; `iconv_close` runs in `deinit`.
///
/// Foundation on Linux cannot decode GB18030, Big5 or Shift_JIS, so every legacy charset goes through
/// iconv. A descriptor carries shift state (ISO-2022-JP), so it is confined to the call that made it:
/// the type is deliberately not Sendable.
final class CharsetConverter {
    private let descriptor: iconv_t

    /// nil when glibc has no converter from this iconv charset name.
    init?(from source: String) {
        let opened = iconv_open("UTF-8", source)
        guard let opened, opened != iconv_t(bitPattern: -1) else { return nil }
        descriptor = opened
    }

    deinit {
        iconv_close(descriptor)
    }

    /// The converted bytes and how many input sequences were invalid or cut off. glibc reports an invalid
    /// sequence with `EILSEQ` and stops in front of it; per WHATWG error handling the sequence's first byte
    /// becomes U+FFFD and conversion resumes at the next byte, so an ASCII trail byte is never swallowed.
    func convert(_ input: Data) -> (bytes: [UInt8], invalidSequences: Int) {
        var source = [UInt8](input)
        var converted: [UInt8] = []
        converted.reserveCapacity(source.count * 2)
        var invalid = 0
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        source.withUnsafeMutableBufferPointer { sourceBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                guard let sourceBase = sourceBuffer.baseAddress, let scratchBase = scratchBuffer.baseAddress else { return }
                let total = sourceBuffer.count
                var position = 0
                while position < total {
                    var inputLeft = total - position
                    var outputLeft = scratchBuffer.count
                    var inputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(sourceBase + position)
                        .assumingMemoryBound(to: CChar.self)
                    var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(scratchBase)
                        .assumingMemoryBound(to: CChar.self)
                    let result = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    let failure = errno
                    converted.append(contentsOf: UnsafeBufferPointer(start: scratchBase, count: scratchBuffer.count - outputLeft))
                    position = total - inputLeft
                    guard result == -1 else { break }
                    if failure == E2BIG { continue }
                    invalid += 1
                    converted.append(contentsOf: CharsetConverter.replacementCharacter)
                    position = failure == EINVAL ? total : position + 1
                }
            }
        }
        return (converted, invalid)
    }

    /// Back to the initial shift state, so the next body starts clean (`iconv(cd, NULL, NULL, NULL, NULL)`).
    func reset() {
        _ = iconv(descriptor, nil, nil, nil, nil)
    }

    static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
}

/// Keeps idle converters for reuse. glibc unloads a charset's gconv module when its last descriptor closes and
/// loading it again costs milliseconds, so opening and closing one per reading made detection (seven readings
/// of an undeclared page) about fifty times slower than the conversions themselves.
///
/// `@unchecked Sendable` is safe: `idle` is read and written only while `lock` is held, and a converter belongs
/// either to the pool (idle, untouched) or to exactly one caller between checkout and return.
final class CharsetConverterPool: @unchecked Sendable {
    static let shared = CharsetConverterPool()

    private let lock = NSLock()
    private var idle: [String: [CharsetConverter]] = [:]
    private let idlePerCharset = 4

    /// Runs `body` with a converter from `iconvName` to UTF-8; nil when glibc has no such converter.
    func withConverter<Result>(from iconvName: String, _ body: (CharsetConverter) -> Result) -> Result? {
        lock.lock()
        let reused = idle[iconvName]?.popLast()
        lock.unlock()
        guard let converter = reused ?? CharsetConverter(from: iconvName) else { return nil }
        let result = body(converter)
        converter.reset()
        lock.lock()
        if idle[iconvName, default: []].count < idlePerCharset { idle[iconvName, default: []].append(converter) }
        lock.unlock()
        return result
    }
}

@available(*, unavailable)
extension CharsetConverter: Sendable {}
