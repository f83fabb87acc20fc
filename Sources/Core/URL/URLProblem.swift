/// Why a URL was refused: the URL as given and the problem, in words a volunteer can act on.
public struct URLProblem: Error, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: Reason

    public init(url: String, reason: Reason) {
        self.url = url
        self.reason = reason
    }

    /// Each case reads as the end of "… is not a usable URL: "; its Chinese form is in
    /// Messages/Catalog/zh-errors.json.
    public enum Reason: Error, Equatable, CustomStringConvertible {
        case empty
        case noScheme
        case unsupportedScheme(String)
        case credentials
        case missingHost
        case invalidPort(String)
        case control(Unicode.Scalar)
        case invalidHost(String, String)
        case invalidIPv4(String)
        case invalidIPv6(String)

        public var description: String {
            switch self {
            case .empty: "it is empty"
            case .noScheme: "it has no scheme (expected http:// or https://)"
            case .unsupportedScheme(let scheme): "only http and https links are accepted, not \(scheme):"
            case .credentials: "it carries a user name or password"
            case .missingHost: "it has no host"
            case .invalidPort(let port): "the port \"\(port)\" is not a number from 0 to 65535"
            case .control(let scalar): "it contains the control or invisible character \(HostParser.describe(scalar))"
            case .invalidHost(let host, let why): "the host \"\(host)\" is not valid: \(why)"
            case .invalidIPv4(let host): "the numeric host \"\(host)\" is not a valid IPv4 address"
            case .invalidIPv6(let host): "the host \(host) is not a valid IPv6 address"
            }
        }
    }

    public var description: String { "\(TextCleaning.quoted(url)) is not a usable URL: \(reason)" }
}
