internal import CIDN2

/// International domain names through libidn2 (IDNA2008 with the UTS 46 mapping), the one place sluice calls it.
///
/// libidn2 keeps no state between calls and allocates only the strings it returns, which go back through
/// `idn2_free` before these functions return, so any thread may call them.
enum IDNA {
    /// One label (or a run of labels the mapping itself split) in its ASCII form: UTS 46 mapping (full-width and
    /// circled forms fold to ASCII, case folds), NFC, non-transitional processing, then the IDNA2008 checks
    /// (code points, hyphens, joiners, bidi) and the A-label round trip. Returns libidn2's reason on failure.
    static func toASCII(_ label: String) -> Result<String, IDNAFailure> {
        var output: UnsafeMutablePointer<UInt8>?
        let flags = Int32(IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue)
        let terminated = Array(label.utf8) + [0]
        let code = terminated.withUnsafeBufferPointer { input in idn2_lookup_u8(input.baseAddress, &output, flags) }
        defer { idn2_free(output) }
        guard code == IDN2_OK.rawValue, let output else { return .failure(IDNAFailure(code: code)) }
        return .success(String(cString: output))
    }

    /// The Unicode form of an ASCII host for people to read, or nil when a label does not decode.
    static func toUnicode(_ host: String) -> String? {
        var output: UnsafeMutablePointer<CChar>?
        let code = idn2_to_unicode_8z8z(host, &output, 0)
        defer { idn2_free(output) }
        guard code == IDN2_OK.rawValue, let output else { return nil }
        return String(cString: output)
    }
}

/// Why libidn2 refused a name, in its own words.
struct IDNAFailure: Error, Equatable {
    var code: Int32

    var reason: String { String(cString: idn2_strerror(code)) }
}
