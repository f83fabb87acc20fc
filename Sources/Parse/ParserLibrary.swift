internal import CLibXML2
import SluiceCore

/// The version of libxml2 loaded at run time, beside the one sluice was built against.
public enum ParserLibrary {
    public static var versions: [LibraryVersion] {
        let loaded = sluice_xml_parser_version().map { String(cString: $0) } ?? ""
        return [LibraryVersion(name: "libxml2", version: dotted(loaded) ?? LIBXML_DOTTED_VERSION,
                               detail: "built with \(LIBXML_DOTTED_VERSION)")]
    }

    /// "20914" → "2.9.14": libxml2 numbers its versions as major·10000 + minor·100 + patch.
    static func dotted(_ number: String) -> String? {
        guard let value = Int(number) else { return nil }
        return "\(value / 10000).\(value / 100 % 100).\(value % 100)"
    }
}
