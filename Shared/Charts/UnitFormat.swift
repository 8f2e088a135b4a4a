import Foundation

/// What an axis measures, which decides how its tick labels and bar values are written.
public enum ValueUnit: Sendable, Hashable {
    /// Bytes, written in IEC units: `512 B`, `1.5 KiB`, `20 MiB`.
    case bytes
    /// Durations given in seconds, written in the largest unit that fits: `1 ms`, `1.5 min`, `2 h`.
    case seconds
    /// Plain numbers with SI suffixes (`250`, `12k`, `3M`); `unit` (e.g. `changes/s`) goes in the axis title.
    case number(unit: String?)

    /// A unitless number, such as a fraction.
    public static let plain = ValueUnit.number(unit: nil)

    var titleSymbol: String? {
        switch self {
        case .bytes: "bytes"
        // Duration labels switch units (ms, s, min, h), so they carry their own; "(s)" would mislead.
        case .seconds: nil
        case .number(let unit): unit
        }
    }
}

/// Human-readable numbers for labels. Implemented on integers rather than `String(format:)` or
/// `NumberFormatter` so that output never depends on the locale or the platform.
public enum UnitFormat {
    static let iecUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    static let durationUnits: [(seconds: Double, symbol: String)] = [
        (1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms"), (1, "s"), (60, "min"), (3600, "h"), (86_400, "d"),
    ]
    static let siSuffixes: [(factor: Double, symbol: String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]

    /// `value` in `unit`, with at most three significant digits: 1536 B → `1.5 KiB`, 0.001 s → `1 ms`.
    public static func format(_ value: Double, unit: ValueUnit) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return zeroSymbol(unit).isEmpty ? "0" : "0 \(zeroSymbol(unit))" }
        switch unit {
        case .bytes:
            var index = 0
            while index + 1 < iecUnits.count && abs(value) >= pow(1024, Double(index + 1)) * 0.9995 { index += 1 }
            return "\(compact(value / pow(1024, Double(index)))) \(iecUnits[index])"
        case .seconds:
            var index = 0
            while index + 1 < durationUnits.count && abs(value) >= durationUnits[index + 1].seconds * 0.9995 { index += 1 }
            let unit = durationUnits[index]
            return "\(compact(value / unit.seconds)) \(unit.symbol)"
        case .number:
            for suffix in siSuffixes where abs(value) >= suffix.factor * 0.9995 {
                return compact(value / suffix.factor) + suffix.symbol
            }
            return compact(value)
        }
    }

    static func zeroSymbol(_ unit: ValueUnit) -> String {
        switch unit {
        case .bytes: "B"
        case .seconds: "s"
        case .number: ""
        }
    }

    /// Three significant digits (at least), trailing zeros dropped: 1.5, 16.7, 977, 0.001, 0.25.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        let decimals: Int
        if magnitude >= 100 {
            decimals = 0
        } else if magnitude >= 10 {
            decimals = 1
        } else if magnitude >= 1 || magnitude == 0 {
            decimals = 2
        } else {
            decimals = min(12, 2 - Int(floor(log10(magnitude) + 1e-9)))
        }
        return trimmed(fixed(value, decimals: decimals))
    }

    /// `value` rounded to exactly `decimals` digits after a `.`, e.g. fixed(3.14159, 2) = `3.14`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scaled = (abs(value) * pow(10, Double(decimals))).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        var digits = String(UInt64(scaled))
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return value < 0 && scaled != 0 ? "-" + digits : digits
    }

    /// Drops trailing zeros after the point, and the point itself: `1.50` → `1.5`, `2.00` → `2`.
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.hasSuffix("0") { result = result.dropLast() }
        if result.hasSuffix(".") { result = result.dropLast() }
        return String(result)
    }
}
