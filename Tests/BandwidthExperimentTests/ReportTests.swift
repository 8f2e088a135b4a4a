import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import BandwidthExperiment

/// The report step on `ReportFixture`: the model's arithmetic against figures worked out by
/// hand, report.md's tables and links, and every chart a well-formed SVG.
@Suite struct ReportTests {
    let results: ExperimentResults
    let model: BandwidthModel

    init() throws {
        results = try ReportFixture.results()
        model = BandwidthModel(inputs: ModelInputs(results))
    }

    @Test func inputsComeFromTheRunsFigures() {
        let i = model.inputs
        #expect(i.period == 10 && i.window == 100 && i.changeRate == 0.5)
        #expect(i.records == 100)          // 1,000 records written ÷ 10 runs
        #expect(i.recordSize == 200)       // 200,000 bytes ÷ 1,000 records
        #expect(i.envelopeEventSize == 100 && i.legacyEventSize == 400)
        #expect(i.runSeconds == 1)
    }

    @Test func predictionsAndRatios() {
        // full (100/10)·2·100·200; incremental 2·200·50; stream 3·50·e.
        let expected: [Variant: (predicted: Double, ratio: Double, flagged: Bool)] = [
            .batchFull: (400_000, 0.5, true), .batchIncremental: (20_000, 1, false),
            .streamEnvelope: (15_000, 2, true), .streamLegacy: (60_000, 1, false),
        ]
        for variant in Variant.allCases {
            let comparison = ModelComparison(variant, model: model, results: results)
            let want = expected[variant]!
            #expect(abs(comparison.predicted - want.predicted) < 1e-6, "\(variant)")
            #expect(abs(comparison.ratio - want.ratio) < 1e-9, "\(variant)")
            #expect(comparison.flagged == want.flagged && (comparison.reason != nil) == want.flagged, "\(variant)")
        }
    }

    @Test func bytesPerHour() {
        #expect(model.bytesPerHour(.batchFull, rate: 0.5) == 14_400_000)         // 360 runs · 2·100·200
        #expect(model.bytesPerHour(.batchIncremental, rate: 0.5) == 720_000)     // 3600·2·200·0.5
        #expect(model.bytesPerHour(.batchIncremental, rate: 50) == 14_400_000)   // capped at N/T = 10/s
        #expect(model.bytesPerHour(.streamEnvelope, rate: 0.5) == 540_000)       // 3600·3·100·0.5
    }

    @Test func crossovers() throws {
        // Stream = full at r = 2·N·s / (3·e·T) = 40,000 / (30·e).
        let envelopeFull = try #require(model.crossover(.streamEnvelope, .batchFull).rate)
        #expect(abs(envelopeFull - 40_000.0 / 3_000) < 1e-9)
        let legacyFull = try #require(model.crossover(.streamLegacy, .batchFull).rate)
        #expect(abs(legacyFull - 40_000.0 / 12_000) < 1e-9)
        // 3·e = 300 < 2·s = 400: the envelope meets incremental where incremental equals full;
        // 3·e = 1,200 > 400: legacy never does.
        #expect(model.crossover(.streamEnvelope, .batchIncremental).rate == envelopeFull)
        #expect(model.crossover(.streamLegacy, .batchIncremental).rate == nil)
    }

    @Test func staleness() {
        #expect(model.batchMeanStaleness == 6)                  // T/2 + run = 5 + 1
        #expect(model.periodMatching(staleness: 3) == 4)        // 2·(3 − 1)
        #expect(model.periodMatching(staleness: 0.1) == nil)    // a run alone takes 1 s
    }

    @Test func reportHasTheTablesAndLinksEveryChart() {
        let markdown = ReportDocument(results: results).markdown
        for heading in ["## Bytes (measured)", "## Staleness (measured)", "## Cost (measured)",
                        "## The model against the measurement", "### Crossover", "## Interpretation", "Price assumptions"] {
            #expect(markdown.contains(heading), "\(heading)")
        }
        for variant in Variant.allCases { #expect(markdown.contains("| \(variant.rawValue) |")) }
        for chart in [ReportCharts.bytesPerChange, ReportCharts.staleness, ReportCharts.model] {
            #expect(markdown.contains("](\(chart))"), "\(chart)")
        }
        #expect(markdown.contains("**-50%**") && markdown.contains("**+100%**"))
        #expect(markdown.contains("never: stream costs 3.00× incremental"))
    }

    @Test func writesReportAndWellFormedCharts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try ReportWriter.write(results, to: folder)
        #expect(files.map(\.lastPathComponent) == ["report.md", ReportCharts.bytesPerChange, ReportCharts.staleness, ReportCharts.model])
        for svg in files.dropFirst() {
            let parser = XMLParser(data: try Data(contentsOf: svg))
            let delegate = RootElement()
            parser.delegate = delegate
            #expect(parser.parse(), "\(svg.lastPathComponent): \(String(describing: parser.parserError))")
            #expect(delegate.root == "svg", "\(svg.lastPathComponent)")
        }
    }
}

/// Remembers the document's first element.
private final class RootElement: NSObject, XMLParserDelegate {
    var root: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
    }
}
