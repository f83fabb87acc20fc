import Foundation
internal import CZlib

/// Owns one zlib `z_stream`, set up for gzip compression or for gzip/zlib decompression, and releases it with
/// `deflateEnd`/`inflateEnd` in `deinit`.
///
/// The stream lives at a fixed heap address because zlib's internal state points back to it (`inflateStateCheck`
/// rejects a moved stream). Not thread safe and deliberately not Sendable: one owner at a time.
final class GzipStream {
    enum Mode { case compress, decompress }

    private let stream: UnsafeMutablePointer<z_stream>
    private let mode: Mode

    /// Throws the zlib message when the stream cannot be set up (out of memory, library mismatch).
    init(_ mode: Mode) throws(BodyCodingFailure) {
        self.mode = mode
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = mode == .compress
            ? sluice_deflate_init_gzip(stream, Z_DEFAULT_COMPRESSION)
            : sluice_inflate_init_auto(stream)
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

    /// One complete gzip member holding `data`. The stream is reset afterwards, so the next call starts a new
    /// member: WARC readers seek to records by member boundaries.
    func compressMember(_ data: Data) throws(BodyCodingFailure) -> Data {
        var output = Data()
        var input = [UInt8](data)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                stream.pointee.next_in = inputBuffer.baseAddress
                stream.pointee.avail_in = uInt(inputBuffer.count)
                repeat {
                    stream.pointee.next_out = chunkBuffer.baseAddress
                    stream.pointee.avail_out = uInt(chunkBuffer.count)
                    status = deflate(stream, Z_FINISH)
                    output.append(contentsOf: chunkBuffer.prefix(chunkBuffer.count - Int(stream.pointee.avail_out)))
                } while status == Z_OK || status == Z_BUF_ERROR && stream.pointee.avail_out == 0
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
        }
        deflateReset(stream)
        guard status == Z_STREAM_END else { throw BodyCodingFailure(offset: 0, reason: "deflate failed with code \(status)") }
        return output
    }

    /// Every member of a multi-member gzip (or zlib) stream, decompressed and concatenated, with the
    /// compressed offset at which each member starts. Trailing garbage, a damaged member or a cut-off
    /// last member is an error naming the compressed offset.
    func decompressMembers(_ data: Data) throws(BodyCodingFailure) -> (data: Data, memberStarts: [Int]) {
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
extension GzipStream: Sendable {}

/// A compressed or chunked body that could not be decoded, and where in its input.
struct BodyCodingFailure: Error {
    var offset: Int
    var reason: String
}
