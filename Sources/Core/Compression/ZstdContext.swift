import Foundation
internal import CZstd

/// Owns one zstd context (`ZSTD_CCtx` or `ZSTD_DCtx`) and frees it in `deinit`. The one owner of libzstd in
/// sluice: the store's bodies go through it.
///
/// Not thread safe and deliberately not Sendable: a context keeps state between calls, so it has one owner at a time.
package final class ZstdContext {
    package enum Mode { case compress, decompress }

    private let context: OpaquePointer
    private let mode: Mode

    package init(_ mode: Mode) throws(BodyCodingFailure) {
        self.mode = mode
        let made = switch mode {
        case .compress: ZSTD_createCCtx()
        case .decompress: ZSTD_createDCtx()
        }
        guard let made else { throw BodyCodingFailure(offset: 0, reason: "zstd could not allocate a context") }
        context = made
    }

    deinit {
        switch mode {
        case .compress: ZSTD_freeCCtx(context)
        case .decompress: ZSTD_freeDCtx(context)
        }
    }

    /// The version of libzstd loaded at run time.
    package static var libraryVersion: String { String(cString: ZSTD_versionString()) }

    /// `data` as one zstd frame (RFC 8878) that records its decoded size and a checksum of the content, so a
    /// damaged row is caught on reading. `level` is zstd's (3 its default).
    package func compress(_ data: Data, level: Int32) throws(BodyCodingFailure) -> Data {
        precondition(mode == .compress, "a decompression context cannot compress")
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        let bound = ZSTD_compressBound(data.count)
        // The frame is built in a scratch buffer and copied out at its size: a Data shrunk in place would keep
        // the whole bound allocated for as long as the body waits to be written.
        var written = 0
        let scratch = [UInt8](unsafeUninitializedCapacity: bound) { output, initialized in
            written = data.withUnsafeBytes { input in
                ZSTD_compress2(context, output.baseAddress, bound, input.baseAddress, input.count)
            }
            initialized = ZSTD_isError(written) == 0 ? written : 0
        }
        guard ZSTD_isError(written) == 0 else { throw Self.failure(written, "compression") }
        return Data(scratch)
    }

    /// The content of one zstd frame, which must decode to exactly `size` bytes: the output is allocated at that
    /// size, so a frame claiming little but decoding to much is refused without growing anything.
    package func decompress(_ data: Data, size: Int) throws(BodyCodingFailure) -> Data {
        precondition(mode == .decompress, "a compression context cannot decompress")
        guard size >= 0 else { throw BodyCodingFailure(offset: 0, reason: "a negative decoded size (\(size))") }
        var output = Data(count: size)
        let decoded = output.withUnsafeMutableBytes { buffer in
            data.withUnsafeBytes { input in
                ZSTD_decompressDCtx(context, buffer.baseAddress, size, input.baseAddress, input.count)
            }
        }
        guard ZSTD_isError(decoded) == 0 else { throw Self.failure(decoded, "decompression") }
        guard decoded == size else {
            throw BodyCodingFailure(offset: 0, reason: "zstd frame decodes to \(decoded) bytes, \(size) were recorded")
        }
        return output
    }

    private static func failure(_ code: Int, _ what: String) -> BodyCodingFailure {
        BodyCodingFailure(offset: 0, reason: "zstd \(what) failed: \(String(cString: ZSTD_getErrorName(code)))")
    }
}
