import Foundation

/// How a store keeps a capture's body: zlib-framed deflate (RFC 1950, whose Adler-32 check catches a damaged
/// row) beside the decoded size, so reading it back allocates exactly that and a row claiming little but
/// inflating to much is refused after one chunk.
///
/// zlib's level 1: on the corpus pages it is 2.5 times as fast as the default level 6 and about a sixth
/// larger, and compressing runs on the one thread that commits the pipeline's outcomes.
public enum StoredBody {
    /// The name the store records beside a compressed body; a row without one holds the raw bytes (rows an
    /// earlier release wrote).
    public static let encoding = "zlib"
    static let level: Int32 = 1

    /// `body` compressed for storing.
    public static func compress(_ body: Data) throws(CompressionError) -> Data {
        do throws(BodyCodingFailure) {
            return try ZlibStream(.compress, framing: .zlib, level: level).compressMember(body)
        } catch {
            throw CompressionError(reason: error.reason)
        }
    }

    /// The body stored as `data` under `encoding` (nil: raw), which must decode to exactly `size` bytes.
    public static func decode(_ data: Data, encoding: String?, size: Int?) throws(CompressionError) -> Data {
        guard let encoding else { return data }
        guard encoding == Self.encoding, let size else {
            throw CompressionError(reason: "unknown body encoding \(TextCleaning.quoted(encoding)) or no decoded size")
        }
        do throws(BodyCodingFailure) {
            return try ZlibStream(.decompress, framing: .zlib).decompressExactly(data, limit: size)
        } catch {
            throw CompressionError(reason: error.reason)
        }
    }
}
