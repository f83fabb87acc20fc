import Foundation
import SluiceCore

/// A volunteer's own submission time as form tools export it (`提交时间`): text such as
/// `2026-11-03 14:05:22`, `2026/11/3 14:05`, `2026年11月3日 14:05` or ISO 8601 with a zone, or an Excel serial
/// day in a spreadsheet cell. Times without a zone are Beijing time (UTC+8), as the tools write them.
enum SubmittedTime {
    /// The time of `cell`, or the reason it is not one: not a time, before 2000, or after `now` (a time
    /// the import cannot have been sent at).
    static func parse(_ cell: ImportCell, uses1904Dates: Bool, now: Date) -> Result<Date, IntakeError> {
        let date: Date?
        switch cell {
        case .number(let serial, _):
            date = fromSerial(serial, uses1904Dates: uses1904Dates)
        case .text(let text):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            date = fromText(trimmed) ?? Double(trimmed).flatMap { fromSerial($0, uses1904Dates: uses1904Dates) }
        }
        guard let date else {
            return .failure(.malformedLine(reason: "submitted time \(TextCleaning.quoted(cell.text)) is not a time (expected e.g. 2026-11-03 14:05:22 or 2026/11/3 14:05, Beijing time)"))
        }
        guard date >= earliest, date <= now.addingTimeInterval(300) else {
            return .failure(.malformedLine(reason: "submitted time \(TextCleaning.quoted(cell.text)) is before 2000 or after the import"))
        }
        return .success(date)
    }

    private static let earliest = Date(timeIntervalSince1970: 946_684_800)

    private static let beijing = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    /// Days since 1899-12-30 (which absorbs Lotus's phantom 1900-02-29 for every serial from 61 on) or since
    /// 1904-01-01, with the fraction as the time of day, in Beijing time.
    static func fromSerial(_ serial: Double, uses1904Dates: Bool) -> Date? {
        guard serial.isFinite, serial >= 61, serial < 2_958_466 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = beijing
        let epoch = uses1904Dates ? DateComponents(year: 1904, month: 1, day: 1) : DateComponents(year: 1899, month: 12, day: 30)
        guard let start = calendar.date(from: epoch) else { return nil }
        // Round to the second: serials carry binary fractions of a day.
        return start.addingTimeInterval((serial * 86_400).rounded())
    }

    static func fromText(_ text: String) -> Date? {
        let pattern = /^(\d{4})\s*[-\/.年]\s*(\d{1,2})\s*[-\/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/
        guard let match = text.firstMatch(of: pattern),
              let year = Int(match.1), let month = Int(match.2), let day = Int(match.3) else { return nil }
        let hour = match.4.flatMap { Int($0) } ?? 0, minute = match.5.flatMap { Int($0) } ?? 0
        let second = match.6.flatMap { Int($0) } ?? 0
        var zone = beijing
        if let designator = match.7 {
            let digits = designator.filter(\.isNumber)
            if designator != "Z" {
                guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
                      let offset = TimeZone(secondsFromGMT: (designator.hasPrefix("-") ? -1 : 1) * (hours * 3600 + minutes * 60))
                else { return nil }
                zone = offset
            } else {
                zone = .gmt
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let wanted = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: wanted),
              calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date) == wanted else { return nil }
        return date
    }
}
