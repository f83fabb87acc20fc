/// A WARC file that cannot be read or written: names the file, where in it (byte offset, record number)
/// and what is wrong.
public struct ArchiveError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// Offset in the file as read: in the decompressed stream for `.warc.gz`, except for gzip errors.
    public var offset: Int?
    /// 0-based record number, when the problem is inside a record.
    public var record: Int?
    public var reason: String

    public init(file: String, offset: Int? = nil, record: Int? = nil, reason: String) {
        self.file = file
        self.offset = offset
        self.record = record
        self.reason = reason
    }

    public var description: String {
        var place = file
        if let record { place += ", record \(record)" }
        if let offset { place += ", byte \(offset)" }
        return "\(place): \(reason)"
    }
}
