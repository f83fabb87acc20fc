internal import CPostgres
internal import CSQLite
import SluiceCore

/// The versions of the database libraries the stores run on, as loaded at run time.
public enum StoreLibraries {
    public static var versions: [LibraryVersion] {
        let sqlite = String(cString: sqlite3_libversion())
        return [LibraryVersion(name: "SQLite", version: sqlite),
                LibraryVersion(name: "libpq", version: postgresVersion(Int(PQlibVersion())))]
    }

    /// libpq numbers versions as major·10000 + minor from PostgreSQL 10 on (150005 is 15.5), and as
    /// major·10000 + minor·100 + patch before.
    static func postgresVersion(_ number: Int) -> String {
        number >= 100_000 ? "\(number / 10000).\(number % 10000)" : "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }
}
