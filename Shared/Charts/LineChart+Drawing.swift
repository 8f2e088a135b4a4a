/// Drawing the series and annotations of a `LineChart` inside its plot.
extension LineChart {
    /// The pixel polyline of a series: its points, with a corner before each rise of a step.
    func pixels(_ series: Series, x: ScaleMapping, y: ScaleMapping) -> [LabelPlacement.Point] {
        var result: [LabelPlacement.Point] = []
        for point in series.points {
            let next = (x: x.pixel(point.x), y: y.pixel(point.y))
            if series.style == .step, let last = result.last { result.append((x: next.x, y: last.y)) }
            result.append(next)
        }
        return result
    }

    /// One `path.series` per series of two or more points (clipped to the plot), and markers at
    /// points inside the plot where asked for or where the series has a single point.
    func drawSeries(_ svg: inout SVGWriter, lines: [[LabelPlacement.Point]], x: ScaleMapping, y: ScaleMapping,
                    clipID: String) {
        let n = SVGWriter.number
        svg.open("g", ["class": "data"])
        for (index, series) in series.enumerated() {
            svg.open("g", ["data-series": series.name])
            if series.points.count > 1 {
                let d = lines[index].enumerated().map { position, point in
                    (position == 0 ? "M" : "L") + "\(n(point.x)) \(n(point.y))"
                }.joined()
                svg.element("path", Palette.stroke(index: index, d: d, cssClass: "series", clip: "url(#\(clipID))"))
            }
            if series.markers || series.points.count == 1 {
                for point in series.points where x.contains(point.x) && y.contains(point.y) {
                    svg.element("path", Palette.marker(index: index, x: x.pixel(point.x), y: y.pixel(point.y)))
                }
            }
            svg.close("g")
        }
        svg.close("g")
    }

    /// Rings with labels and labelled vertical lines; each label goes where it stays inside the
    /// plot and crosses the fewest lines (`LabelPlacement`).
    func drawAnnotations(_ svg: inout SVGWriter, lines: [[LabelPlacement.Point]], x: ScaleMapping, y: ScaleMapping,
                         plot: Rect) {
        let visible = annotations.filter { x.contains($0.x) && ($0.point.map { y.contains($0.y) } ?? true) }
        guard !visible.isEmpty else { return }
        let n = SVGWriter.number
        let verticals = visible.filter { $0.point == nil }.map { annotation -> [LabelPlacement.Point] in
            [(x: x.pixel(annotation.x), y: plot.y), (x: x.pixel(annotation.x), y: plot.bottom)]
        }
        var placement = LabelPlacement(plot: plot, obstacles: lines + verticals)
        svg.open("g", ["class": "annotations"])
        for annotation in visible {
            let px = x.pixel(annotation.x)
            switch annotation {
            case .marker(_, let value, let label):
                let py = y.pixel(value)
                svg.element("path", ["class": "annotation-marker", "d": MarkerShape.circle.path(x: px, y: py, r: 7),
                                     "fill": "none", "stroke": Palette.axis, "stroke-width": "1.5"])
                // Nearest first; the farther rows for rings close to each other.
                let spot = placement.place(label, [-10.0, 20, -26, 36].flatMap { dy -> [LabelPlacement.Candidate] in
                    [.init(x: px + 9, baseline: py + dy, anchor: "start"), .init(x: px - 9, baseline: py + dy, anchor: "end")]
                })
                svg.element("text", Palette.haloText(x: spot.x, y: spot.baseline, anchor: spot.anchor), text: label)
            case .verticalLine(_, let label):
                svg.element("path", ["class": "annotation-line", "d": "M\(n(px)) \(n(plot.y))V\(n(plot.bottom))",
                                     "stroke": Palette.axis, "stroke-width": "1.25", "stroke-dasharray": "5 4"])
                let top = plot.y + 16, bottom = plot.bottom - 8
                let spot = placement.place(label, [
                    .init(x: px + 5, baseline: top, anchor: "start"), .init(x: px - 5, baseline: top, anchor: "end"),
                    .init(x: px + 5, baseline: bottom, anchor: "start"), .init(x: px - 5, baseline: bottom, anchor: "end"),
                ])
                svg.element("text", Palette.haloText(x: spot.x, y: spot.baseline, anchor: spot.anchor), text: label)
            }
        }
        svg.close("g")
    }
}
