/// Where the legend goes; both keep it outside the plot area so it never covers data.
public enum LegendPosition: Sendable {
    case right
    case below
}

/// The key of a line chart: a swatch (line with the series' colour and dash, and its marker)
/// and the series name per entry, placed outside the plot so that it never covers data.
struct Legend {
    struct Entry {
        let name: String
        let index: Int
        let markers: Bool
    }

    static let swatch = 30.0
    static let gap = 6.0
    static let rowHeight = 20.0
    static let entrySpacing = 22.0

    let entries: [Entry]

    private func entryWidth(_ entry: Entry) -> Double {
        Self.swatch + Self.gap + SVGWriter.textWidth(entry.name, fontSize: PlotFrame.fontSize)
    }

    /// Width to reserve right of the plot for a legend there.
    var rightWidth: Double { 20 + (entries.map(entryWidth).max() ?? 0) + 10 }

    /// Entries flowed left to right into rows no wider than `width`.
    func rows(width: Double) -> [[Entry]] {
        var rows: [[Entry]] = [[]]
        var used = 0.0
        for entry in entries {
            let needed = entryWidth(entry) + (rows[rows.count - 1].isEmpty ? 0 : Self.entrySpacing)
            if used + needed > width && !rows[rows.count - 1].isEmpty {
                rows.append([entry])
                used = entryWidth(entry)
            } else {
                rows[rows.count - 1].append(entry)
                used += needed
            }
        }
        return rows
    }

    /// Height to reserve under the x axis title for a legend there.
    func belowHeight(width: Double) -> Double { 8 + Double(rows(width: width).count) * Self.rowHeight }

    /// A column starting at the top right of the plot.
    func drawRight(_ svg: inout SVGWriter, plot: Rect) {
        svg.open("g", ["class": "legend"])
        for (row, entry) in entries.enumerated() {
            draw(&svg, entry, x: plot.right + 20, y: plot.y + 8 + Double(row) * Self.rowHeight)
        }
        svg.close("g")
    }

    /// Rows under the x axis title, centred on the chart.
    func drawBelow(_ svg: inout SVGWriter, top: Double, chartWidth: Double, available: Double) {
        svg.open("g", ["class": "legend"])
        for (row, entries) in rows(width: available).enumerated() {
            let rowWidth = entries.map(entryWidth).reduce(0, +) + Double(entries.count - 1) * Self.entrySpacing
            var x = (chartWidth - rowWidth) / 2
            for entry in entries {
                draw(&svg, entry, x: x, y: top + Self.rowHeight / 2 + Double(row) * Self.rowHeight)
                x += entryWidth(entry) + Self.entrySpacing
            }
        }
        svg.close("g")
    }

    /// One entry with its vertical centre at y.
    private func draw(_ svg: inout SVGWriter, _ entry: Entry, x: Double, y: Double) {
        let n = SVGWriter.number
        svg.open("g", ["class": "legend-entry"])
        svg.element("path", Palette.stroke(index: entry.index,
                                                       d: "M\(n(x)) \(n(y))H\(n(x + Self.swatch))"))
        if entry.markers {
            svg.element("path", Palette.marker(index: entry.index, x: x + Self.swatch / 2, y: y))
        }
        svg.element("text", ["x": n(x + Self.swatch + Self.gap), "y": n(y + PlotFrame.middleShift)], text: entry.name)
        svg.close("g")
    }
}
