/// A rectangle in pixels.
struct Rect: Sendable, Equatable {
    let x: Double, y: Double, width: Double, height: Double

    var right: Double { x + width }
    var bottom: Double { y + height }
}

/// The plot area and the axes around it. The margins are sized from the tick labels and what
/// the chart reserves (a legend), so that nothing drawn outside the plot overlaps.
struct PlotFrame {
    static let fontSize = 12.0
    static let tickLength = 5.0
    /// Baseline offset that centres a 12 px digit line on a y coordinate.
    static let middleShift = 4.0

    let plot: Rect

    /// - Parameters:
    ///   - yLabels: the y tick labels, which set the left margin.
    ///   - lastXLabel: the rightmost x label, half of which hangs past the plot's right edge.
    ///   - xLabelLines: text lines under the x axis (2 for wrapped bar categories).
    ///   - reserveRight, reserveBottom: room for a legend.
    init(width: Int, height: Int, hasTitle: Bool, yLabels: [String], lastXLabel: String?,
         xLabelLines: Int = 1, reserveRight: Double = 0, reserveBottom: Double = 0) {
        let labelWidth = yLabels.map { SVGWriter.textWidth($0, fontSize: Self.fontSize) }.max() ?? 0
        let left = 14 + Self.fontSize + 12 + labelWidth + Self.tickLength + 4
        let hang = lastXLabel.map { SVGWriter.textWidth($0, fontSize: Self.fontSize) / 2 + 6 } ?? 0
        let right = max(reserveRight, hang, 20)
        let top = hasTitle ? 46.0 : 16
        let bottom = Self.tickLength + 6 + Double(xLabelLines) * 15 + 10 + Self.fontSize + 10 + reserveBottom
        plot = Rect(x: left, y: top, width: Double(width) - left - right, height: Double(height) - top - bottom)
    }

    /// Where the x axis title sits; a legend below goes under it.
    var xTitleBaseline: Double { plot.bottom + Self.tickLength + 6 + 15 + 10 + Self.fontSize }

    func xTitleBaseline(lines: Int) -> Double { xTitleBaseline + Double(lines - 1) * 15 }

    func mapping(_ axis: Axis, _ ticks: AxisTicks, vertical: Bool) -> ScaleMapping {
        vertical
            ? ScaleMapping(scale: axis.scale, domain: ticks.domain, start: plot.bottom, end: plot.y)
            : ScaleMapping(scale: axis.scale, domain: ticks.domain, start: plot.x, end: plot.right)
    }

    /// Grid lines behind the data: darker for labelled ticks, fainter for minor ones.
    func drawGrid(_ svg: inout SVGWriter, x: (AxisTicks, ScaleMapping)?, y: (AxisTicks, ScaleMapping)) {
        let n = SVGWriter.number
        svg.open("g", ["class": "grid", "stroke-width": "1", "fill": "none"])
        for tick in y.0.ticks where y.1.contains(tick.value) {
            let py = y.1.pixel(tick.value)
            svg.element("path", ["d": "M\(n(plot.x)) \(n(py))H\(n(plot.right))",
                                 "stroke": tick.label == nil ? Palette.gridMinor : Palette.gridMajor])
        }
        if let x {
            for tick in x.0.ticks where x.1.contains(tick.value) {
                let px = x.1.pixel(tick.value)
                svg.element("path", ["d": "M\(n(px)) \(n(plot.y))V\(n(plot.bottom))",
                                     "stroke": tick.label == nil ? Palette.gridMinor : Palette.gridMajor])
            }
        }
        svg.close("g")
    }

    /// The y axis line, ticks, labels (right-aligned) and rotated title.
    func drawYAxis(_ svg: inout SVGWriter, _ ticks: AxisTicks, _ map: ScaleMapping, title: String) {
        let n = SVGWriter.number
        svg.open("g", ["class": "y-axis"])
        svg.element("path", ["d": "M\(n(plot.x)) \(n(plot.y))V\(n(plot.bottom))", "stroke": Palette.axis])
        var lastLabel = Double.infinity
        for tick in ticks.ticks where map.contains(tick.value) {
            let py = map.pixel(tick.value)
            let length = tick.label == nil ? Self.tickLength / 2 : Self.tickLength
            svg.element("path", ["d": "M\(n(plot.x - length)) \(n(py))H\(n(plot.x))", "stroke": Palette.axis])
            // Ticks go bottom to top; a label closer than a line height to the last one is left out.
            guard let label = tick.label, py <= lastLabel - Self.fontSize - 2 else { continue }
            lastLabel = py
            svg.element("text", ["class": "tick-label", "x": n(plot.x - Self.tickLength - 4),
                                 "y": n(py + Self.middleShift), "text-anchor": "end"], text: label)
        }
        let cx = 14 + Self.fontSize - 2, cy = plot.y + plot.height / 2
        svg.element("text", ["class": "axis-title", "x": n(cx), "y": n(cy), "text-anchor": "middle",
                             "transform": "rotate(-90 \(n(cx)) \(n(cy)))"], text: title)
        svg.close("g")
    }

    /// The x axis line, ticks, centred labels (every other one dropped where they would touch),
    /// and title.
    func drawXAxis(_ svg: inout SVGWriter, _ ticks: AxisTicks, _ map: ScaleMapping, title: String) {
        let n = SVGWriter.number
        svg.open("g", ["class": "x-axis"])
        svg.element("path", ["d": "M\(n(plot.x)) \(n(plot.bottom))H\(n(plot.right))", "stroke": Palette.axis])
        var lastRight = -Double.infinity
        for tick in ticks.ticks where map.contains(tick.value) {
            let px = map.pixel(tick.value)
            let length = tick.label == nil ? Self.tickLength / 2 : Self.tickLength
            svg.element("path", ["d": "M\(n(px)) \(n(plot.bottom))V\(n(plot.bottom + length))", "stroke": Palette.axis])
            guard let label = tick.label else { continue }
            let half = SVGWriter.textWidth(label, fontSize: Self.fontSize) / 2
            guard px - half >= lastRight + 6 else { continue }
            lastRight = px + half
            svg.element("text", ["class": "tick-label", "x": n(px), "y": n(plot.bottom + Self.tickLength + 6 + 11),
                                 "text-anchor": "middle"], text: label)
        }
        drawXTitle(&svg, title, lines: 1)
        svg.close("g")
    }

    func drawXTitle(_ svg: inout SVGWriter, _ title: String, lines: Int) {
        svg.element("text", ["class": "axis-title", "x": SVGWriter.number(plot.x + plot.width / 2),
                             "y": SVGWriter.number(xTitleBaseline(lines: lines)), "text-anchor": "middle"], text: title)
    }
}
