import Foundation
internal import CZlib

/// Raw deflate streams (RFC 1951, no zlib or gzip wrapper) and CRC-32, as ZIP archives (`.xlsx`) store
/// their entries, for the modules that read those: zlib is imported by SluiceCore alone.
public enum RawDeflate {
    /// Inflates `data`, which must be one complete raw deflate stream producing exactly `expectedSize`
    /// bytes. Output is cut off just past `expectedSize`, so a stream that claims little and inflates to
    /// much (a zip bomb) costs at most that much memory before it is refused.
    public static func inflate(_ data: Data, expectedSize: Int) throws(CompressionError) -> Data {
        do throws(BodyCodingFailure) {
            return try ZlibStream(.decompress, framing: .raw).decompressExactly(data, limit: expectedSize)
        } catch {
            throw CompressionError(reason: error.reason)
        }
    }

    /// `data` as one raw deflate stream at zlib's default level (tests write archives with it).
    public static func deflate(_ data: Data) throws(CompressionError) -> Data {
        do throws(BodyCodingFailure) {
            return try ZlibStream(.compress, framing: .raw).compressMember(data)
        } catch {
            throw CompressionError(reason: error.reason)
        }
    }

    /// The CRC-32 (ISO 3309, as ZIP and gzip use it) of `data`.
    public static func crc32(_ data: Data) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count, let base = bytes.baseAddress {
                let chunk = min(bytes.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(chunk))
                offset += chunk
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}

/// A compressed stream that could not be set up or was damaged, too long or too short.
public struct CompressionError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }

    public init(reason: String) {
        self.reason = reason
    }
}
