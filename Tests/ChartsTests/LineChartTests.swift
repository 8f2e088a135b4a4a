@testable import Charts
import Testing

@Suite struct LineChartTests {
    static let variants = ["stream envelope", "stream legacy", "batch full", "batch incremental"]

    static func cumulativeBytes(legend: LegendPosition = .right) -> LineChart {
        .make(title: "Cumulative bytes",
              series: variants.enumerated().map { index, name in
                  .make(name, xy: [(0, 0), (600, Double(index + 1) * 1e8), (3600, Double(index + 1) * 5e8)],
                        style: index >= 2 ? .step : .line)
              },
              x: Axis(title: "Time since start", unit: .seconds), y: Axis(title: "Transferred", unit: .bytes),
              legend: legend)
    }

    @Test func rendersWellFormedSVGWithSizeViewBoxTitleAndDescription() throws {
        let document = try SVGDocument.parse(try Self.cumulativeBytes().render())
        #expect(document.root.name == "svg")
        #expect(document.root["width"] == "800" && document.root["height"] == "450")
        #expect(document.root["viewBox"] == "0 0 800 450")
        #expect(document.root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(document.all("title").map(\.text) == ["Cumulative bytes"])
        let description = try #require(document.all("desc").first?.text)
        #expect(description.contains("Series: stream envelope (3 points)"))
        #expect(description.contains("X axis: Time since start, linear scale from 0 s to 1 h."))
    }

    @Test func drawsOnePathAndOneLegendEntryPerSeries() throws {
        let document = try SVGDocument.parse(try Self.cumulativeBytes().render())
        #expect(document.all("path", class: "series").count == 4)
        #expect(document.all("g", class: "legend-entry").count == 4)
        #expect(document.all("text", inside: "legend-entry").map(\.text) == Self.variants)
        let tickLabels = document.all("text", class: "tick-label").map(\.text)
        #expect(tickLabels.contains("1000 MiB") && tickLabels.contains("30 min"))
    }

    @Test func stepSeriesTurnACornerBeforeEveryRise() throws {
        let chart = LineChart.make(series: [.make("line"), .make("step", style: .step)])
        let paths = try SVGDocument.parse(try chart.render()).all("path", class: "series")
        let line = pathNumbers(try #require(paths[0]["d"]))
        let step = pathNumbers(try #require(paths[1]["d"]))
        #expect(line.count == 3 * 2)
        #expect(step.count == 5 * 2)
        // The corner keeps the previous y at the next x: post-step.
        #expect(step[2] == line[2] && step[3] == line[1])
    }

    @Test func aOnePointSeriesIsAMarker() throws {
        let chart = LineChart.make(series: [.make("single", xy: [(3, 4)]), .make("pair", xy: [(0, 1), (9, 7)])])
        let document = try SVGDocument.parse(try chart.render())
        #expect(document.all("path", class: "series").count == 1)
        #expect(document.all("path", class: "marker").filter { $0.ancestorClasses.contains("data") }.count == 1)
        #expect(document.all("text", inside: "legend-entry").map(\.text) == ["single", "pair"])
    }

    @Test func markersAtEveryPointWhenAsked() throws {
        let chart = LineChart.make(series: [.make(markers: true)])
        let markers = try SVGDocument.parse(try chart.render()).all("path", class: "marker")
        #expect(markers.filter { $0.ancestorClasses.contains("data") }.count == 3)
    }

    @Test(arguments: [LegendPosition.right, .below])
    func theLegendStaysOutsideThePlot(position: LegendPosition) throws {
        let document = try SVGDocument.parse(try Self.cumulativeBytes(legend: position).render())
        let xAxis = pathNumbers(try #require(document.all("path", inside: "x-axis").first?["d"]))
        let (plotRight, plotBottom) = (xAxis[2], xAxis[1])
        for entry in document.all("path", inside: "legend-entry") where entry.cssClass != "marker" {
            let start = pathNumbers(try #require(entry["d"]))
            switch position {
            case .right: #expect(start[0] > plotRight)
            case .below: #expect(start[1] > plotBottom + 30)
            }
        }
    }

    @Test func escapesTextAndKeepsItReadable() throws {
        let title = #"Bytes & "changes" <per s>"#
        let chart = LineChart.make(title: title, series: [.make("a & b < c"), .make("bell\u{07}tab\t")],
                                   x: Axis(title: "x 'quoted'"))
        let svg = try chart.render()
        #expect(svg.contains("Bytes &amp; &quot;changes&quot; &lt;per s&gt;"))
        #expect(!svg.contains("a & b"))
        let document = try SVGDocument.parse(svg)
        #expect(document.all("title").first?.text == title)
        // XML 1.0 forbids control characters even escaped: they become spaces.
        #expect(document.all("text", inside: "legend-entry").map(\.text) == ["a & b < c", "bell tab\t"])
        #expect(document.all("text", class: "axis-title").map(\.text).contains("x 'quoted'"))
    }

    @Test func annotationsDrawARingALineAndTheirLabels() throws {
        let chart = LineChart.make(
            series: [.make(xy: [(0.01, 1e6), (100, 1e10)])],
            x: Axis(title: "Change rate", unit: .number(unit: "changes/s"), scale: .log),
            y: Axis(title: "Per hour", unit: .bytes, scale: .log),
            annotations: [.marker(x: 5, y: 5e8, label: "crossover"), .verticalLine(x: 1, label: "experiment")])
        let document = try SVGDocument.parse(try chart.render())
        #expect(document.all("path", class: "annotation-marker").count == 1)
        #expect(document.all("path", class: "annotation-line").count == 1)
        #expect(document.all("text", class: "annotation-label").map(\.text) == ["crossover", "experiment"])
    }

    @Test func outputIsDeterministic() throws {
        let first = try Self.cumulativeBytes().render()
        #expect(try Self.cumulativeBytes().render() == first)
        #expect(!first.contains("nan") && !first.contains("inf"))
        // Every coordinate has exactly two decimals.
        let series = try SVGDocument.parse(first).all("path", class: "series")
        for path in series {
            let d = try #require(path["d"])
            for number in d.split(whereSeparator: { "ML ".contains($0) }) {
                #expect(number.split(separator: ".").last?.count == 2)
            }
        }
    }
}

@Suite struct TickLabelLayoutTests {
    @Test func tickLabelsNeverOverlapOnASmallChart() throws {
        var chart = LineChart.make(series: [.make(xy: [(0.001, 150_000), (3600, 9e6)])],
                                   x: Axis(title: "Staleness", unit: .seconds, scale: .log),
                                   y: Axis(title: "Bytes", unit: .bytes, scale: .log))
        chart.width = 320
        chart.height = 180
        let labels = try SVGDocument.parse(try chart.render()).all("text", class: "tick-label")
        let x = labels.filter { $0["text-anchor"] == "middle" }.map { label in
            let center = label.number("x") ?? 0, half = SVGWriter.textWidth(label.text, fontSize: 12) / 2
            return (center - half)...(center + half)
        }
        let y = labels.filter { $0["text-anchor"] == "end" }.compactMap { $0.number("y") }
        #expect(x.count >= 3 && y.count >= 3)
        for (left, right) in zip(x, x.dropFirst()) { #expect(left.upperBound < right.lowerBound) }
        for (lower, upper) in zip(y, y.dropFirst()) { #expect(lower - upper >= 12) }
    }
}
