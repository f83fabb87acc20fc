internal import CCurl
import SluiceCore

/// The version of libcurl as loaded at run time, with the TLS library it was built with.
public enum FetchLibraries {
    public static var versions: [LibraryVersion] {
        var curl = LibraryVersion(name: "libcurl", version: "unknown")
        if let info = sluice_curl_version_info() {
            curl.version = info.pointee.version.map { String(cString: $0) } ?? "unknown"
            curl.detail = info.pointee.ssl_version.map { String(cString: $0) }
        }
        return [curl]
    }
}
