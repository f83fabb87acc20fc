import Foundation
internal import CZlib

/// Owns one zlib `z_stream`, set up for compression or decompression in one of zlib's three framings, and
/// releases it with `deflateEnd`/`inflateEnd` in `deinit`. The one owner of zlib in sluice: the WARC archive
/// (gzip members), the ZIP reader (raw deflate) and the store (zlib-framed bodies) all go through it.
///
/// The stream lives at a fixed heap address because zlib's internal state points back to it (`inflateStateCheck`
/// rejects a moved stream). Not thread safe and deliberately not Sendable: one owner at a time.
package final class ZlibStream {
    package enum Mode { case compress, decompress }

    /// How the deflate data is framed.
    package enum Framing {
        /// gzip members (RFC 1952); decompression also takes the zlib framing, told apart by the header.
        case gzip
        /// The zlib framing (RFC 1950): a two-byte header and an Adler-32 check of the content.
        case zlib
        /// Bare deflate (RFC 1951, windowBits -15), as ZIP entries hold it.
        case raw
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let mode: Mode

    /// Throws the zlib message when the stream cannot be set up (out of memory, library mismatch). `level` is
    /// zlib's, 1 (fastest) to 9 (smallest); -1 its default (6).
    package init(_ mode: Mode, framing: Framing = .gzip, level: Int32 = -1) throws(BodyCodingFailure) {
        self.mode = mode
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = switch (mode, framing) {
        case (.compress, .gzip): sluice_deflate_init_gzip(stream, level)
        case (.compress, .zlib): sluice_deflate_init_zlib(stream, level)
        case (.compress, .raw): sluice_deflate_init_raw(stream, level)
        case (.decompress, .gzip), (.decompress, .zlib): sluice_inflate_init_auto(stream)
        case (.decompress, .raw): sluice_inflate_init_raw(stream)
        }
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw BodyCodingFailure(offset: 0, reason: "zlib setup failed with code \(status)")
        }
    }

    deinit {
        if mode == .compress { deflateEnd(stream) } else { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// One complete gzip member (or zlib stream, or raw deflate stream, as the framing says) holding `data`. The stream is reset afterwards, so the next call starts a new
    /// member: WARC readers seek to records by member boundaries.
    package func compressMember(_ data: Data) throws(BodyCodingFailure) -> Data {
        let (status, output) = pump(data) {
            let status = deflate(stream, Z_FINISH)
            return (status, status == Z_OK || status == Z_BUF_ERROR && stream.pointee.avail_out == 0)
        }
        deflateReset(stream)
        guard status == Z_STREAM_END else { throw BodyCodingFailure(offset: 0, reason: "deflate failed with code \(status)") }
        return output
    }

    /// Feeds all of `data` to the stream and collects what `step` (one `deflate` or `inflate` call, which
    /// says whether to go on) writes, 64 KiB at a time; returns the last status.
    private func pump(_ data: Data, until limit: Int = .max, _ step: () -> (status: Int32, goOn: Bool)) -> (Int32, Data) {
        var output = Data()
        var input = [UInt8](data)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                stream.pointee.next_in = inputBuffer.baseAddress
                stream.pointee.avail_in = uInt(inputBuffer.count)
                var goOn = true
                while goOn && output.count <= limit {
                    stream.pointee.next_out = chunkBuffer.baseAddress
                    stream.pointee.avail_out = uInt(chunkBuffer.count)
                    (status, goOn) = step()
                    output.append(contentsOf: chunkBuffer.prefix(chunkBuffer.count - Int(stream.pointee.avail_out)))
                }
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
        }
        return (status, output)
    }

    /// One complete stream that must inflate to exactly `limit` bytes; inflating stops one chunk past
    /// `limit`, so a stream that understates its size (a zip bomb) costs no more memory than that.
    package func decompressExactly(_ data: Data, limit: Int) throws(BodyCodingFailure) -> Data {
        let (status, output) = pump(data, until: limit) {
            let status = inflate(stream, Z_NO_FLUSH)
            return (status, status == Z_OK && !(stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0))
        }
        inflateReset(stream)
        if output.count > limit { throw BodyCodingFailure(offset: 0, reason: "inflates to more than the \(limit) bytes it declares") }
        switch status {
        case Z_STREAM_END:
            guard output.count == limit else {
                throw BodyCodingFailure(offset: 0, reason: "inflates to \(output.count) bytes, not the \(limit) it declares")
            }
            return output
        case Z_OK, Z_BUF_ERROR:
            throw BodyCodingFailure(offset: data.count, reason: "the deflate data is cut off")
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)"
            throw BodyCodingFailure(offset: 0, reason: "bad deflate data (\(message))")
        }
    }

    /// Every member of a multi-member gzip (or zlib) stream, decompressed and concatenated, with the
    /// compressed offset at which each member starts. Trailing garbage, a damaged member or a cut-off
    /// last member is an error naming the compressed offset.
    package func decompressMembers(_ data: Data) throws(BodyCodingFailure) -> (data: Data, memberStarts: [Int]) {
        var output = Data()
        var memberStarts: [Int] = []
        var failure: BodyCodingFailure?
        var input = [UInt8](data)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        input.withUnsafeMutableBufferPointer { inputBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                guard let inputBase = inputBuffer.baseAddress else { return }
                var consumed = 0
                while consumed < inputBuffer.count && failure == nil {
                    memberStarts.append(consumed)
                    stream.pointee.next_in = inputBase + consumed
                    stream.pointee.avail_in = uInt(inputBuffer.count - consumed)
                    var status = Z_OK
                    repeat {
                        stream.pointee.next_out = chunkBuffer.baseAddress
                        stream.pointee.avail_out = uInt(chunkBuffer.count)
                        status = inflate(stream, Z_NO_FLUSH)
                        output.append(contentsOf: chunkBuffer.prefix(chunkBuffer.count - Int(stream.pointee.avail_out)))
                    } while status == Z_OK
                    let position = inputBuffer.count - Int(stream.pointee.avail_in)
                    if status == Z_STREAM_END {
                        consumed = position
                        inflateReset(stream)
                    } else if status == Z_BUF_ERROR {
                        failure = BodyCodingFailure(offset: memberStarts.last ?? 0, reason: "gzip member is truncated")
                    } else {
                        let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)"
                        failure = BodyCodingFailure(offset: position, reason: "bad gzip data (\(message))")
                    }
                }
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
        }
        inflateReset(stream)
        if let failure { throw failure }
        return (output, memberStarts)
    }
}

@available(*, unavailable)
extension ZlibStream: Sendable {}

/// A compressed or chunked body that could not be decoded, and where in its input.
package struct BodyCodingFailure: Error {
    package var offset: Int
    package var reason: String

    package init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}
