import Foundation
import SluiceCore
import SluiceCore

/// Caps on what one archive may make sluice read or inflate: an `.xlsx` export of a form with thousands
/// of answers is a few MiB; a zip bomb declares or inflates to far more.
public struct ZipLimits: Sendable, Equatable {
    /// The most bytes one entry may inflate to.
    public var maxEntryBytes = 64 << 20
    /// The most bytes all entries read together may inflate to.
    public var maxTotalBytes = 256 << 20
    /// The most an entry over 1 MiB may inflate to per compressed byte (XML compresses 10–30 times).
    public var maxRatio = 200
    public var maxEntries = 10_000

    public init() {}
}

/// A ZIP archive (PKWARE APPNOTE 6.3) read from memory: the end-of-central-directory record, the central
/// directory, and on request one entry, stored or deflated, checked against its CRC-32. What form exports
/// never hold is refused with a sentence: ZIP64, several disks, encryption, other compression methods,
/// entry names that climb out of the archive (`../`, `/etc`, `C:\`), duplicate names.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    private let bytes: [UInt8]
    private let file: String
    private let limits: ZipLimits
    private(set) var entries: [String: Entry] = [:]
    private var inflated = 0

    init(_ data: Data, file: String, limits: ZipLimits = ZipLimits()) throws(ImportFileError) {
        bytes = [UInt8](data)
        self.file = file
        self.limits = limits
        let end = try endOfCentralDirectory()
        var offset = end.directoryOffset
        for _ in 0..<end.entryCount {
            let entry = try centralEntry(at: &offset)
            guard entries[entry.name] == nil else { throw failure("holds two entries named \(TextCleaning.quoted(entry.name))") }
            entries[entry.name] = entry
        }
    }

    /// The inflated bytes of the entry named `name`, nil when the archive has none.
    mutating func contents(of name: String) throws(ImportFileError) -> Data? {
        guard let entry = entries[name] else { return nil }
        guard entry.size <= limits.maxEntryBytes else {
            throw failure("entry \(TextCleaning.quoted(name)) would inflate to \(entry.size) bytes (at most \(limits.maxEntryBytes))")
        }
        guard inflated + entry.size <= limits.maxTotalBytes else {
            throw failure("inflates to more than \(limits.maxTotalBytes) bytes in all")
        }
        if entry.size > 1 << 20, entry.size / max(entry.compressedSize, 1) > limits.maxRatio {
            throw failure("entry \(TextCleaning.quoted(name)) would inflate \(entry.size / max(entry.compressedSize, 1)) times "
                          + "(at most \(limits.maxRatio)): refused as a zip bomb")
        }
        let local = entry.localHeaderOffset
        guard local + 30 <= bytes.count, read32(local) == 0x0403_4B50 else {
            throw failure("entry \(TextCleaning.quoted(name)) has no local header where the directory says")
        }
        let start = local + 30 + Int(read16(local + 26)) + Int(read16(local + 28))
        guard start + entry.compressedSize <= bytes.count else { throw failure("entry \(TextCleaning.quoted(name)) is cut off") }
        let stored = Data(bytes[start..<(start + entry.compressedSize)])
        let data: Data
        if entry.method == 0 {
            guard entry.compressedSize == entry.size else { throw failure("stored entry \(TextCleaning.quoted(name)) has two sizes") }
            data = stored
        } else {
            do throws(CompressionError) {
                data = try RawDeflate.inflate(stored, expectedSize: entry.size)
            } catch {
                throw failure("entry \(TextCleaning.quoted(name)): \(error.reason)")
            }
        }
        guard RawDeflate.crc32(data) == entry.crc else { throw failure("entry \(TextCleaning.quoted(name)) fails its CRC-32 check") }
        inflated += data.count
        return data
    }

    // MARK: - Directory

    private func endOfCentralDirectory() throws(ImportFileError) -> (entryCount: Int, directoryOffset: Int) {
        // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
        guard bytes.count >= 22 else { throw failure("is not a ZIP archive (too short)") }
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while position >= lowest, read32(position) != 0x0605_4B50 { position -= 1 }
        guard position >= lowest else { throw failure("is not a ZIP archive (no end-of-central-directory record)") }
        let disk = read16(position + 4), directoryDisk = read16(position + 6)
        let onDisk = Int(read16(position + 8)), total = Int(read16(position + 10))
        let size = Int(read32(position + 12)), offset = Int(read32(position + 16))
        if total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw failure("is a ZIP64 archive, which no form export needs: refused")
        }
        guard disk == 0, directoryDisk == 0, onDisk == total else { throw failure("spans several disks: refused") }
        guard total <= limits.maxEntries else { throw failure("holds \(total) entries (at most \(limits.maxEntries))") }
        guard offset + size <= position else { throw failure("has a central directory outside the archive") }
        return (total, offset)
    }

    private func centralEntry(at offset: inout Int) throws(ImportFileError) -> Entry {
        guard offset + 46 <= bytes.count, read32(offset) == 0x0201_4B50 else {
            throw failure("has a damaged central directory (entry at byte \(offset))")
        }
        let flags = read16(offset + 8), method = read16(offset + 10)
        let nameLength = Int(read16(offset + 28)), extraLength = Int(read16(offset + 30)), commentLength = Int(read16(offset + 32))
        let nameStart = offset + 46
        guard nameStart + nameLength + extraLength + commentLength <= bytes.count else {
            throw failure("has a damaged central directory (entry at byte \(offset))")
        }
        let nameBytes = Array(bytes[nameStart..<(nameStart + nameLength)])
        // Bit 11 marks UTF-8 names; other names are CP437, of which OOXML part names use only ASCII.
        guard let name = String(validating: nameBytes, as: UTF8.self), !name.isEmpty else {
            throw failure("has an entry whose name is not text")
        }
        try checkName(name)
        guard flags & 0x1 == 0 else { throw failure("is encrypted (password-protected): save it without a password") }
        guard method == 0 || method == 8 else {
            throw failure("entry \(TextCleaning.quoted(name)) uses compression method \(method) (only stored and deflate are read)")
        }
        let entry = Entry(name: name, method: method, crc: read32(offset + 16), compressedSize: Int(read32(offset + 20)),
                          size: Int(read32(offset + 24)), localHeaderOffset: Int(read32(offset + 42)))
        if entry.size == 0xFFFF_FFFF || entry.compressedSize == 0xFFFF_FFFF || entry.localHeaderOffset == 0xFFFF_FFFF {
            throw failure("is a ZIP64 archive, which no form export needs: refused")
        }
        offset = nameStart + nameLength + extraLength + commentLength
        return entry
    }

    /// Names are never used as paths here, but one that would climb out of a folder marks an archive made
    /// to attack whatever unpacks it.
    private func checkName(_ name: String) throws(ImportFileError) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let climbs = name.hasPrefix("/") || name.contains("\\") || name.contains("\0") || parts.contains("..")
            || (name.count >= 2 && name.dropFirst().first == ":")
        if climbs { throw failure("holds an entry named \(TextCleaning.quoted(name)), a path outside the archive: refused") }
    }

    // MARK: - Bytes

    private func read16(_ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private func read32(_ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    private func failure(_ reason: String) -> ImportFileError {
        ImportFileError(file: file, reason: reason)
    }
}
