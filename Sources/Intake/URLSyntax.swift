import SluiceCore

/// A strict RFC 3986 check of submitted URLs, stricter than browsers (WHATWG) on purpose: whatever a
/// lenient parser would "repair" (backslashes, spaces, odd numeric hosts) is refused, so the URL stored is
/// the URL fetched. Non-ASCII characters outside the host are percent-encoded; IDN hosts are kept for the
/// dedup stage to convert to punycode.
enum URLSyntax {
    static func check(_ text: String) throws(IntakeError) -> String {
        func invalid(_ reason: String) -> IntakeError { .invalidURL(url: text, reason: reason) }
        for scalar in text.unicodeScalars {
            if TextCleaning.isControl(scalar) || TextCleaning.isInvisibleControl(scalar) {
                throw invalid("it contains a control or invisible character (U+\(String(scalar.value, radix: 16, uppercase: true)))")
            }
            if scalar == " " || scalar.properties.isWhitespace { throw invalid("it contains white space") }
            if scalar == "\\" { throw invalid("it contains a backslash") }
        }
        guard let colon = text.firstIndex(of: ":") else { throw invalid("it has no scheme (expected http:// or https://)") }
        let scheme = text[..<colon].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else {
            throw invalid("it has no scheme (expected http:// or https://)")
        }
        guard scheme == "http" || scheme == "https" else { throw .unsupportedScheme(url: text, scheme: scheme) }
        let afterScheme = text[text.index(after: colon)...]
        guard afterScheme.hasPrefix("//") else { throw invalid("it has no host (expected \(scheme)://host/...)") }
        let rest = afterScheme.dropFirst(2)
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") { throw invalid("it carries a user name or password") }
        if authority.hasPrefix("[") { throw invalid("bracketed IP literal hosts are not accepted") }
        var host = Substring(authority)
        if let portColon = authority.lastIndex(of: ":") {
            host = authority[..<portColon]
            let port = authority[authority.index(after: portColon)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let number = Int(port), (1...65535).contains(number) else {
                throw invalid("the port \"\(port)\" is not a number from 1 to 65535")
            }
        }
        try checkHost(String(host), invalid: invalid)
        let tail = rest[authorityEnd...]
        return "\(scheme)://\(authority)\(percentEncodeNonASCII(tail))"
    }

    private static func checkHost(_ host: String, invalid: (String) -> IntakeError) throws(IntakeError) {
        guard !host.isEmpty else { throw invalid("it has no host") }
        guard host.utf8.count <= 253 else { throw invalid("the host is longer than 253 bytes") }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let allowedPunctuation: Set<Character> = ["-", "_"]
        for label in labels {
            guard !label.isEmpty else { throw invalid("the host \"\(host)\" has an empty label") }
            guard label.utf8.count <= 63 else { throw invalid("a label of the host is longer than 63 bytes") }
            guard label.allSatisfy({ $0.isLetter || $0.isNumber || allowedPunctuation.contains($0) }) else {
                throw invalid("the host \"\(host)\" contains characters a host name cannot have")
            }
        }
        let numeric = labels.allSatisfy { label in label.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == "x" || $0 == "X") } }
            && labels.last.map { $0.first?.isNumber == true } == true
        if numeric {
            let isDottedDecimal = labels.count == 4 && labels.allSatisfy { label in
                label.allSatisfy { $0.isASCII && $0.isNumber } && (label == "0" || !label.hasPrefix("0"))
                    && (Int(label) ?? 256) <= 255
            }
            guard isDottedDecimal else {
                throw invalid("the numeric host \"\(host)\" is not a dotted-decimal IPv4 address")
            }
        }
    }

    private static func percentEncodeNonASCII(_ text: Substring) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                for byte in String(scalar).utf8 { result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
            }
        }
        return result
    }
}
