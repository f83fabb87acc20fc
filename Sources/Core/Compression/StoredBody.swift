import Foundation

/// A capture's body as a store keeps it: the bytes, the name of their encoding and the decoded size, so
/// reading it back allocates exactly that and a row claiming little but decoding to much is refused.
///
/// New bodies are zstd frames at zstd's default level 3, which carry a checksum of the content (a damaged row
/// is caught on reading): on the corpus pages that is about eight times as fast as zlib's default level and no
/// larger. It runs on the parse workers, so the queues and the one writer thread hold bodies small. Rows of
/// earlier releases hold zlib-framed deflate (`zlib`) or the raw bytes (no encoding); both still read.
public struct StoredBody: Sendable, Equatable {
    public var bytes: Data
    /// `zstd`, `zlib`, or nil for the raw bytes.
    public var encoding: String?
    /// The body's size decoded; nil only on raw rows of releases that did not record it.
    public var size: Int?

    /// The name the store records beside a body written now.
    public static let written = "zstd"
    static let level: Int32 = 3

    public init(bytes: Data, encoding: String?, size: Int?) {
        self.bytes = bytes
        self.encoding = encoding
        self.size = size
    }

    /// `body` compressed for storing.
    public init(compressing body: Data) throws(CompressionError) {
        do throws(BodyCodingFailure) {
            bytes = try ZstdContext(.compress).compress(body, level: Self.level)
        } catch {
            throw CompressionError(reason: error.reason)
        }
        encoding = Self.written
        size = body.count
    }

    /// The body as fetched.
    public func decoded() throws(CompressionError) -> Data {
        guard let encoding else { return bytes }
        guard let size else { throw CompressionError(reason: "a \(TextCleaning.quoted(encoding)) body without its decoded size") }
        do throws(BodyCodingFailure) {
            switch encoding {
            case "zstd": return try ZstdContext(.decompress).decompress(bytes, size: size)
            case "zlib": return try ZlibStream(.decompress, framing: .zlib).decompressExactly(bytes, limit: size)
            default: throw BodyCodingFailure(offset: 0, reason: "unknown body encoding \(TextCleaning.quoted(encoding))")
            }
        } catch {
            throw CompressionError(reason: error.reason)
        }
    }
}
