@testable import Charts
import Testing

@Suite struct ChartErrorTests {
    @Test func noSeries() {
        let error = renderError(LineChart.make(title: "Sweep", series: []).render)
        #expect(error?.code == .noSeries)
        #expect(error?.message == "chart 'Sweep' has no series to draw")
    }

    @Test func emptySeries() {
        let error = renderError(LineChart.make(series: [.make("batch full", xy: [])]).render)
        #expect(error?.code == .emptySeries)
        #expect(error?.description == "series 'batch full' has no points")
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteValues(value: Double) {
        let error = renderError(LineChart.make(series: [.make("s", xy: [(0, 1), (1, value)])]).render)
        #expect(error?.code == .nonFiniteValue)
        #expect(error?.message.hasPrefix("series 's' point 1 has a non-finite value") == true)
        let bar = renderError(BarChart(title: "b", categories: ["a"], values: [value], y: Axis(title: "y")).render)
        #expect(bar?.message == "bar 'a' has a non-finite value (\(value))")
    }

    @Test(arguments: [0.0, -1])
    func nonPositiveValuesOnALogAxis(value: Double) {
        let chart = LineChart.make(series: [.make("s", xy: [(1, 1), (2, value)])], y: Axis(title: "Bytes", scale: .log))
        let error = renderError(chart.render)
        #expect(error?.code == .nonPositiveOnLogAxis)
        #expect(error?.message == "series 's' point 1 has \(value) on the logarithmic axis 'Bytes', which needs values > 0")
        let annotated = LineChart.make(series: [.make(xy: [(1, 1), (2, 2)])], y: Axis(title: "Bytes", scale: .log),
                                       annotations: [.marker(x: 1.5, y: value, label: "crossover")])
        #expect(renderError(annotated.render)?.message
                == "annotation 0 has \(value) on the logarithmic axis 'Bytes', which needs values > 0")
    }

    @Test func mismatchedBars() {
        let chart = BarChart(title: "Per change", categories: ["a", "b", "c"], values: [1, 2], y: Axis(title: "y"))
        let error = renderError(chart.render)
        #expect(error?.code == .mismatchedBars)
        #expect(error?.message == "bar chart 'Per change' has 3 categories but 2 values")
        let empty = BarChart(title: "Empty", categories: [], values: [], y: Axis(title: "y"))
        #expect(renderError(empty.render)?.code == .noSeries)
    }

    @Test func unusableRangesAndSizes() {
        let inverted = LineChart.make(y: Axis(title: "y", range: 5...5))
        #expect(renderError(inverted.render)?.code == .invalidRange)
        let logFromZero = LineChart.make(series: [.make(xy: [(1, 1)])], x: Axis(title: "t", scale: .log, range: 0...10))
        #expect(renderError(logFromZero.render)?.message == "axis 't' has an unusable range: a logarithmic axis needs a lower bound > 0")
        var tiny = LineChart.make()
        tiny.width = 100
        #expect(renderError(tiny.render)?.code == .invalidSize)
    }
}
