/// One axis of a chart: its title, the unit its tick labels are written in, its scale, and
/// an optional fixed range (otherwise the range is chosen from the data and rounded to ticks).
public struct Axis: Sendable, Equatable {
    public var title: String
    public var unit: ValueUnit
    public var scale: Scale
    /// Fixed bounds; nil fits the data (linear axes then include zero, so amounts are not exaggerated).
    public var range: ClosedRange<Double>?

    public init(title: String, unit: ValueUnit = .plain, scale: Scale = .linear, range: ClosedRange<Double>? = nil) {
        self.title = title
        self.unit = unit
        self.scale = scale
        self.range = range
    }

    /// The title as drawn: `Staleness (s)`, `Change rate (changes/s)`.
    var titleWithUnit: String {
        guard let symbol = unit.titleSymbol else { return title }
        return title.isEmpty ? symbol : "\(title) (\(symbol))"
    }

    /// Checks that `value` can be placed on this axis; `what` names it in the error.
    func check(_ value: Double, _ what: String) throws(ChartError) {
        if scale == .log && value <= 0 { throw .nonPositive(what, value: value, axis: self) }
    }

    /// Checks the fixed range, if any.
    func checkRange() throws(ChartError) {
        guard let range else { return }
        guard range.lowerBound.isFinite && range.upperBound.isFinite else {
            throw .invalidRange(self, "bounds must be finite")
        }
        guard range.lowerBound < range.upperBound else {
            throw .invalidRange(self, "lower bound \(range.lowerBound) is not below upper bound \(range.upperBound)")
        }
        if scale == .log && range.lowerBound <= 0 {
            throw .invalidRange(self, "a logarithmic axis needs a lower bound > 0")
        }
    }

    /// A sentence for the chart's `<desc>`.
    func describe(_ name: String, domain: ClosedRange<Double>) -> String {
        let from = UnitFormat.format(domain.lowerBound, unit: unit)
        let to = UnitFormat.format(domain.upperBound, unit: unit)
        return "\(name) axis: \(titleWithUnit), \(scale.rawValue) scale from \(from) to \(to)."
    }
}
