import Foundation
import SluiceCore
import SluiceFetch

/// `sluice archive export`: every stored response as WARC, one page in memory at a time.
public enum ArchiveService {
    /// Writes the archive to `path` (gzipped record by record when it ends in `.gz`) through a temporary file
    /// moved into place at the end, so a reader never sees half an archive. The number of responses written.
    public static func export(from store: any PublicationStore, to path: String) throws -> Int {
        let temporary = path + ".partial"
        let writer = try WARCWriter(path: temporary, gzip: path.hasSuffix(".gz"))
        var count = 0
        try store.forEachCapture { _, capture in
            try writer.write(capture)
            count += 1
        }
        try writer.close()
        guard rename(temporary, path) == 0 else {
            throw ArchiveError(file: path, reason: "cannot move \(temporary) into place: \(String(cString: strerror(errno)))")
        }
        return count
    }
}
