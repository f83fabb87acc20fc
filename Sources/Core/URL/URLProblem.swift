/// Why a URL was refused: the URL as given and the problem, in words a volunteer can act on.
public struct URLProblem: Error, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: Reason

    public init(url: String, reason: Reason) {
        self.url = url
        self.reason = reason
    }

    /// Each case reads as the end of "… is not a usable URL: "; the Chinese text is beside it for the catalog.
    public enum Reason: Error, Equatable, CustomStringConvertible {
        /// 链接是空的
        case empty
        /// 缺少协议（应以 http:// 或 https:// 开头）
        case noScheme
        /// 只接受 http 和 https 链接，不接受 X:
        case unsupportedScheme(String)
        /// 链接里带有用户名或密码
        case credentials
        /// 链接没有主机名
        case missingHost
        /// 端口 X 不是 0 到 65535 之间的数字
        case invalidPort(String)
        /// 链接含有控制字符或不可见字符 U+X
        case control(Unicode.Scalar)
        /// 主机名 X 无效：原因
        case invalidHost(String, String)
        /// X 不是有效的 IPv4 地址
        case invalidIPv4(String)
        /// X 不是有效的 IPv6 地址
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

    /// 「…」不是可用的链接：原因
    public var description: String { "\(TextCleaning.quoted(url)) is not a usable URL: \(reason)" }
}
