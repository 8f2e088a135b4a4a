@testable import Charts
import Testing

@Suite struct BarChartTests {
    static func perChange(scale: Scale = .log) -> BarChart {
        BarChart(title: "Bytes per change", categories: LineChartTests.variants,
                 values: [1536, 204_800, 1_048_576, 350_000], y: Axis(title: "Per change", unit: .bytes, scale: scale),
                 xTitle: "Variant")
    }

    @Test(arguments: [Scale.log, .linear])
    func drawsOneLabelledBarPerCategory(scale: Scale) throws {
        let document = try SVGDocument.parse(try Self.perChange(scale: scale).render())
        #expect(document.root.name == "svg" && document.root["viewBox"] == "0 0 800 450")
        let bars = document.all("rect", class: "bar")
        #expect(bars.compactMap { $0["data-category"] } == LineChartTests.variants)
        #expect(document.all("text", class: "value-label").map(\.text) == ["1.5 KiB", "200 KiB", "1 MiB", "342 KiB"])
        #expect(document.all("text", class: "category-label").count >= 4)
        // Taller values make taller bars.
        let heights = bars.compactMap { $0.number("height") }
        #expect(heights.count == 4 && heights[2] > heights[3] && heights[3] > heights[1] && heights[1] > heights[0])
    }

    @Test func barsStayInsideThePlot() throws {
        let document = try SVGDocument.parse(try Self.perChange().render())
        let axis = pathNumbers(try #require(document.all("path", inside: "y-axis").first?["d"]))
        let (top, bottom) = (axis[1], axis[2])
        for bar in document.all("rect", class: "bar") {
            let y = try #require(bar.number("y")), height = try #require(bar.number("height"))
            #expect(y >= top && y + height <= bottom + 0.01)
        }
    }

    @Test func isDeterministic() throws {
        #expect(try Self.perChange().render() == Self.perChange().render())
    }
}
