/// Why a chart cannot be drawn. One type for the module, so a report can catch it in one place
/// and print `message`, which names the chart, series or axis at fault.
public struct ChartError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case noSeries
        case emptySeries
        case nonFiniteValue
        case nonPositiveOnLogAxis
        case mismatchedBars
        case invalidRange
        case invalidSize
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension ChartError {
    static func noSeries(chart: String) -> ChartError {
        ChartError(.noSeries, "chart \(quoted(chart)) has no series to draw")
    }

    static func emptySeries(_ name: String) -> ChartError {
        ChartError(.emptySeries, "series \(quoted(name)) has no points")
    }

    /// - Parameter values: the offending values as written in the message, e.g. `x: 1.0, y: nan`.
    static func nonFinite(_ what: String, _ values: String) -> ChartError {
        ChartError(.nonFiniteValue, "\(what) has a non-finite value (\(values))")
    }

    static func nonPositive(_ what: String, value: Double, axis: Axis) -> ChartError {
        ChartError(.nonPositiveOnLogAxis,
                   "\(what) has \(value) on the logarithmic axis \(quoted(axis.title)), which needs values > 0")
    }

    static func mismatchedBars(chart: String, categories: Int, values: Int) -> ChartError {
        ChartError(.mismatchedBars,
                   "bar chart \(quoted(chart)) has \(categories) categories but \(values) values")
    }

    static func invalidRange(_ axis: Axis, _ why: String) -> ChartError {
        ChartError(.invalidRange, "axis \(quoted(axis.title)) has an unusable range: \(why)")
    }

    static func quoted(_ text: String) -> String { "'\(text)'" }
}
