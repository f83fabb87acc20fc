import Foundation

/// The bytes of one configuration file (a pipeline file, URL rules, classify rules, blocked-page rules,
/// import headers) and where they came from, so an error and `sluice config show` can name it: a file on
/// disk found in one of the configuration folders, or the copy built into the binary.
public struct ConfigurationFile: Sendable, Equatable {
    /// Where a file in force was found.
    public enum Origin: Sendable, Equatable {
        /// A file on disk; `layer` says why it was looked for there (`--pipeline`, `$SLUICE_HOME`,
        /// `/etc/sluice`, or a path the pipeline file names).
        case file(path: String, layer: String)
        /// The default built into the binary.
        case builtIn
    }

    /// The file's name as the pipeline file refers to it (`rules.json`).
    public var name: String
    public var origin: Origin
    public var data: Data

    public init(name: String, origin: Origin, data: Data) {
        self.name = name
        self.origin = origin
        self.data = data
    }

    /// How messages name the file: its path, or "built-in NAME".
    public var label: String {
        switch origin {
        case .file(let path, _): path
        case .builtIn: "built-in \(name)"
        }
    }

    /// The path on disk; nil for a built-in file.
    public var path: String? {
        if case .file(let path, _) = origin { return path }
        return nil
    }

    /// Reads a file named by its path; `layer` says why it was read.
    public static func read(path: String, layer: String = "named") throws -> ConfigurationFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, key: "", reason: "cannot read the file")
        }
        return ConfigurationFile(name: URL(fileURLWithPath: path).lastPathComponent, origin: .file(path: path, layer: layer),
                                 data: data)
    }
}
