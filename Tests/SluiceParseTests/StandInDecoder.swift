import Foundation
import Glibc

/// Stand-in for the fetch stage's `CharsetDecoder` until it is merged: strict UTF-8 when the bytes are
/// UTF-8, otherwise GB18030 through iconv (the legacy charset of nearly all Chinese pages), otherwise
/// lossy UTF-8. It detects nothing else, so charset figures measured with it are provisional.
enum StandInDecoder {
    static let decode: @Sendable (Data) -> (text: String, charset: String) = { bytes in
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "UTF-8") }
        if let text = convert(bytes, from: "GB18030") { return (text, "GB18030") }
        return (String(decoding: bytes, as: UTF8.self), "UTF-8")
    }

    /// Converts with iconv, skipping bytes it cannot read; nil when the charset is unknown to iconv or
    /// more than 1 % of the input had to be skipped.
    private static func convert(_ bytes: Data, from charset: String) -> String? {
        let converter = iconv_open("UTF-8", charset)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = [CChar](repeating: 0, count: bytes.count)
        bytes.withUnsafeBytes { raw in
            for (index, byte) in raw.enumerated() { input[index] = CChar(bitPattern: byte) }
        }
        var output = [UInt8]()
        var chunk = [CChar](repeating: 0, count: 65_536)
        var skipped = 0
        input.withUnsafeMutableBufferPointer { inputBuffer in
            var inputPointer = inputBuffer.baseAddress
            var inputLeft = inputBuffer.count
            while inputLeft > 0 {
                chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    var outputPointer = chunkBuffer.baseAddress
                    var outputLeft = chunkBuffer.count
                    let result = iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    let written = chunkBuffer.count - outputLeft
                    output.append(contentsOf: UnsafeRawBufferPointer(start: chunkBuffer.baseAddress, count: written))
                    if result == -1, errno != E2BIG {
                        inputPointer = inputPointer.map { $0 + 1 }
                        inputLeft -= 1
                        skipped += 1
                    }
                }
            }
        }
        guard skipped * 100 <= bytes.count else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
