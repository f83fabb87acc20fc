/// The rules of one robots.txt (RFC 9309) that apply to sluice: the groups naming our product token,
/// or else the `*` groups. The longest matching pattern wins; on a tie, `Allow` wins.
struct RobotsRules: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var allows: Bool
        var pattern: String
    }

    var rules: [Rule]

    static let allowAll = RobotsRules(rules: [])
    static let disallowAll = RobotsRules(rules: [Rule(allows: false, pattern: "/")])

    init(rules: [Rule]) {
        self.rules = rules
    }

    init(parsing text: String, productToken: String) {
        var named: [Rule] = []
        var wildcard: [Rule] = []
        var agents: [String] = []
        var groupHasRules = false
        var namedGroupSeen = false
        let token = productToken.lowercased()
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if groupHasRules {
                    agents = []
                    groupHasRules = false
                }
                agents.append(value.lowercased())
                namedGroupSeen = namedGroupSeen || value.lowercased() == token
            case "allow", "disallow":
                groupHasRules = true
                // An empty Disallow allows everything; it adds no rule.
                guard !value.isEmpty else { continue }
                let rule = Rule(allows: key == "allow", pattern: value)
                if agents.contains(token) { named.append(rule) }
                if agents.contains("*") { wildcard.append(rule) }
            default:
                continue
            }
        }
        rules = namedGroupSeen ? named : wildcard
    }

    /// Whether a request target (path with query) may be fetched.
    func allows(_ target: String) -> Bool {
        var best: Rule?
        for rule in rules where Self.matches(rule.pattern, target) {
            guard let current = best else {
                best = rule
                continue
            }
            if rule.pattern.count > current.pattern.count
                || (rule.pattern.count == current.pattern.count && rule.allows && !current.allows) {
                best = rule
            }
        }
        return best?.allows ?? true
    }

    /// Prefix match with `*` for any run of characters and a trailing `$` anchoring the end.
    static func matches(_ pattern: String, _ target: String) -> Bool {
        let anchored = pattern.hasSuffix("$")
        let pieces = Array((anchored ? String(pattern.dropLast()) : pattern).utf8)
        let text = Array(target.utf8)
        // reachable[i]: the pattern so far can end at text index i.
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        for byte in pieces {
            if byte == UInt8(ascii: "*") {
                for index in 1..<reachable.count where reachable[index - 1] { reachable[index] = true }
            } else {
                for index in stride(from: text.count, through: 1, by: -1) {
                    reachable[index] = reachable[index - 1] && text[index - 1] == byte
                }
                reachable[0] = false
            }
        }
        return anchored ? reachable[text.count] : reachable.contains(true)
    }
}
