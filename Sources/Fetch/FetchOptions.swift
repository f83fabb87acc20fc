import SluiceCore

/// The fetch stage's limits, as they appear under "fetch" in the pipeline JSON file.
///
/// Every absent key takes its default; every key is encoded again (StrictJSON relies on it to find
/// misspelt keys). A value outside its range is refused with a `DecodingError` naming the key.
public struct FetchOptions: Codable, Sendable, Equatable {
    /// Transfers in flight at once, over all hosts.
    public var concurrency: Int
    /// Transfers in flight at once to one host (scheme, host and port).
    public var perHostConcurrency: Int
    /// The least time between two transfer starts to one host.
    public var perHostDelayMilliseconds: Int
    public var connectTimeoutSeconds: Double
    /// The longest one transfer (one attempt at one hop) may take.
    public var totalTimeoutSeconds: Double
    /// A transfer slower than this for `lowSpeedTimeSeconds` is cut off; 0 disables the check.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedTimeSeconds: Int
    public var maxRedirects: Int
    /// Cap on the body as sent when it is not content-encoded, and on any declared Content-Length.
    public var maxBodyBytes: Int
    /// Cap on the body after gzip, deflate or br decoding: a decompression bomb is cut off here.
    public var maxDecodedBytes: Int
    /// Cap on all response header lines of one transfer.
    public var maxHeaderBytes: Int
    /// Further attempts after a timeout, a connection error, 429 or 5xx.
    public var retries: Int
    /// The first retry waits about this long (with jitter); each further retry doubles it.
    public var backoffBaseMilliseconds: Int
    /// The longest wait a `Retry-After` header can impose.
    public var retryAfterCapSeconds: Int
    public var respectRobots: Bool
    public var userAgent: String
    /// Addresses the fetcher may connect to although they are private or special: `IP`, `IP:PORT`,
    /// `[IPv6]:PORT` or a CIDR block. Host names are never accepted here.
    public var allowHosts: [String]

    public init(concurrency: Int = 32, perHostConcurrency: Int = 2, perHostDelayMilliseconds: Int = 250,
                connectTimeoutSeconds: Double = 10, totalTimeoutSeconds: Double = 30,
                lowSpeedBytesPerSecond: Int = 1024, lowSpeedTimeSeconds: Int = 10, maxRedirects: Int = 5,
                maxBodyBytes: Int = 5 * 1024 * 1024, maxDecodedBytes: Int = 10 * 1024 * 1024,
                maxHeaderBytes: Int = 64 * 1024, retries: Int = 2, backoffBaseMilliseconds: Int = 500,
                retryAfterCapSeconds: Int = 120, respectRobots: Bool = true,
                userAgent: String = FetchOptions.defaultUserAgent, allowHosts: [String] = []) {
        self.concurrency = concurrency
        self.perHostConcurrency = perHostConcurrency
        self.perHostDelayMilliseconds = perHostDelayMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.totalTimeoutSeconds = totalTimeoutSeconds
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedTimeSeconds = lowSpeedTimeSeconds
        self.maxRedirects = maxRedirects
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBytes = maxDecodedBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.retries = retries
        self.backoffBaseMilliseconds = backoffBaseMilliseconds
        self.retryAfterCapSeconds = retryAfterCapSeconds
        self.respectRobots = respectRobots
        self.userAgent = userAgent
        self.allowHosts = allowHosts
    }

    public static let defaultUserAgent = "sluice/1.0 (+volunteer intel digest; robots.txt honoured)"

    /// The longest time any option may name: one day.
    static let maximumSeconds: Double = 86_400

    /// The product token robots.txt groups are matched against.
    static let robotsToken = "sluice"

    enum CodingKeys: String, CodingKey {
        case concurrency
        case perHostConcurrency = "per_host_concurrency"
        case perHostDelayMilliseconds = "per_host_delay_ms"
        case connectTimeoutSeconds = "connect_timeout_s"
        case totalTimeoutSeconds = "total_timeout_s"
        case lowSpeedBytesPerSecond = "low_speed_bytes_per_s"
        case lowSpeedTimeSeconds = "low_speed_time_s"
        case maxRedirects = "max_redirects"
        case maxBodyBytes = "max_body_bytes"
        case maxDecodedBytes = "max_decoded_bytes"
        case maxHeaderBytes = "max_header_bytes"
        case retries
        case backoffBaseMilliseconds = "backoff_base_ms"
        case retryAfterCapSeconds = "retry_after_cap_s"
        case respectRobots = "respect_robots"
        case userAgent = "user_agent"
        case allowHosts = "allow_hosts"
    }

    public init(from decoder: Decoder) throws {
        let defaults = FetchOptions()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Upper bounds keep every derived duration and byte count far from integer overflow.
        func count(_ key: CodingKeys, _ fallback: Int, minimum: Int, maximum: Int = 1 << 40) throws -> Int {
            let value = try container.decode(key, default: fallback)
            guard (minimum...maximum).contains(value) else {
                throw invalidValue(key, in: decoder, "must be from \(minimum) to \(maximum), got \(value)")
            }
            return value
        }
        func seconds(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            let value = try container.decode(key, default: fallback)
            guard value > 0, value <= Self.maximumSeconds else {
                throw invalidValue(key, in: decoder, "must be more than 0 and at most \(Int(Self.maximumSeconds)) seconds")
            }
            return value
        }
        concurrency = try count(.concurrency, defaults.concurrency, minimum: 1, maximum: 4096)
        perHostConcurrency = try count(.perHostConcurrency, defaults.perHostConcurrency, minimum: 1, maximum: 4096)
        perHostDelayMilliseconds = try count(.perHostDelayMilliseconds, defaults.perHostDelayMilliseconds, minimum: 0,
                                             maximum: Int(Self.maximumSeconds) * 1000)
        connectTimeoutSeconds = try seconds(.connectTimeoutSeconds, defaults.connectTimeoutSeconds)
        totalTimeoutSeconds = try seconds(.totalTimeoutSeconds, defaults.totalTimeoutSeconds)
        lowSpeedBytesPerSecond = try count(.lowSpeedBytesPerSecond, defaults.lowSpeedBytesPerSecond, minimum: 0)
        lowSpeedTimeSeconds = try count(.lowSpeedTimeSeconds, defaults.lowSpeedTimeSeconds, minimum: 1,
                                        maximum: Int(Self.maximumSeconds))
        maxRedirects = try count(.maxRedirects, defaults.maxRedirects, minimum: 0, maximum: 50)
        maxBodyBytes = try count(.maxBodyBytes, defaults.maxBodyBytes, minimum: 1)
        maxDecodedBytes = try count(.maxDecodedBytes, defaults.maxDecodedBytes, minimum: 1)
        maxHeaderBytes = try count(.maxHeaderBytes, defaults.maxHeaderBytes, minimum: 256)
        retries = try count(.retries, defaults.retries, minimum: 0, maximum: 10)
        backoffBaseMilliseconds = try count(.backoffBaseMilliseconds, defaults.backoffBaseMilliseconds, minimum: 0,
                                            maximum: 60_000)
        retryAfterCapSeconds = try count(.retryAfterCapSeconds, defaults.retryAfterCapSeconds, minimum: 0,
                                         maximum: Int(Self.maximumSeconds))
        respectRobots = try container.decode(.respectRobots, default: defaults.respectRobots)
        userAgent = try container.decode(.userAgent, default: defaults.userAgent)
        if userAgent.isEmpty || userAgent.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw invalidValue(CodingKeys.userAgent, in: decoder, "must be one non-empty line without control characters")
        }
        allowHosts = try container.decode(.allowHosts, default: defaults.allowHosts)
        for entry in allowHosts {
            do {
                _ = try AllowRule(parsing: entry)
            } catch {
                throw invalidValue(CodingKeys.allowHosts, in: decoder, "\(error)")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(perHostConcurrency, forKey: .perHostConcurrency)
        try container.encode(perHostDelayMilliseconds, forKey: .perHostDelayMilliseconds)
        try container.encode(connectTimeoutSeconds, forKey: .connectTimeoutSeconds)
        try container.encode(totalTimeoutSeconds, forKey: .totalTimeoutSeconds)
        try container.encode(lowSpeedBytesPerSecond, forKey: .lowSpeedBytesPerSecond)
        try container.encode(lowSpeedTimeSeconds, forKey: .lowSpeedTimeSeconds)
        try container.encode(maxRedirects, forKey: .maxRedirects)
        try container.encode(maxBodyBytes, forKey: .maxBodyBytes)
        try container.encode(maxDecodedBytes, forKey: .maxDecodedBytes)
        try container.encode(maxHeaderBytes, forKey: .maxHeaderBytes)
        try container.encode(retries, forKey: .retries)
        try container.encode(backoffBaseMilliseconds, forKey: .backoffBaseMilliseconds)
        try container.encode(retryAfterCapSeconds, forKey: .retryAfterCapSeconds)
        try container.encode(respectRobots, forKey: .respectRobots)
        try container.encode(userAgent, forKey: .userAgent)
        try container.encode(allowHosts, forKey: .allowHosts)
    }
}

/// One fetch to make. `id` is the caller's (the item's id); the fetcher only hands it back.
public struct FetchRequest: Sendable, Equatable {
    public var id: Int64
    public var url: String
    public init(id: Int64, url: String) {
        self.id = id
        self.url = url
    }
}

/// A fetcher that could not be set up.
public enum FetchError: Error, Equatable, CustomStringConvertible {
    /// An allow-list entry that is not an IP address, `IP:PORT` or CIDR block.
    case invalidAllowHost(entry: String, reason: String)
    /// libcurl refused to create a handle or set an option.
    case curl(operation: String, code: Int, message: String)
    /// An option value the fetcher cannot work with.
    case invalidOption(name: String, reason: String)

    public var description: String {
        switch self {
        case .invalidAllowHost(let entry, let reason): "allow-host \"\(entry)\": \(reason)"
        case .curl(let operation, let code, let message): "libcurl \(operation) failed (\(code)): \(message)"
        case .invalidOption(let name, let reason): "fetch option \(name): \(reason)"
        }
    }
}
