import Foundation
import SluiceCore

/// Where the pipeline file and the rule files it names are looked for, in order: folders on disk, each with
/// the reason it is searched (`--pipeline`, `$SLUICE_HOME`, `/etc/sluice`), then the defaults built into the
/// binary. For each file the first place holding it wins, so an override may replace one rule file and keep
/// the others; a name the pipeline file gives as an absolute path is read from there only.
public struct ConfigurationSearch: Sendable, Equatable {
    /// A folder searched, and why.
    public struct Folder: Sendable, Equatable {
        public var path: String
        public var layer: String

        public init(path: String, layer: String) {
            self.path = path
            self.layer = layer
        }
    }

    public var folders: [Folder]
    /// Files read once and kept (`PipelineDefinition.pinned()`), found before anything on disk: a running
    /// service keeps its rules until told to reload them.
    public var pinned: [String: ConfigurationFile] = [:]

    public init(folders: [Folder]) {
        self.folders = folders
    }

    /// The name the pipeline file has in `$SLUICE_HOME` and `/etc/sluice`.
    public static let pipelineName = "pipeline.json"
    /// The folder for system-wide overrides.
    public static let systemFolder = "/etc/sluice"

    /// The usual places: `$SLUICE_HOME` when set, then `system` (normally `/etc/sluice`), then the built-in files.
    public static func standard(home: String?, system: String?) -> ConfigurationSearch {
        var folders: [Folder] = []
        if let home, !home.isEmpty { folders.append(Folder(path: home, layer: "$SLUICE_HOME")) }
        if let system, !system.isEmpty { folders.append(Folder(path: system, layer: system)) }
        return ConfigurationSearch(folders: folders)
    }

    /// The file in force under `name`. Throws naming every place looked in when none holds it.
    public func file(_ name: String) throws -> ConfigurationFile {
        if let kept = pinned[name] { return kept }
        if name.hasPrefix("/") { return try ConfigurationFile.read(path: name, layer: "named by the pipeline file") }
        for folder in folders {
            let path = URL(fileURLWithPath: folder.path, isDirectory: true).appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return try ConfigurationFile.read(path: path, layer: folder.layer)
            }
        }
        if let text = BuiltInFiles.files[name] {
            return ConfigurationFile(name: name, origin: .builtIn, data: Data(text.utf8))
        }
        let places = folders.map(\.path) + ["the built-in defaults"]
        throw ConfigurationError(file: name, key: "", reason: "not found (looked in " + places.joined(separator: ", ") + ")")
    }

    /// The built-in copy of a default file, whatever is on disk; nil for a name that is not built in.
    public static func builtIn(_ name: String) -> ConfigurationFile? {
        BuiltInFiles.files[name].map { ConfigurationFile(name: name, origin: .builtIn, data: Data($0.utf8)) }
    }

    /// The names of the files built into the binary, the default pipeline first.
    public static var builtInNames: [String] {
        [BuiltInFiles.pipelineName] + BuiltInFiles.files.keys.filter { $0 != BuiltInFiles.pipelineName }.sorted()
    }
}
