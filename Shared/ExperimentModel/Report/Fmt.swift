import Charts
import Foundation

/// Numbers as the report writes them: bytes and seconds the way the charts' axes do, plain
/// numbers with three significant digits, no locale.
public enum Fmt {
    static func bytes(_ value: Double) -> String { UnitFormat.format(value, unit: .bytes) }
    static func seconds(_ value: Double) -> String { UnitFormat.format(value, unit: .seconds) }

    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        return String(format: "%.\(decimals)f", value)
    }

    /// A multiplier without trailing zeros: 1, 10, 2.5.
    static func factor(_ value: Double) -> String { String(format: "%g", value) }

    static func percent(_ fraction: Double) -> String { String(format: "%+.0f%%", fraction * 100) }

    static func dollars(_ value: Double) -> String { String(format: "$%.2f", value) }

    /// A Markdown table; cells must not contain `|`.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
        return ([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n")
    }
}
