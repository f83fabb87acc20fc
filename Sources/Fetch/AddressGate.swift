import Glibc

/// An IP address as the kernel sees it at connect time; never a host string, so no spelling
/// (`127.1`, `0x7f.1`, `2130706433`, `[::ffff:7f00:1]`) can disguise it.
enum IPAddress: Equatable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// Parses a numeric address in its canonical text form only (inet_pton: dotted quad or RFC 4291 IPv6).
    init?(literal: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            self = .v6(Self.integer(v6))
            return
        }
        return nil
    }

    static func integer(_ address: in6_addr) -> UInt128 {
        withUnsafeBytes(of: address) { bytes in bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
    }

    /// The IPv4 address an IPv6 address carries and that a packet to it ends up at: IPv4-mapped,
    /// IPv4-compatible, NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
    var embeddedIPv4: UInt32? {
        guard case .v6(let value) = self else { return nil }
        let low32 = UInt32(truncatingIfNeeded: value)
        if value >> 32 == 0xFFFF || value >> 32 == 0 { return value <= 1 ? nil : low32 }
        if value >> 32 == UInt128(0x0064_FF9B) << 64 { return low32 }
        if value >> 112 == 0x2002 { return UInt32(truncatingIfNeeded: value >> 80) }
        return nil
    }

    var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String(value >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".")
        case .v6(let value):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { bytes in
                for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: value >> (120 - 8 * index)) }
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// Why an address is refused, or nil when it is a public unicast address.
///
/// IPv4 special-purpose blocks follow the IANA registry; IPv6 is accepted only inside 2000::/3 (global
/// unicast), minus documentation, Teredo and other protocol blocks, and an address embedding IPv4 is judged
/// by the IPv4 address it embeds.
enum AddressClass {
    private static let blockedV4: [(base: UInt32, prefix: Int, name: String)] = [
        (0x0000_0000, 8, "an unspecified (0.0.0.0/8) address"),
        (0x0A00_0000, 8, "a private (10.0.0.0/8) address"),
        (0x6440_0000, 10, "a carrier-grade NAT (100.64.0.0/10) address"),
        (0x7F00_0000, 8, "a loopback address"),
        (0xA9FE_0000, 16, "a link-local (169.254.0.0/16) address"),
        (0xAC10_0000, 12, "a private (172.16.0.0/12) address"),
        (0xC000_0000, 24, "an IETF protocol (192.0.0.0/24) address"),
        (0xC000_0200, 24, "a documentation address"),
        (0xC058_6300, 24, "a 6to4 relay address"),
        (0xC0A8_0000, 16, "a private (192.168.0.0/16) address"),
        (0xC612_0000, 15, "a benchmarking (198.18.0.0/15) address"),
        (0xC633_6400, 24, "a documentation address"),
        (0xCB00_7100, 24, "a documentation address"),
        (0xE000_0000, 4, "a multicast address"),
        (0xF000_0000, 4, "a reserved (240.0.0.0/4) or broadcast address"),
    ]

    private static let blockedV6: [(base: UInt128, prefix: Int, name: String)] = [
        (0, 128, "the unspecified address"),
        (1, 128, "a loopback address"),
        (UInt128(0x0064_FF9B_0001) << 80, 48, "a local-use NAT64 address"),
        (UInt128(0xFC00) << 112, 7, "a unique-local (fc00::/7) address"),
        (UInt128(0xFE80) << 112, 10, "a link-local (fe80::/10) address"),
        (UInt128(0xFEC0) << 112, 10, "a site-local (fec0::/10) address"),
        (UInt128(0xFF00) << 112, 8, "a multicast address"),
        (UInt128(0x2001_0000) << 96, 32, "a Teredo tunnel address"),
        (UInt128(0x2001) << 112, 23, "an IETF protocol (2001::/23) address"),
        (UInt128(0x2001_0DB8) << 96, 32, "a documentation address"),
        (UInt128(0x3FFF) << 112, 20, "a documentation address"),
    ]

    static func refusal(_ address: IPAddress) -> String? {
        switch address {
        case .v4(let value):
            return blockedV4.first { matches(UInt128(value), UInt128($0.base), prefix: $0.prefix, width: 32) }?.name
        case .v6(let value):
            if let embedded = address.embeddedIPv4 {
                return refusal(.v4(embedded)).map { "\($0) (embedded in \(address))" }
            }
            if let named = blockedV6.first(where: { matches(value, $0.base, prefix: $0.prefix, width: 128) }) {
                return named.name
            }
            return value >> 125 == 1 ? nil : "not a global unicast (2000::/3) address"
        }
    }

    static func matches(_ value: UInt128, _ base: UInt128, prefix: Int, width: Int) -> Bool {
        guard prefix > 0 else { return true }
        let shift = width - prefix
        return value >> shift == base >> shift
    }
}

/// One allow-list entry: an address block and, optionally, one port.
struct AllowRule: Sendable, Equatable {
    var address: IPAddress
    var prefix: Int
    var port: UInt16?

    init(parsing entry: String) throws {
        var host = entry
        var port: UInt16?
        var prefix: Int?
        if let slash = host.lastIndex(of: "/") {
            guard let bits = Int(host[host.index(after: slash)...]) else {
                throw FetchError.invalidAllowHost(entry: entry, reason: "the prefix length is not a number")
            }
            prefix = bits
            host = String(host[..<slash])
        } else if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw FetchError.invalidAllowHost(entry: entry, reason: "unclosed [")
            }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":", let number = UInt16(rest.dropFirst()), number > 0 else {
                    throw FetchError.invalidAllowHost(entry: entry, reason: "the port is not a number from 1 to 65535")
                }
                port = number
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let number = UInt16(host[host.index(after: colon)...]), number > 0 else {
                throw FetchError.invalidAllowHost(entry: entry, reason: "the port is not a number from 1 to 65535")
            }
            port = number
            host = String(host[..<colon])
        }
        guard let address = IPAddress(literal: host) else {
            throw FetchError.invalidAllowHost(entry: entry,
                                              reason: "not a numeric IP address (host names are never allowed)")
        }
        let width = if case .v4 = address { 32 } else { 128 }
        let bits = prefix ?? width
        guard (0...width).contains(bits) else {
            throw FetchError.invalidAllowHost(entry: entry, reason: "the prefix length must be 0 to \(width)")
        }
        self.address = address
        self.prefix = bits
        self.port = port
    }

    func admits(_ candidate: IPAddress, port candidatePort: UInt16) -> Bool {
        if let port, port != candidatePort { return false }
        switch (address, candidate) {
        case (.v4(let base), .v4(let value)):
            return AddressClass.matches(UInt128(value), UInt128(base), prefix: prefix, width: 32)
        case (.v6(let base), .v6(let value)):
            return AddressClass.matches(value, base, prefix: prefix, width: 128)
        case (.v4, .v6):
            return candidate.embeddedIPv4.map { admits(.v4($0), port: candidatePort) } ?? false
        case (.v6, .v4):
            return false
        }
    }
}

/// Decides whether a socket may be opened to an address: refused when the address is special (see
/// `AddressClass`) unless an allow-list entry admits it.
struct AddressGate: Sendable {
    let allowed: [AllowRule]

    init(allowHosts: [String]) throws {
        allowed = try allowHosts.map(AllowRule.init(parsing:))
    }

    /// Nil when the connection may proceed; otherwise why not.
    func refusal(_ address: IPAddress, port: UInt16) -> String? {
        guard let reason = AddressClass.refusal(address) else { return nil }
        return allowed.contains { $0.admits(address, port: port) } ? nil : reason
    }
}
