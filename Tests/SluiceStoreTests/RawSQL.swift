import Foundation
import SluiceStore

/// Statements run on a test store from outside sluice, through the databases' own shells (`sqlite3`, `psql`):
/// to look at how rows are stored and to write rows as earlier releases did, which no store contract does.
struct RawSQL {
    let location: StoreLocation

    init(_ location: StoreLocation) {
        self.location = location
    }

    /// The rows the statement prints, one a line, columns separated by `|`. SQLite spells `octet_length`
    /// `length` for blobs.
    func lines(_ statement: String) throws -> [String] {
        let process = Process()
        var environment = ProcessInfo.processInfo.environment
        switch location {
        case .sqlite(let path):
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            let sqlite = statement.replacingOccurrences(of: "octet_length(", with: "length(")
            process.arguments = ["-cmd", ".timeout 5000", path, sqlite]
        case .postgres(let url):
            // psql takes no `schema=` parameter: the store's schema goes in through the search path.
            var components = URLComponents(string: url)
            let schema = components?.queryItems?.first { $0.name == "schema" }?.value ?? "public"
            let others = components?.queryItems?.filter { $0.name != "schema" } ?? []
            components?.queryItems = others.isEmpty ? nil : others
            environment["PGOPTIONS"] = "-csearch_path=\(schema)"
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["psql", components?.string ?? url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", statement]
        }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RawSQLFailure(statement: statement, message: String(decoding: complaint, as: UTF8.self))
        }
        return String(decoding: printed, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

struct RawSQLFailure: Error, CustomStringConvertible {
    var statement: String
    var message: String
    var description: String { "\(statement): \(message)" }
}
