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

    public var microsecondsSinceEpoch: Int64 { millisecondsSinceEpoch * 1000 }

    /// The wall clock in microseconds since the epoch: the precision of change events'
    /// `occurred_at` and of staleness.
    public static func currentMicroseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
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
    /// digits are truncated. Nil if the text is not such a timestamp.
    public init?(iso8601 text: String) {
        var chars = Substring(text)
        if chars.hasSuffix("Z") { chars = chars.dropLast() } else if chars.hasSuffix("+00:00") { chars = chars.dropLast(6) }
        let parts = chars.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int64($0) }
        let timeAndFraction = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
              (1...12).contains(month), (1...31).contains(day), timeAndFraction.count <= 2 else { return nil }
        let time = timeAndFraction[0].split(separator: ":", omittingEmptySubsequences: false).map { Int64($0) }
        guard time.count == 3, let h = time[0], let m = time[1], let s = time[2],
              (0..<24).contains(h), (0..<60).contains(m), (0..<61).contains(s) else { return nil }
        var millis: Int64 = 0
        if timeAndFraction.count == 2 {
            let fraction = timeAndFraction[1]
            guard (1...6).contains(fraction.count), fraction.allSatisfy(\.isASCII), let value = Int64(fraction) else { return nil }
            millis = value * [1, 100, 10, 1, 1, 1, 1][fraction.count] / [1, 1, 1, 1, 10, 100, 1000][fraction.count]
        }
        let days = Self.days(fromCivil: year, month, day)
        millisecondsSinceEpoch = ((days * 24 + h) * 60 + m) * 60_000 + s * 1000 + millis
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
