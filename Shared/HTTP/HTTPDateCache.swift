#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header line (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once per second.
///
/// One per loop, so no locking; a `time()` call per response is a vDSO read, far cheaper than
/// formatting a date.
struct HTTPDateCache {
    private var second = -1
    private var line: [UInt8] = []

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` for the current second.
    mutating func headerLine() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            line = HTTPDateCache.format(now)
        }
        return line
    }

    /// Formats `seconds` since the epoch as a complete `Date` header line.
    static func format(_ seconds: Int) -> [UInt8] {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(37)
        bytes.append(contentsOf: "Date: ".utf8)
        bytes.append(contentsOf: weekdays[Int(parts.tm_wday)].utf8)
        bytes.append(contentsOf: ", ".utf8)
        appendTwoDigits(Int(parts.tm_mday), to: &bytes)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: months[Int(parts.tm_mon)].utf8)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: String(1900 + Int(parts.tm_year)).utf8)
        bytes.append(ASCII.space)
        appendTwoDigits(Int(parts.tm_hour), to: &bytes)
        bytes.append(ASCII.colon)
        appendTwoDigits(Int(parts.tm_min), to: &bytes)
        bytes.append(ASCII.colon)
        appendTwoDigits(Int(parts.tm_sec), to: &bytes)
        bytes.append(contentsOf: " GMT\r\n".utf8)
        return bytes
    }

    private static func appendTwoDigits(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(ASCII.zero + UInt8(value / 10))
        bytes.append(ASCII.zero + UInt8(value % 10))
    }
}
