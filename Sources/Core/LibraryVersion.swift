/// A C library sluice runs on and the version loaded at run time (which may differ from the headers it was
/// built against), for `sluice --version` and bug reports.
public struct LibraryVersion: Sendable, Equatable, Encodable {
    public var name: String
    public var version: String
    /// What else matters about it (the TLS library libcurl uses, the data file libpsl reads).
    public var detail: String?

    public init(name: String, version: String, detail: String? = nil) {
        self.name = name
        self.version = version
        self.detail = detail
    }
}
