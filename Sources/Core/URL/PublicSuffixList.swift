import Synchronization
internal import CPSL

/// The registrable domain of a host ("eTLD+1") from the Public Suffix List, private section included, so
/// `alice.github.io` and `bob.github.io` are two sites while `a.example.com` and `b.example.com` are one.
///
/// The list is libpsl's: the newer of its built-in copy and the Debian `publicsuffix` file, loaded once.
public enum RegistrableDomain {
    private static let list = Mutex(PublicSuffixContext())

    /// The registrable domain of an ASCII (punycode) host; the host itself for an IP address, for a name that is
    /// itself a public suffix and for a single label (`localhost`), which are each their own site.
    public static func of(_ host: URLHost) -> String {
        guard case .domain(let name) = host else { return host.serialized }
        let bare = name.hasSuffix(".") ? String(name.dropLast()) : name
        return list.withLock { $0.registrableDomain(bare) } ?? bare
    }

    /// Whether two hosts belong to one site: the same registrable domain.
    public static func sameSite(_ first: URLHost, _ second: URLHost) -> Bool {
        of(first) == of(second)
    }
}

/// Owns libpsl's context from `psl_latest` (freed with `psl_free`), or borrows the built-in one from `psl_builtin`
/// (static, never freed). Only touched under the lock of `RegistrableDomain.list`.
private final class PublicSuffixContext {
    private let context: OpaquePointer?
    private let owned: Bool

    init() {
        if let latest = psl_latest(nil) {
            context = latest
            owned = true
        } else {
            context = psl_builtin()
            owned = false
        }
    }

    deinit {
        if owned { psl_free(context) }
    }

    /// libpsl returns a pointer into the string it was given, so the copy is made inside `withCString`.
    func registrableDomain(_ host: String) -> String? {
        guard let context else { return nil }
        return host.withCString { name in
            psl_registrable_domain(context, name).map { String(cString: $0) }
        }
    }
}

@available(*, unavailable)
extension PublicSuffixContext: Sendable {}
