/// An http or https URL, parsed once the way every stage reads it: intake stores `href`, the fetcher requests it,
/// robots.txt matches `requestTarget`, the canonicalizer keys it, the exporters link it.
///
/// The parser is the WHATWG URL Standard's basic URL parser for special URLs (leading and trailing C0/space
/// trimmed, tab and newlines removed, `\` read as `/`, dot segments resolved, relative references resolved
/// against a base), with its host parser (percent-decoding, domain to ASCII through UTS 46 mapping, the IPv4
/// number forms and the "ends in a number" rule, IPv6 parsing and serialization, forbidden domain code points)
/// and its percent-encode sets for path, query and fragment. `href` is the Standard's serialization, so a browser
/// given `href` reads the URL we read.
///
/// Deliberate differences from the Standard, each refused with a message naming the URL and the problem:
/// - Only `http` and `https`: nothing else is fetched (SECURITY.md 2). A relative reference needs an http(s) base.
/// - No user information: any `@` in the authority is refused, even an empty `https://:@host`; credentials must
///   never reach a request, and `https://bank.example@evil.example/` is the phishing form (SECURITY.md 1, 8).
/// - No raw control or invisible characters (C0 controls other than the tab and newlines the Standard removes,
///   DEL, C1 controls such as U+0085, bidi and zero-width controls, BOM), where the Standard would percent-encode
///   them: in a link they are a paste accident or a disguise, and moderators must see what is there. Their
///   percent-encoded forms (`%C2%85`) are kept as written. The joiners U+200C and U+200D are the exception inside
///   a host, where IDNA's ContextJ rule allows them only where a script needs them (Persian, Sinhala).
/// - Host names as DNS can carry them: after domain to ASCII every label holds only letters, digits, `-` and `_`
///   (the Standard also lets through `!$&'()*+,;=` and more), is not empty (one final dot aside), neither starts
///   nor ends with `-`, and has at most 63 bytes, the name at most 253. Such a name could never resolve.
/// - International labels follow IDNA2008 through libidn2 (UTS 46 mapping first, non-transitional), which is
///   stricter than the Standard's UTS 46 processing: symbols and emoji (`💩.la`), and `--` in the third and fourth
///   place of a Unicode label, are refused. IDNA2008 registries do not register them; they only spoof.
/// - IP literals of both families are parsed (all IPv4 forms, IPv6 with its dotted-quad tail) and accepted, public
///   or not: the one rule for addresses is the fetcher's socket gate, which judges the address actually connected to,
///   literal or resolved, against one table. A check here could only repeat it, and would miss names that resolve
///   to private addresses.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    public let host: URLHost
    /// Nil when absent or the scheme's default.
    public let port: Int?
    /// Percent-encoded, always starting with `/`.
    public let path: String
    /// Percent-encoded, without the `?`; nil when the URL has none, "" when it ends in `?`.
    public let query: String?
    /// Percent-encoded, without the `#`.
    public let fragment: String?

    /// From parts the parser has already checked; the default port is dropped.
    init(scheme: String, host: URLHost, port: Int?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme
        self.host = host
        self.port = port == HTTPURL.defaultPort(scheme) ? nil : port
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    /// Parses `text` (resolved against `base` when it is relative). Throws a `URLProblem` naming the URL.
    public init(_ text: String, relativeTo base: HTTPURL? = nil) throws(URLProblem) {
        self = try URLParser.parse(text, base: base).url
    }

    /// The URL and, in words, what parsing changed in the text as written (for `why-dup` and intake messages).
    public static func parseExplained(_ text: String, relativeTo base: HTTPURL? = nil)
        throws(URLProblem) -> (url: HTTPURL, notes: [String]) {
        try URLParser.parse(text, base: base)
    }

    /// The Standard's serialization.
    public var href: String {
        var text = scheme + "://" + authority + path
        if let query { text += "?" + query }
        if let fragment { text += "#" + fragment }
        return text
    }

    public var description: String { href }

    /// Host and explicit port, as the `Host` header carries them.
    public var authority: String { host.serialized + (port.map { ":\($0)" } ?? "") }

    /// The port connected to.
    public var effectivePort: Int { port ?? HTTPURL.defaultPort(scheme) }

    /// Scheme, host and port: the unit of per-host limits and of robots.txt.
    public var origin: String { "\(scheme)://\(host.serialized):\(effectivePort)" }

    /// Path and query, as the request line sends them.
    public var requestTarget: String { path + (query.map { "?" + $0 } ?? "") }

    /// `href` for people: the host in Unicode where `URLHost.display` allows it, the rest as serialized.
    public var display: String {
        var text = scheme + "://" + host.display + (port.map { ":\($0)" } ?? "") + path
        if let query { text += "?" + query }
        if let fragment { text += "#" + fragment }
        return text
    }

    /// The URL without its fragment.
    public var withoutFragment: HTTPURL {
        HTTPURL(scheme: scheme, host: host, port: port, path: path, query: query, fragment: nil)
    }

    /// The query's `name=value` pairs, `+` read as space and escapes decoded (application/x-www-form-urlencoded).
    public var queryItems: [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                String(decoding: PercentEncoding.decode(text.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }),
                       as: UTF8.self)
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }

    static func defaultPort(_ scheme: String) -> Int { scheme == "http" ? 80 : 443 }
}

/// The basic URL parser's states for special URLs, as one pass over the input's scalars.
struct URLParser {
    private let original: String
    private let input: [Unicode.Scalar]
    private var pointer = 0
    private var notes: [String] = []

    private init(original: String, input: [Unicode.Scalar]) {
        self.original = original
        self.input = input
    }

    static func parse(_ text: String, base: HTTPURL?) throws(URLProblem) -> (url: HTTPURL, notes: [String]) {
        var scalars = Array(text.unicodeScalars)
        var notes: [String] = []
        let trimmed = scalars.drop { $0.value <= 0x20 }.reversed().drop { $0.value <= 0x20 }.reversed()
        if trimmed.count != scalars.count { notes.append("surrounding white space trimmed") }
        scalars = trimmed.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        if scalars.count != trimmed.count { notes.append("tab or line break removed") }
        // Joiners are judged where they may stand: in a host by IDNA's ContextJ rule, elsewhere refused below.
        if let control = scalars.first(where: { TextCleaning.isControl($0) || (TextCleaning.isInvisibleControl($0) && !isJoiner($0)) }) {
            throw URLProblem(url: text, reason: .control(control))
        }
        if scalars.isEmpty && base == nil { throw URLProblem(url: text, reason: .empty) }
        var parser = URLParser(original: text, input: scalars)
        parser.notes = notes
        do throws(URLProblem.Reason) {
            let url = try parser.run(base: base)
            return (url, parser.notes)
        } catch {
            throw URLProblem(url: text, reason: error)
        }
    }

    /// ZERO WIDTH NON-JOINER and JOINER, which Persian, Sinhala and other scripts need inside words.
    private static func isJoiner(_ scalar: Unicode.Scalar) -> Bool { scalar == "\u{200C}" || scalar == "\u{200D}" }

    private var current: Unicode.Scalar? { pointer < input.count ? input[pointer] : nil }
    private var next: Unicode.Scalar? { pointer + 1 < input.count ? input[pointer + 1] : nil }
    private func isSlash(_ scalar: Unicode.Scalar?) -> Bool { scalar == "/" || scalar == "\\" }

    private mutating func run(base: HTTPURL?) throws(URLProblem.Reason) -> HTTPURL {
        guard let scheme = try readScheme() else {
            guard let base else { throw .noScheme }
            return try relative(to: base, scheme: base.scheme)
        }
        if let base, base.scheme == scheme, !(current == "/" && next == "/") {
            return try relative(to: base, scheme: scheme)
        }
        if !(current == "/" && next == "/") { notes.append("missing // after \(scheme): supplied") }
        return try authority(scheme: scheme)
    }


    /// The scheme when the input starts with one (ASCII letter, then letters, digits, `+-.`, then `:`).
    private mutating func readScheme() throws(URLProblem.Reason) -> String? {
        guard let first = current, first.isASCIILetter else { return nil }
        var end = pointer + 1
        while end < input.count, input[end].isASCIILetter || ("0"..."9").contains(input[end]) || "+-.".unicodeScalars.contains(input[end]) {
            end += 1
        }
        guard end < input.count, input[end] == ":" else { return nil }
        let written = String(String.UnicodeScalarView(input[pointer..<end]))
        let scheme = written.lowercased()
        guard scheme == "http" || scheme == "https" else { throw .unsupportedScheme(scheme) }
        if scheme != written { notes.append("scheme lowercased") }
        pointer = end + 1
        return scheme
    }

    /// The relative state: what the reference leaves out comes from the base.
    private mutating func relative(to base: HTTPURL, scheme: String) throws(URLProblem.Reason) -> HTTPURL {
        if isSlash(current) {
            if isSlash(next) { return try authority(scheme: scheme) }
            pointer += 1
            return try path(scheme: scheme, host: base.host, port: base.port, segments: [])
        }
        var segments = Self.segments(of: base.path)
        switch current {
        case nil:
            return HTTPURL(scheme: scheme, host: base.host, port: base.port, path: base.path, query: base.query, fragment: nil)
        case "?":
            return try queryAndFragment(scheme: scheme, host: base.host, port: base.port, segments: segments)
        case "#":
            pointer += 1
            return HTTPURL(scheme: scheme, host: base.host, port: base.port, path: base.path, query: base.query,
                           fragment: try fragmentText())
        default:
            if !segments.isEmpty { segments.removeLast() }
            return try path(scheme: scheme, host: base.host, port: base.port, segments: segments)
        }
    }

    /// Special authority (ignore) slashes, authority, host and port states.
    private mutating func authority(scheme: String) throws(URLProblem.Reason) -> HTTPURL {
        while isSlash(current) { pointer += 1 }
        let start = pointer
        while let scalar = current, !isSlash(scalar), scalar != "?", scalar != "#" { pointer += 1 }
        let authority = input[start..<pointer]
        if authority.contains("@") { throw .credentials }
        var insideBrackets = false
        var colon: Int?
        for index in authority.indices {
            switch authority[index] {
            case "[": insideBrackets = true
            case "]": insideBrackets = false
            case ":" where !insideBrackets && colon == nil: colon = index
            default: continue
            }
        }
        let hostText = authority[start..<(colon ?? pointer)]
        guard !hostText.isEmpty else { throw .missingHost }
        let host = try HostParser.parse(hostText, notes: &notes)
        var port: Int?
        if let colon {
            let digits = authority[(colon + 1)...]
            let written = String(String.UnicodeScalarView(digits))
            guard digits.allSatisfy({ ("0"..."9").contains($0) }) else { throw .invalidPort(written) }
            if !digits.isEmpty {
                let number = digits.reduce(0) { min($0 * 10 + Int($1.value - 0x30), 65536) }
                guard number <= 65535 else { throw .invalidPort(written) }
                if number == HTTPURL.defaultPort(scheme) {
                    notes.append("default port \(number) removed")
                } else {
                    if String(number) != written { notes.append("leading zeros removed from the port") }
                    port = number
                }
            } else {
                notes.append("empty port removed")
            }
        }
        if isSlash(current) { pointer += 1 }
        return try path(scheme: scheme, host: host, port: port, segments: [])
    }

    /// The path state, from the scalar after a leading slash.
    private mutating func path(scheme: String, host: URLHost, port: Int?, segments: [String]) throws(URLProblem.Reason) -> HTTPURL {
        var segments = segments
        var buffer = ""
        let start = pointer
        var resolvedDots = false
        while true {
            let scalar = current
            if scalar == nil || isSlash(scalar) || scalar == "?" || scalar == "#" {
                let endsSegment = isSlash(scalar)
                if Self.isDoubleDot(buffer) {
                    resolvedDots = true
                    if !segments.isEmpty { segments.removeLast() }
                    if !endsSegment { segments.append("") }
                } else if Self.isSingleDot(buffer) {
                    resolvedDots = true
                    if !endsSegment { segments.append("") }
                } else {
                    segments.append(buffer)
                }
                buffer = ""
                if scalar == "\\" { notes.append("backslash read as /") }
                if !endsSegment { break }
            } else if let scalar {
                guard !Self.isJoiner(scalar) else { throw .control(scalar) }
                PercentEncoding.append(scalar, encoding: .path, to: &buffer)
            }
            pointer += 1
        }
        if resolvedDots {
            let written = String(String.UnicodeScalarView(input[start..<pointer]))
            notes.append("dot segments removed: /\(written) → \(Self.path(segments))")
        }
        return try queryAndFragment(scheme: scheme, host: host, port: port, segments: segments)
    }

    private mutating func queryAndFragment(scheme: String, host: URLHost, port: Int?, segments: [String])
        throws(URLProblem.Reason) -> HTTPURL {
        var query: String?
        if current == "?" {
            pointer += 1
            query = try encoded(until: "#", set: .specialQuery)
        }
        var fragment: String?
        if current == "#" {
            pointer += 1
            fragment = try fragmentText()
        }
        return HTTPURL(scheme: scheme, host: host, port: port, path: Self.path(segments), query: query, fragment: fragment)
    }

    private mutating func fragmentText() throws(URLProblem.Reason) -> String {
        try encoded(until: nil, set: .fragment)
    }

    private mutating func encoded(until stop: Unicode.Scalar?, set: PercentEncoding.EncodeSet) throws(URLProblem.Reason) -> String {
        var text = ""
        while let scalar = current, scalar != stop {
            guard !Self.isJoiner(scalar) else { throw .control(scalar) }
            PercentEncoding.append(scalar, encoding: set, to: &text)
            pointer += 1
        }
        return text
    }

    static func path(_ segments: [String]) -> String {
        segments.isEmpty ? "/" : segments.map { "/" + $0 }.joined()
    }

    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    private static func isSingleDot(_ segment: String) -> Bool {
        segment == "." || segment.lowercased() == "%2e"
    }

    private static func isDoubleDot(_ segment: String) -> Bool {
        switch segment.lowercased() {
        case "..", ".%2e", "%2e.", "%2e%2e": true
        default: false
        }
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
