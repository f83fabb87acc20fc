import Foundation
import SluiceCore

/// Where a store is, as `--store` or `SLUICE_STORE` names it: `postgres://user@host:port/db` (or
/// `postgresql://`) selects PostgreSQL, `sqlite:PATH` or a plain path selects SQLite.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Safe to print: a password in the URL is masked.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): Self.mask(url)
        }
    }

    /// Opens the store; with `create`, a missing one is created (only `init` and intake create stores).
    public func open(create: Bool) throws -> any Store {
        switch self {
        case .sqlite(let path): try SQLiteStore(path: path, create: create)
        case .postgres(let url): try PostgresStore(url: url, create: create)
        }
    }

    /// A PostgreSQL URL split into what libpq takes and sluice's own `schema=NAME` query parameter (the
    /// schema holding the store, so several communities can share one database).
    static func postgresParts(_ url: String) throws -> (conninfo: String, schema: String?) {
        guard let query = url.firstIndex(of: "?") else { return (url, nil) }
        var kept: [Substring] = []
        var schema: String?
        for parameter in url[url.index(after: query)...].split(separator: "&") {
            if parameter.hasPrefix("schema=") {
                let name = String(parameter.dropFirst("schema=".count))
                guard !name.isEmpty, name.count <= 63, name.first.map({ !$0.isNumber }) ?? false,
                      name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
                    throw StoreError.unreachable(location: mask(url),
                                                 detail: "schema=\(name) is not a schema name (lower-case letters, digits, _)")
                }
                schema = name
            } else {
                kept.append(parameter)
            }
        }
        let base = String(url[..<query])
        return (kept.isEmpty ? base : base + "?" + kept.joined(separator: "&"), schema)
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; also `password=` in query parameters.
    public static func mask(_ url: String) -> String {
        var masked = url
        if let scheme = masked.range(of: "://") {
            let authorityEnd = masked[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? masked.endIndex
            let authority = masked[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                masked.replaceSubrange(masked.index(after: colon)..<at, with: "***")
            }
        }
        if let range = masked.range(of: "password=", options: .caseInsensitive) {
            let end = masked[range.upperBound...].firstIndex(of: "&") ?? masked.endIndex
            masked.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return masked
    }
}
