/// One bar per category with its value written on it, on a linear or log y axis: bytes per
/// change per sync variant. Bars take the series colours in order, so a variant listed in the
/// same position keeps its colour across the report's charts.
///
/// ```swift
/// let chart = BarChart(title: "Bytes per change", categories: ["stream", "batch"],
///                      values: [1_800, 2.4e6], y: Axis(title: "Per change", unit: .bytes, scale: .log))
/// ```
public struct BarChart: Sendable {
    public var title: String
    /// The `<desc>` text for screen readers; nil lists the categories and values.
    public var summary: String?
    public var categories: [String]
    public var values: [Double]
    public var yAxis: Axis
    /// Title under the categories; empty for none.
    public var xTitle: String
    public var width: Int
    public var height: Int

    public init(title: String, summary: String? = nil, categories: [String], values: [Double], y: Axis,
                xTitle: String = "", width: Int = 800, height: Int = 450) {
        self.title = title
        self.summary = summary
        self.categories = categories
        self.values = values
        self.yAxis = y
        self.xTitle = xTitle
        self.width = width
        self.height = height
    }

    /// The chart as a standalone SVG document.
    /// - Throws: `ChartError` when there are no categories, categories and values differ in
    ///   number, a value is NaN or infinite, a value on a log axis is not positive, or the y
    ///   range is unusable.
    public func render() throws(ChartError) -> String {
        try validate()
        // Headroom above the tallest bar for its value label.
        let top = values.max() ?? 1
        let headroom = yAxis.scale == .log ? top * 1.6 : top + abs(top) * 0.08
        let yTicks = Ticks.make(for: yAxis, data: (values.min() ?? 0)...max(top, headroom))
        // The plot's width does not depend on the category labels' height: wrap them to its bands.
        let plotWidth = PlotFrame(width: width, height: height, hasTitle: !title.isEmpty, yLabels: yTicks.labels,
                                  lastXLabel: nil).plot.width
        let labelLines = categories.map { wrapped($0, width: plotWidth / Double(categories.count) - 6) }
        let lines = labelLines.map(\.count).max() ?? 1
        let frame = PlotFrame(width: width, height: height, hasTitle: !title.isEmpty, yLabels: yTicks.labels,
                              lastXLabel: nil, xLabelLines: lines)
        let y = frame.mapping(yAxis, yTicks, vertical: true)
        let plot = frame.plot
        var document = try ChartDocument(width: width, height: height, title: title, summary: summary ?? describe(yTicks))
        frame.drawGrid(&document.svg, x: nil, y: (yTicks, y))

        let n = SVGWriter.number
        let band = plot.width / Double(categories.count)
        let barWidth = min(band * 0.6, 120)
        // Bars grow from zero on a linear axis and from the bottom of the plot on a log axis.
        let base = yAxis.scale == .log ? plot.bottom : y.clampedPixel(0)
        document.svg.open("g", ["class": "bars"])
        for (index, value) in values.enumerated() {
            let center = plot.x + band * (Double(index) + 0.5)
            let end = y.clampedPixel(value)
            document.svg.element("rect", [
                "class": "bar", "data-category": categories[index],
                "x": n(center - barWidth / 2), "y": n(min(base, end)), "width": n(barWidth), "height": n(abs(base - end)),
                "fill": Palette.color(index),
            ])
            // Above the bar (below a negative one); inside its top when the plot has no room above.
            var labelY = value >= 0 || yAxis.scale == .log ? end - 6 : end + 16
            if labelY - 12 < plot.y { labelY = end + 16 }
            document.svg.element("text", Palette.haloText(x: center, y: labelY, anchor: "middle", cssClass: "value-label"),
                                 text: UnitFormat.format(value, unit: yAxis.unit))
            for (line, text) in labelLines[index].enumerated() {
                document.svg.element("text", ["class": "category-label", "x": n(center),
                                              "y": n(plot.bottom + PlotFrame.tickLength + 17 + Double(line) * 15),
                                              "text-anchor": "middle"], text: text)
            }
        }
        document.svg.close("g")
        frame.drawYAxis(&document.svg, yTicks, y, title: yAxis.titleWithUnit)
        document.svg.element("path", ["d": "M\(n(plot.x)) \(n(plot.bottom))H\(n(plot.right))", "stroke": Palette.axis])
        if !xTitle.isEmpty { frame.drawXTitle(&document.svg, xTitle, lines: lines) }
        return document.finish()
    }

    private func validate() throws(ChartError) {
        if categories.isEmpty && values.isEmpty { throw .noSeries(chart: title) }
        guard categories.count == values.count else {
            throw .mismatchedBars(chart: title, categories: categories.count, values: values.count)
        }
        try yAxis.checkRange()
        for (category, value) in zip(categories, values) {
            let what = "bar \(ChartError.quoted(category))"
            guard value.isFinite else { throw .nonFinite(what, "\(value)") }
            try yAxis.check(value, what)
        }
    }

    /// A category name broken at spaces into lines no wider than `width` (a longer word stays whole).
    private func wrapped(_ name: String, width: Double) -> [String] {
        var lines: [String] = []
        for word in name.split(separator: " ") {
            if let last = lines.last, SVGWriter.textWidth(last + " " + word, fontSize: PlotFrame.fontSize) <= width {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(String(word))
            }
        }
        return lines.isEmpty ? [name] : lines
    }

    private func describe(_ ticks: AxisTicks) -> String {
        let bars = zip(categories, values).map { "\($0): \(UnitFormat.format($1, unit: yAxis.unit))" }
        return "Bar chart. \(yAxis.describe("Y", domain: ticks.domain)) Bars: \(bars.joined(separator: ", "))."
    }
}
