/// A data point of a line chart, in axis units (seconds, bytes, …).
public struct DataPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// How a series joins its points.
public enum SeriesStyle: Sendable {
    /// Straight segments between points.
    case line
    /// Post-step: the value holds until the next point's x, then jumps (cumulative bytes of
    /// batch runs, empirical CDFs).
    case step
}

/// One named line of a line chart. Its colour, dash pattern and marker shape come from its
/// position in the chart, so the same variant keeps its look across charts when listed in
/// the same order.
public struct Series: Sendable, Equatable {
    public var name: String
    public var points: [DataPoint]
    public var style: SeriesStyle
    /// Draw a marker at every point. A series of one point is always drawn as a marker.
    public var markers: Bool

    public init(name: String, points: [DataPoint], style: SeriesStyle = .line, markers: Bool = false) {
        self.name = name
        self.points = points
        self.style = style
        self.markers = markers
    }

    /// Points as `(x, y)` pairs, for literals and `zip`.
    public init(name: String, xy: [(Double, Double)], style: SeriesStyle = .line, markers: Bool = false) {
        self.init(name: name, points: xy.map { DataPoint(x: $0.0, y: $0.1) }, style: style, markers: markers)
    }

    /// Throws if the series cannot be drawn on these axes.
    func validate(x: Axis, y: Axis) throws(ChartError) {
        if points.isEmpty { throw .emptySeries(name) }
        for (index, point) in points.enumerated() {
            let what = "series \(ChartError.quoted(name)) point \(index)"
            guard point.x.isFinite && point.y.isFinite else { throw .nonFinite(what, "x: \(point.x), y: \(point.y)") }
            try x.check(point.x, what)
            try y.check(point.y, what)
        }
    }
}
