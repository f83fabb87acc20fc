import Foundation

/// Strict decoding of what a client sends: percent escapes, form bodies, cookies, languages, dates. Every
/// function answers nil (or throws a `Refusal`) rather than guessing at a malformed value.
enum RequestDecoding {
    /// Decodes `%XX` escapes (and `+` as a space when `plusIsSpace`, as forms send it) and checks the bytes
    /// are UTF-8. Nil for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: String, plusIsSpace: Bool = false) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(0x20)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The fields of an `application/x-www-form-urlencoded` body. A field sent twice, a broken escape or
    /// bytes that are not UTF-8 refuse the whole form.
    static func form(_ body: Data) throws(Refusal) -> [String: String] {
        guard let text = String(validating: body, as: UTF8.self) else { throw .formNotUTF8 }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(String(parts[0]), plusIsSpace: true),
                  let value = percentDecoded(parts.count > 1 ? String(parts[1]) : "", plusIsSpace: true) else {
                throw .formNotUTF8
            }
            guard fields[name] == nil else { throw .fieldRepeated(name) }
            fields[name] = value
        }
        return fields
    }

    /// The value of one cookie in a `Cookie` header.
    static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The bearer token of an `Authorization` header.
    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// The media type of a `Content-Type` header, lowercased, without parameters.
    static func mediaType(_ header: String?) -> String? {
        header.map { $0.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "" }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// `Date` as an HTTP date (RFC 9110 §5.6.7, IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        func two(_ value: Int?) -> String { String((value ?? 0) + 100).suffix(2).description }
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[((parts.weekday ?? 1) - 1) % 7]), \(two(parts.day)) \(months[((parts.month ?? 1) - 1) % 12]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
    }

    /// An IMF-fixdate header value, nil for anything else (the obsolete forms are not worth a parser).
    static func httpDate(_ text: String?) -> Date? {
        guard let text else { return nil }
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return parser.date(from: text)
    }
}

/// The language a page speaks: Simplified Chinese unless the browser prefers English.
public enum PageLanguage: String, Sendable {
    case zh, en

    /// Chinese by default; English when `Accept-Language` ranks an English tag above every Chinese one.
    static func preferred(_ header: String?, fallback: PageLanguage = .zh) -> PageLanguage {
        guard let header else { return fallback }
        var best: (language: PageLanguage, weight: Double)?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first else { continue }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let language: PageLanguage? = tag == "zh" || tag.hasPrefix("zh-") ? .zh
                : tag == "en" || tag.hasPrefix("en-") ? .en : nil
            if let language, weight > 0, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? fallback
    }

    var htmlTag: String { self == .zh ? "zh-CN" : "en" }
}
