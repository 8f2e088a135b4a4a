import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ExperimentModel

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
        #expect(i.recordSize == 200 && !i.recordSizeIsHex)   // 200,000 stored bytes ÷ 1,000 records
        #expect(i.envelopeEventSize == 100 && i.legacyEventSize == 400)
        #expect(i.runSeconds == 1 && model.cycle == 11 && i.runs == 10)
    }

    @Test func resultsBeforeTheStoredCountTakeTheHexSizeAndSaySo() throws {
        var older = results
        older.variants = older.variants.map { variant in
            var variant = variant
            variant.batch?.storedBytesWritten = nil
            return variant
        }
        let inputs = ModelInputs(older)
        #expect(inputs.recordSize == 400 && inputs.recordSizeIsHex)
        #expect(inputs.notes.contains { $0.contains("about twice what the wire carries") })
    }

    @Test func predictionsAndRatios() {
        // full 10 runs·2·100·200; incremental 2·200·50; envelope 50·(2·100 + 100); legacy 50·(2·400 + 200).
        let expected: [Variant: (predicted: Double, ratio: Double, flagged: Bool)] = [
            .batchFull: (400_000, 0.5, true), .batchIncremental: (20_000, 1, false),
            .streamEnvelope: (15_000, 2, true), .streamLegacy: (50_000, 1.2, true),
        ]
        for variant in Variant.allCases {
            let comparison = ModelComparison(variant, model: model, results: results)
            let want = expected[variant]!
            #expect(abs(comparison.predicted - want.predicted) < 1e-6, "\(variant)")
            #expect(abs(comparison.ratio - want.ratio) < 1e-9, "\(variant): \(comparison.ratio)")
            #expect(comparison.flagged == want.flagged && (comparison.reason != nil) == want.flagged, "\(variant)")
        }
    }

    @Test func bytesPerHour() {
        #expect(abs(model.bytesPerHour(.batchFull, rate: 0.5) - 144_000_000.0 / 11) < 1e-6)        // 3600/11 runs · 2·100·200
        #expect(model.bytesPerHour(.batchIncremental, rate: 0.5) == 720_000)                      // 3600·2·200·0.5
        #expect(abs(model.bytesPerHour(.batchIncremental, rate: 50) - 144_000_000.0 / 11) < 1e-6) // capped at N/cycle
        #expect(model.bytesPerHour(.streamEnvelope, rate: 0.5) == 540_000)                        // 3600·(2·100 + 100)·0.5
        #expect(model.bytesPerHour(.streamLegacy, rate: 0.5) == 1_800_000)                        // 3600·(2·400 + 200)·0.5
    }

    @Test func crossovers() throws {
        // Stream = full at r = 2·N·s / (c·cycle) = 40,000 / (11·c), c = 300 (envelope), 1,000 (legacy).
        let envelopeFull = try #require(model.crossover(.streamEnvelope, .batchFull).rates.first)
        #expect(abs(envelopeFull - 40_000.0 / 3_300) < 1e-9)
        let legacyFull = try #require(model.crossover(.streamLegacy, .batchFull).rates.first)
        #expect(abs(legacyFull - 40_000.0 / 11_000) < 1e-9)
        // c = 300 < 2·s = 400: the envelope meets incremental where incremental equals full;
        // c = 1,000 > 400: legacy never does.
        #expect(model.crossover(.streamEnvelope, .batchIncremental).rates == [envelopeFull])
        #expect(model.crossover(.streamLegacy, .batchIncremental).rates.isEmpty)
        #expect(model.cheaper(model.crossover(.streamEnvelope, .batchFull)) == "stream-envelope below 12.1, batch-full above 12.1 changes/s")
    }

    /// With f = 100 B/s idle, stream = f + 300·r: incremental (400·r) is cheaper below r = 1 and
    /// full (40,000 ÷ 11 B/s) is cheaper above r = (40,000 ÷ 11 − 100) ÷ 300; f moves the crossings, nothing else.
    @Test func idleRateMovesTheCrossings() {
        var inputs = model.inputs
        inputs.envelopeIdleRate = 100
        let idle = BandwidthModel(inputs: inputs)
        let full = (40_000.0 / 11 - 100) / 300
        #expect(idle.crossover(.streamEnvelope, .batchIncremental).rates == [1, full])
        #expect(idle.crossover(.streamEnvelope, .batchFull).rates == [full])
        #expect(idle.cheaper(idle.crossover(.streamEnvelope, .batchIncremental))
                == "batch-incremental below 1.00, stream-envelope from 1.00 to 11.8, batch-incremental above 11.8 changes/s")
        #expect(idle.bytesPerHour(.streamEnvelope, rate: 0) == 360_000)
        #expect(abs(idle.recordsMatching(.streamEnvelope, rate: 0.5) - 11 * 250 / 400) < 1e-9)
    }

    @Test func staleness() {
        #expect(model.batchMeanStaleness == 6.5)                // (T + run)/2 + run = 5.5 + 1
        #expect(model.periodMatching(staleness: 3) == 3)        // 2·3 − 3·1
        #expect(model.periodMatching(staleness: 1.4) == nil)    // the runs alone make it 1.5 s at T = 0
    }

    @Test func reportHasTheTablesAndLinksEveryChart() {
        let markdown = ReportDocument(results: results).markdown
        for heading in ["## Bytes (measured)", "## Staleness (measured)", "## Cost (measured)",
                        "## The model against the measurement", "### Crossover", "## Interpretation", "Price assumptions"] {
            #expect(markdown.contains(heading), "\(heading)")
        }
        for variant in Variant.allCases { #expect(markdown.contains("| \(variant.rawValue) |")) }
        for chart in [ReportCharts.bytesPerChange, ReportCharts.staleness, ReportCharts.model, ReportCharts.timeline] {
            #expect(markdown.contains("](\(chart))"), "\(chart)")
        }
        #expect(markdown.contains("**-50%**") && markdown.contains("**+100%**") && markdown.contains("**+20%**"), "\(markdown)")
        #expect(markdown.contains("| stream-legacy | batch-incremental | never | batch-incremental at every rate |"))
    }

    @Test func writesReportAndWellFormedCharts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try ReportWriter.write(results, to: folder)
        #expect(files.map(\.lastPathComponent) == ["report.md", ReportCharts.bytesPerChange, ReportCharts.staleness, ReportCharts.model,
                                                   ReportCharts.timeline])
        for svg in files.dropFirst() { try expectWellFormedSVG(svg) }
    }

    /// One line per variant from its first byte on; the zero samples are left off the log axis.
    @Test func timelineChartHasEveryVariant() throws {
        let chart = try #require(ReportCharts(results: results, model: model).timelineChart())
        #expect(chart.series.map(\.name) == Variant.allCases.map(\.rawValue))
        #expect(chart.series.allSatisfy { $0.points.count == 2 && $0.points.allSatisfy { $0.y > 0 } })
        #expect(chart.series.first { $0.name == "batch-full" }?.points.last?.y == 200_000)
        var withoutTimeline = results
        withoutTimeline.timeline = nil
        #expect(ReportCharts(results: withoutTimeline, model: model).timelineChart() == nil)
        #expect(!ReportDocument(results: withoutTimeline).markdown.contains(ReportCharts.timeline))
    }
}

/// Parses an SVG file as XML and requires `<svg>` as its root element.
func expectWellFormedSVG(_ file: URL) throws {
    let parser = XMLParser(data: try Data(contentsOf: file))
    let delegate = RootElement()
    parser.delegate = delegate
    #expect(parser.parse(), "\(file.lastPathComponent): \(String(describing: parser.parserError))")
    #expect(delegate.root == "svg", "\(file.lastPathComponent)")
}

/// Remembers the document's first element.
private final class RootElement: NSObject, XMLParserDelegate {
    var root: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = elementName }
    }
}
