internal import CCurl
internal import CZlib
import SluiceCore

/// The versions of the libraries the fetcher runs on, as loaded at run time: libcurl (with the TLS library
/// it was built with) and zlib (gzip archives, .xlsx entries).
public enum FetchLibraries {
    public static var versions: [LibraryVersion] {
        var curl = LibraryVersion(name: "libcurl", version: "unknown")
        if let info = sluice_curl_version_info() {
            curl.version = info.pointee.version.map { String(cString: $0) } ?? "unknown"
            curl.detail = info.pointee.ssl_version.map { String(cString: $0) }
        }
        let zlib = zlibVersion().map { String(cString: $0) } ?? "unknown"
        return [curl, LibraryVersion(name: "zlib", version: zlib)]
    }
}
