/// A chart of series of (x, y) points joined by lines or post-steps, on linear or log axes,
/// with a legend outside the plot and optional annotations: cumulative bytes over time, CDFs,
/// sweeps with their crossover points.
///
/// ```swift
/// let chart = LineChart(
///     title: "Cumulative bytes",
///     x: Axis(title: "Time since start", unit: .seconds),
///     y: Axis(title: "Transferred", unit: .bytes),
///     series: [Series(name: "batch full", xy: [(0, 0), (600, 5e8)], style: .step)])
/// let svg = try chart.render()
/// ```
public struct LineChart: Sendable {
    public var title: String
    /// The `<desc>` text for screen readers; nil describes the axes and series automatically.
    public var summary: String?
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    public var annotations: [Annotation]
    public var legend: LegendPosition
    public var width: Int
    public var height: Int

    public init(title: String, summary: String? = nil, x: Axis, y: Axis, series: [Series],
                annotations: [Annotation] = [], legend: LegendPosition = .right, width: Int = 800, height: Int = 450) {
        self.title = title
        self.summary = summary
        self.xAxis = x
        self.yAxis = y
        self.series = series
        self.annotations = annotations
        self.legend = legend
        self.width = width
        self.height = height
    }

    /// The chart as a standalone SVG document.
    /// - Throws: `ChartError` when there is no series, a series is empty, a value is NaN or
    ///   infinite, a value on a log axis is not positive, or an axis range is unusable.
    public func render() throws(ChartError) -> String {
        try validate()
        let xTicks = Ticks.make(for: xAxis, data: extent(series.flatMap { $0.points.map(\.x) } + annotations.map(\.x)))
        let yTicks = Ticks.make(for: yAxis, data: extent(series.flatMap { $0.points.map(\.y) }
                                                             + annotations.compactMap { $0.point?.y }))
        let key = Legend(entries: series.enumerated().map { index, series in
            Legend.Entry(name: series.name, index: index, markers: series.markers || series.points.count == 1)
        })
        // A legend too wide for the side would squeeze the plot; below it has the full width.
        let position = legend == .right && key.rightWidth > Double(width) * 0.4 ? .below : legend
        let available = Double(width) - 32
        let frame = PlotFrame(
            width: width, height: height, hasTitle: !title.isEmpty, yLabels: yTicks.labels,
            lastXLabel: xTicks.labels.last,
            reserveRight: position == .right ? key.rightWidth : 0,
            reserveBottom: position == .below ? key.belowHeight(width: available) : 0)
        let x = frame.mapping(xAxis, xTicks, vertical: false)
        let y = frame.mapping(yAxis, yTicks, vertical: true)

        var document = try ChartDocument(width: width, height: height, title: title,
                                         summary: summary ?? describe(x: xTicks, y: yTicks))
        let clipID = "\(document.idPrefix)-plot"
        document.svg.open("defs")
        document.svg.open("clipPath", ["id": clipID])
        let plot = frame.plot
        // A little larger than the plot, so that lines along its edges (a CDF at 1) keep their width.
        let n = SVGWriter.number, bleed = 2.0
        document.svg.element("rect", ["x": n(plot.x - bleed), "y": n(plot.y - bleed),
                                      "width": n(plot.width + 2 * bleed), "height": n(plot.height + 2 * bleed)])
        document.svg.close("clipPath")
        document.svg.close("defs")

        frame.drawGrid(&document.svg, x: (xTicks, x), y: (yTicks, y))
        let lines = series.map { pixels($0, x: x, y: y) }
        drawSeries(&document.svg, lines: lines, x: x, y: y, clipID: clipID)
        frame.drawYAxis(&document.svg, yTicks, y, title: yAxis.titleWithUnit)
        frame.drawXAxis(&document.svg, xTicks, x, title: xAxis.titleWithUnit)
        drawAnnotations(&document.svg, lines: lines, x: x, y: y, plot: plot)
        switch position {
        case .right: key.drawRight(&document.svg, plot: plot)
        case .below: key.drawBelow(&document.svg, top: frame.xTitleBaseline + 8, chartWidth: Double(width), available: available)
        }
        return document.finish()
    }

    private func validate() throws(ChartError) {
        if series.isEmpty { throw .noSeries(chart: title) }
        try xAxis.checkRange()
        try yAxis.checkRange()
        for series in series { try series.validate(x: xAxis, y: yAxis) }
        for (index, annotation) in annotations.enumerated() {
            try annotation.validate(x: xAxis, y: yAxis, index: index)
        }
    }

    /// The smallest range holding `values` (never empty after validation).
    private func extent(_ values: [Double]) -> ClosedRange<Double> {
        (values.min() ?? 0)...(values.max() ?? 1)
    }

    private func describe(x: AxisTicks, y: AxisTicks) -> String {
        let names = series.map { "\($0.name) (\($0.points.count) points)" }.joined(separator: ", ")
        var text = "Line chart. \(xAxis.describe("X", domain: x.domain)) \(yAxis.describe("Y", domain: y.domain))"
        text += " Series: \(names)."
        if !annotations.isEmpty { text += " Annotations: \(annotations.map(\.label).joined(separator: "; "))." }
        return text
    }
}
