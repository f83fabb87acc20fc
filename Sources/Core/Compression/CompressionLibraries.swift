internal import CZlib

/// The versions of the compression libraries as loaded at run time: zlib (gzip archives, .xlsx entries, bodies of
/// earlier releases) and libzstd (the bodies the store keeps).
public enum CompressionLibraries {
    public static var versions: [LibraryVersion] {
        let zlib = zlibVersion().map { String(cString: $0) } ?? "unknown"
        return [LibraryVersion(name: "zlib", version: zlib), LibraryVersion(name: "libzstd", version: ZstdContext.libraryVersion)]
    }
}
