import Foundation

/// A UTC instant with millisecond precision, shown as LIMS does: ISO-8601 with six fraction
/// digits and no zone (`2023-10-08T15:39:49.123000`).
///
/// Milliseconds because BSON dates (the LIMS MongoDB store) hold no more; keeping the same
/// precision in every store makes the stores behave identically and compare equal.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// Saturates rather than traps: a store may hold an instant no parser here would accept.
    public var microsecondsSinceEpoch: Int64 {
        let (micros, overflow) = millisecondsSinceEpoch.multipliedReportingOverflow(by: 1000)
        return overflow ? (millisecondsSinceEpoch < 0 ? .min : .max) : micros
    }

    /// The wall clock in microseconds since the epoch: the precision of change events'
    /// `occurred_at` and of staleness.
    public static func currentMicroseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// Microseconds from `start` to `end`, 0 when `end` is earlier; saturating, because the
    /// instants come from the wire (a message's producer timestamp, its `occurred_at`).
    public static func microseconds(from start: Int64, to end: Int64) -> Int64 {
        let (elapsed, overflow) = end.subtractingReportingOverflow(start)
        return overflow ? (end > start ? .max : 0) : max(0, elapsed)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff`.
    public var description: String {
        let ms = millisecondsSinceEpoch
        let days = Int64((Double(ms) / 86_400_000).rounded(.down))
        let msOfDay = ms - days * 86_400_000
        let (year, month, day) = Self.civil(fromDays: days)
        let seconds = msOfDay / 1000
        // Every image response shows two of these: printf-style formatting cost ~1.5% of a
        // get-by-id (docs/benchmarks.md).
        return "\(Self.padded(year, 4))-\(Self.padded(month, 2))-\(Self.padded(day, 2))T\(Self.padded(seconds / 3600, 2))"
            + ":\(Self.padded(seconds / 60 % 60, 2)):\(Self.padded(seconds % 60, 2)).\(Self.padded(msOfDay % 1000, 3))000"
    }

    /// `value` in decimal, zero-padded to `width` characters including a minus sign (printf's `%0*lld`).
    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - sign.count - digits.count)) + digits
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,6}]` with an optional `Z` or `+00:00`; sub-millisecond
    /// digits are truncated. Nil if the text is not such a timestamp, or is outside years
    /// 1–9999 (Python's `datetime`, which LIMS used): a year from the wire is never trusted
    /// with arithmetic that could overflow.
    public init?(iso8601 text: String) {
        var chars = Substring(text).utf8
        if chars.last == UInt8(ascii: "Z") { chars = chars.dropLast() } else if chars.suffix(6).elementsEqual("+00:00".utf8) { chars = chars.dropLast(6) }
        let bytes = Array(chars)
        guard bytes.count >= 19, bytes.count != 20, bytes.count <= 26 else { return nil }
        // Fixed positions: digits everywhere but the separators.
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 4, 7: guard byte == UInt8(ascii: "-") else { return nil }
            case 10: guard byte == UInt8(ascii: "T") else { return nil }
            case 13, 16: guard byte == UInt8(ascii: ":") else { return nil }
            case 19: guard byte == UInt8(ascii: ".") else { return nil }
            default: guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            }
        }
        func number(_ range: Range<Int>) -> Int64 { bytes[range].reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) } }
        let (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        let (h, m, s) = (number(11..<13), number(14..<16), number(17..<19))
        guard year >= 1, (1...12).contains(month), (1...Self.daysIn(month: month, of: year)).contains(day),
              h < 24, m < 60, s < 61 else { return nil }
        var millis: Int64 = 0
        if bytes.count > 20 {
            let digits = bytes.count - 20
            millis = number(20..<bytes.count) * [1, 100, 10, 1, 1, 1, 1][digits] / [1, 1, 1, 1, 10, 100, 1000][digits]
        }
        let days = Self.days(fromCivil: year, month, day)
        millisecondsSinceEpoch = ((days * 24 + h) * 60 + m) * 60_000 + s * 1000 + millis
    }

    private static func daysIn(month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar
    // without Foundation's calendar machinery (slow, and locale-dependent on some platforms).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
