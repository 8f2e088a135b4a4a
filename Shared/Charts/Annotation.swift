/// Something to point out on a line chart.
public enum Annotation: Sendable, Equatable {
    /// A ring around (x, y) with a label beside it, e.g. a crossover point.
    case marker(x: Double, y: Double, label: String)
    /// A dashed vertical line across the plot at x, labelled at its top or bottom, e.g. the experiment's rate.
    case verticalLine(x: Double, label: String)

    var point: DataPoint? {
        if case .marker(let x, let y, _) = self { return DataPoint(x: x, y: y) }
        return nil
    }

    var label: String {
        switch self {
        case .marker(_, _, let label), .verticalLine(_, let label): label
        }
    }

    var x: Double {
        switch self {
        case .marker(let x, _, _), .verticalLine(let x, _): x
        }
    }

    func validate(x xAxis: Axis, y yAxis: Axis, index: Int) throws(ChartError) {
        let what = "annotation \(index)"
        let y = point?.y ?? 1
        guard x.isFinite && y.isFinite else { throw .nonFinite(what, "x: \(x), y: \(y)") }
        try xAxis.check(x, what)
        if point != nil { try yAxis.check(y, what) }
    }
}
