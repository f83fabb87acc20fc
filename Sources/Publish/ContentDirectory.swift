import Foundation
import Glibc

/// A file of the content directory that could not be written, read or removed: the path, what we were
/// doing and the system's reason.
public struct ContentDirectoryError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var operation: String
    public var reason: String

    public init(path: String, operation: String, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(path): cannot \(operation): \(reason)" }
}

/// The published items as Markdown files with YAML front matter, one per item, for static-site
/// generators (Hugo, Jekyll, Astro content collections). Files live at `<month>/<id>.md`: names come from
/// the month and the id, never from a title (SECURITY.md item 30); the title's slug goes in the front
/// matter. Writes are atomic (temporary file, fsync, rename, fsync of the directory), so a reader or a
/// crash never sees half a file. Not synchronised: one publisher writes a directory at a time.
public struct ContentDirectory: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// Writes one item (front matter, summary, notes and the frozen evidence) and returns its path
    /// relative to `root`. Writing the same item again leaves the file untouched.
    public func write(_ item: ColumnItem, slug: String, month: String, evidenceText: String?) throws -> String {
        let relative = try Self.relativePath(id: item.id, month: month)
        guard Slug.isWellFormed(slug) else {
            throw ContentDirectoryError(path: relative, operation: "write", reason: "slug \"\(Escape.line(slug))\" is not well-formed")
        }
        let contents = Data(ContentDocument.render(item, slug: slug, month: month, evidenceText: evidenceText).utf8)
        let file = root.appendingPathComponent(relative)
        if FileManager.default.contents(atPath: file.path) == contents { return relative }
        removeLeftovers(of: file)
        try AtomicFile.write(contents, to: file)
        return relative
    }

    /// Removes the temporary files of earlier writes of `file` that a kill cut off before their rename
    /// (`.<id>.md.<pid>.<uuid>.tmp`), so a crash leaves no stray file once the item is published again.
    /// Safe because one publisher writes a directory at a time.
    private func removeLeftovers(of file: URL) {
        let directory = file.deletingLastPathComponent()
        let prefix = ".\(file.lastPathComponent)."
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            unlink(directory.appendingPathComponent(name).path)
        }
    }

    /// Removes a file `write` produced; removing one that is already gone succeeds, so unpublishing is
    /// idempotent. Paths of any other shape are refused, so a stored path cannot reach outside `root`.
    public func remove(relativePath: String) throws {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, Self.isMonth(parts[0]), parts[1].hasSuffix(".md"),
              let id = Int64(parts[1].dropLast(3)), id >= 0, "\(id).md" == parts[1] else {
            throw ContentDirectoryError(path: relativePath, operation: "remove",
                                        reason: "not a content file path of the form YYYY-MM/<id>.md")
        }
        let file = root.appendingPathComponent(relativePath)
        if unlink(file.path) != 0 && errno != ENOENT {
            throw ContentDirectoryError(path: file.path, operation: "remove", reason: String(cString: strerror(errno)))
        }
        try AtomicFile.syncDirectory(file.deletingLastPathComponent())
    }

    /// `<month>/<id>.md`.
    public static func relativePath(id: Int64, month: String) throws -> String {
        guard isMonth(month) else {
            throw ContentDirectoryError(path: month, operation: "name the file", reason: "month must be YYYY-MM")
        }
        guard id >= 0 else {
            throw ContentDirectoryError(path: "\(id)", operation: "name the file", reason: "item id must not be negative")
        }
        return "\(month)/\(id).md"
    }

    /// "YYYY-MM" with a month from 01 to 12.
    public static func isMonth(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || (0x30...0x39).contains($0.element) }),
              let month = Int(text.suffix(2)) else { return false }
        return (1...12).contains(month)
    }
}

/// Writes a file so that it is either the old or the new contents, also after a crash: a temporary file
/// in the same directory, written and fsync'ed, renamed over the target, then the directory fsync'ed so
/// the rename itself is durable (rename(2) is atomic within one file system). Use it for `export --out`
/// too (SECURITY.md item 30). Errors are `ContentDirectoryError` naming the path.
public enum AtomicFile {
    public static func write(_ contents: Data, to file: URL) throws {
        let directory = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ContentDirectoryError(path: directory.path, operation: "create the directory", reason: "\(error)")
        }
        let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(temporary, "create") }
        let complete: Bool = contents.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return true }
            var written = 0
            while written < bytes.count {
                let result = Glibc.write(descriptor, base + written, bytes.count - written)
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { return false }
                written += result
            }
            return true
        }
        var failed: ContentDirectoryError?
        if !complete {
            failed = failure(temporary, "write")
        } else if fsync(descriptor) != 0 {
            failed = failure(temporary, "fsync")
        }
        if close(descriptor) != 0 && failed == nil { failed = failure(temporary, "close") }
        if let failed {
            unlink(temporary.path)
            throw failed
        }
        guard rename(temporary.path, file.path) == 0 else {
            let error = failure(file, "rename the temporary file over")
            unlink(temporary.path)
            throw error
        }
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw failure(directory, "open the directory")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure(directory, "fsync the directory") }
    }

    private static func failure(_ file: URL, _ operation: String) -> ContentDirectoryError {
        ContentDirectoryError(path: file.path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
