import Foundation

/// A configuration file that could not be used: names the file, the key path and the reason.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var key: String
    public var reason: String
    public init(file: String, key: String, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }
    public var description: String {
        key.isEmpty ? "\(file): \(reason)" : "\(file): \(key): \(reason)"
    }
}

/// Decodes JSON configuration and refuses keys the type does not know.
///
/// Foundation's decoder silently ignores unknown keys, so a misspelt limit would fall back to its default
/// unnoticed. After decoding, the value is encoded again: any key present in the file but absent from that
/// encoding is one the type never read. Types used here therefore encode every key they decode.
public enum StrictJSON {
    public static func decode<T: Codable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        let original: Any
        do {
            original = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ConfigurationError(file: file, key: "", reason: "not valid JSON (\(error.localizedDescription))")
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw describe(error, file: file)
        }
        let reencoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value), options: [.fragmentsAllowed])
        if let unknown = firstUnknownKey(original, known: reencoded, path: "") {
            throw ConfigurationError(file: file, key: unknown, reason: "unknown key")
        }
        return value
    }

    public static func decode<T: Codable>(_ type: T.Type, contentsOf path: String) throws -> T {
        try decode(type, from: ConfigurationFile.read(path: path))
    }

    /// Decodes a configuration file wherever it came from; errors name it by its `label`.
    public static func decode<T: Codable>(_ type: T.Type, from file: ConfigurationFile) throws -> T {
        try decode(type, from: file.data, file: file.label)
    }

    private static func firstUnknownKey(_ original: Any, known: Any, path: String) -> String? {
        if let object = original as? [String: Any] {
            let knownObject = known as? [String: Any] ?? [:]
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                let keyPath = path.isEmpty ? key : "\(path).\(key)"
                guard let knownValue = knownObject[key] else { return keyPath }
                if let nested = firstUnknownKey(value, known: knownValue, path: keyPath) { return nested }
            }
        } else if let array = original as? [Any], let knownArray = known as? [Any] {
            for (index, element) in array.enumerated() where index < knownArray.count {
                if let nested = firstUnknownKey(element, known: knownArray[index], path: "\(path)[\(index)]") {
                    return nested
                }
            }
        }
        return nil
    }

    private static func describe(_ error: DecodingError, file: String) -> ConfigurationError {
        func keyPath(_ codingPath: [CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return ConfigurationError(file: file, key: keyPath(context.codingPath),
                                      reason: "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return ConfigurationError(file: file, key: keyPath(context.codingPath), reason: "missing \(type) value")
        case .keyNotFound(let key, let context):
            return ConfigurationError(file: file, key: keyPath(context.codingPath + [key]), reason: "required key is missing")
        case .dataCorrupted(let context):
            return ConfigurationError(file: file, key: keyPath(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return ConfigurationError(file: file, key: "", reason: "\(error)")
        }
    }
}

/// Reads a value that may be absent, falling back to a default; used by configuration types so every
/// limit has a sane default and an explicit value is still checked.
extension KeyedDecodingContainer {
    public func decode<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

/// A configuration value outside its allowed range.
public func invalidValue(_ key: CodingKey, in decoder: Decoder, _ reason: String) -> DecodingError {
    DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key], debugDescription: reason))
}
