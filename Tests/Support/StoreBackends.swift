import Foundation
import Testing

/// The store backends a test suite runs against. SQLite always; PostgreSQL where `SLUICE_TEST_POSTGRES` names a
/// server (`scripts/test.sh` starts a throw-away cluster and sets it). With `SLUICE_REQUIRE_POSTGRES=1` (CI) a
/// missing server is a failure, not a skip.
public enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    /// The server `scripts/test.sh` started, e.g. `postgres://sluice@127.0.0.1:5433/sluice`.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SLUICE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var postgresRequired: Bool { ProcessInfo.processInfo.environment["SLUICE_REQUIRE_POSTGRES"] == "1" }

    /// The backends to run: PostgreSQL too when a server is there or required (then its absence fails the test).
    public static var available: [StoreBackend] {
        postgresURL != nil || postgresRequired ? allCases : [.sqlite]
    }

    public static let skipMessage = "SLUICE_TEST_POSTGRES is not set: the PostgreSQL half of the store tests is skipped "
        + "(bash scripts/test.sh starts a server and runs it)"

    /// A fresh, empty store location of this backend: a new SQLite file in `directory`, or a new schema on the
    /// test server.
    public func freshLocation(in directory: TemporaryDirectory) throws -> String {
        switch self {
        case .sqlite:
            return directory.path("store-\(UUID().uuidString.prefix(8)).db")
        case .postgres:
            guard let base = Self.postgresURL else {
                throw BackendUnavailable(message: "PostgreSQL tests are required (SLUICE_REQUIRE_POSTGRES=1) but "
                                         + "SLUICE_TEST_POSTGRES names no server")
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }
}

public struct BackendUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
