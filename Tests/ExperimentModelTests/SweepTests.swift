import Foundation
import Testing
@testable import ExperimentModel

/// The sweep: which runs it makes, and its report over three `ReportFixture` runs at 1×, 10×
/// and 100× intensity (stream and incremental bytes grow with the changes, full batch does not).
@Suite struct SweepTests {
    @Test func onePointPerValueOneAxisAtATimeBaseOnce() throws {
        let base = SweepPlan.Point(intensity: 1, perPlant: 300)
        let plan = try #require(SweepPlan(base: base, axes: .init(intensities: [1, 10, 100], perPlants: [100, 300, 1000],
                                                                  intervals: [60, 600], fetchWaits: [10, 500])))
        #expect(plan.points.map { "\($0.intensity)/\($0.perPlant)/\($0.interval)/\($0.fetchWaitMilliseconds)" } == [
            "1.0/300/600.0/10", "10.0/300/600.0/10", "100.0/300/600.0/10", "1.0/100/600.0/10", "1.0/1000/600.0/10",
            "1.0/300/60.0/10", "1.0/300/600.0/500",
        ])
        #expect(plan.points[1].label == "intensity-10-per-plant-300")
        #expect(plan.points[5].label == "intensity-1-per-plant-300-interval-60s")
        #expect(plan.points[6].label == "intensity-1-per-plant-300-fetch-wait-500ms")
        #expect(SweepPlan(base: base, axes: .init()) == nil)
    }

    /// The frontier: every run measures both designs, so each run sets both knobs.
    @Test func pairedKnobsMakeOneRunPerPairAtEachIntensity() throws {
        let plan = try #require(SweepPlan(base: .init(intensity: 1, perPlant: 30),
                                          axes: .init(intensities: [1, 10], intervals: [10, 60, 600], fetchWaits: [10, 500, 2000], pairKnobs: true)))
        #expect(plan.points.map { "\($0.intensity)/\($0.interval)/\($0.fetchWaitMilliseconds)" } == [
            "1.0/10.0/10", "1.0/60.0/500", "1.0/600.0/2000", "10.0/10.0/10", "10.0/60.0/500", "10.0/600.0/2000",
        ])
        #expect(plan.points.allSatisfy { $0.perPlant == 30 })
    }

    @Test func crossingIsInterpolatedOnLogLogAxes() throws {
        // a = 60,000·x against b = 200,000: equal at x = 10/3, between the neighbours 0.5 and 5.
        let crossing = try #require(SweepReport.crossing([(0.5, 30_000, 200_000), (5, 300_000, 200_000), (50, 3_000_000, 200_000)]))
        #expect(abs(crossing.x - 10.0 / 3) < 1e-9 && abs(crossing.y - 200_000) < 1e-6)
        #expect(SweepReport.crossing([(1, 1, 2), (10, 5, 20)]) == nil)
    }

    @Test func reportOverThreeIntensities() throws {
        let runs = try [1, 10, 100].map { try ReportFixture.results(intensity: $0) }
        let report = SweepReport(results: runs.reversed())
        #expect(report.rateAxis.map(\.intensity) == [1, 10, 100])
        #expect(report.base.intensity == 1)
        let envelopeFull = try #require(report.crossings(report.rateAxis, x: \.rate)
            .first { $0.stream == .streamEnvelope && $0.batch == .batchFull })
        #expect(abs(try #require(envelopeFull.measured).x - 10.0 / 3) < 1e-9)
        #expect(abs(try #require(envelopeFull.model).x - 40_000.0 / 3_300) < 1e-9)   // the base run's model, ReportTests
        let markdown = report.markdown
        for text in ["## Bytes per hour against the change rate (measured)", "### When the data flow grows (measured)",
                     "| 100× intensity (100× the changes/s) | 100× | 100× | 1.00× | 100× |",
                     "stream-envelope = batch-full: measured 3.33 changes/s", "## Staleness p99 against the change rate",
                     "runs/intensity-10-per-plant-30/report.md"] {
            #expect(markdown.contains(text), "\(text)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try report.write(to: folder)
        #expect(files.map(\.lastPathComponent) == [SweepReport.file, SweepReport.rateChart, SweepReport.sizeChart, SweepReport.stalenessChart])
        for svg in files.dropFirst() { try expectWellFormedSVG(svg) }
    }
}
