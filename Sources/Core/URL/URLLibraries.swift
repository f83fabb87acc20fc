internal import CIDN2
internal import CPSL

/// The versions of the libraries behind the URL parser: libidn2 (international host names) and libpsl
/// (the Public Suffix List), as loaded at run time.
public enum URLLibraries {
    public static var versions: [LibraryVersion] {
        let idn2 = idn2_check_version(nil).map { String(cString: $0) } ?? "unknown"
        let psl = psl_get_version().map { String(cString: $0) } ?? "unknown"
        let list = psl_dist_filename().map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : "list \($0)" }
        return [LibraryVersion(name: "libidn2", version: idn2), LibraryVersion(name: "libpsl", version: psl, detail: list)]
    }
}
