import Foundation
import Testing
@testable import ExperimentModel

/// The frontier over three `ReportFixture` runs that turn both knobs together (fetch wait 10,
/// 500, 2,000 ms; batch every 10, 60, 600 s): fewer bytes and more staleness at each step.
@Suite struct FrontierTests {
    /// A run at these knobs: each variant's bytes in the 100 s window and its staleness p99.
    func run(fetchWait: Int, period: Double, _ figures: [Variant: (bytes: UInt64, p99: Double)],
             envelopeIdle: Double? = nil) throws -> ExperimentResults {
        var results = try ReportFixture.results()
        results.parameters.fetchWaitMs = fetchWait
        results.parameters.batchPeriodSeconds = period
        results.parameters.batchIntervalSeconds = period * results.parameters.speed
        for index in results.variants.indices {
            guard let variant = Variant(rawValue: results.variants[index].name), let (bytes, p99) = figures[variant] else { continue }
            results.variants[index].bytes = bytes
            results.variants[index].staleness.p99UpperBoundSeconds = p99
            if variant == .streamEnvelope { results.variants[index].idleBytesPerSecond = envelopeIdle }
        }
        return results
    }

    func runs() throws -> [ExperimentResults] {
        try [run(fetchWait: 10, period: 10, [.streamEnvelope: (30_000, 0.1), .streamLegacy: (60_000, 0.1), .batchFull: (200_000, 10), .batchIncremental: (20_000, 10)]),
             run(fetchWait: 500, period: 60, [.streamEnvelope: (6_000, 0.6), .streamLegacy: (20_000, 0.6), .batchFull: (40_000, 60), .batchIncremental: (5_000, 60)]),
             run(fetchWait: 2000, period: 600, [.streamEnvelope: (3_000, 2.5), .streamLegacy: (15_000, 2.5), .batchFull: (4_000, 600), .batchIncremental: (1_000, 600)])]
    }

    @Test func eachBudgetGetsTheCheapestVariantWithinIt() throws {
        let report = try #require(SweepReport(results: try runs()).frontier)
        let level = try #require(report.levels.first)
        #expect(report.levels.count == 1 && level.points.count == 12)
        func best(_ budget: Double) -> String? { level.cheapest(within: budget).map { "\($0.variant.rawValue) \($0.settingText)" } }
        #expect(best(0.05) == nil)
        #expect(best(0.1) == "stream-envelope fetch wait 10 ms")
        #expect(best(1) == "stream-envelope fetch wait 500 ms")
        // Batch every 60 s moves more than the stream at 2 s; every 10 min it moves less.
        #expect(best(60) == "stream-envelope fetch wait 2000 ms")
        #expect(best(600)?.hasPrefix("batch-incremental every") == true)
        let summary = report.summary(level)
        #expect(summary.contains("only stream-envelope (fetch wait 10 ms)") && summary.contains("From a budget of 10 min on, batch-incremental"),
                "\(summary)")
    }

    /// Tansu at 10 ms and 2 s: 800 bytes of polling per fetch (80 kB/s idle at 10 ms), 30 kB of
    /// changes in the 100 s window at 0.5 changes/s. On Apache Kafka (model) a 2 s wait costs
    /// 0.5 / (1 − e^(−1)) fetches a second, and the staleness of the 10 ms run.
    @Test func apacheKafkaIsModelledFromTheMeasuredPollingBytes() throws {
        let runs = try [(10, 0.12), (2000, 2.4)].map { wait, p99 in
            let idle = 800 / (Double(wait) / 1000)
            return try run(fetchWait: wait, period: 10, [.streamEnvelope: (30_000 + UInt64(idle * 100), p99), .streamLegacy: (60_000, p99),
                                                         .batchFull: (200_000, 10), .batchIncremental: (20_000, 10)], envelopeIdle: idle)
        }
        let level = try #require(SweepReport(results: runs).frontier?.levels.first)
        let kafka = level.kafkaModel.sorted { $0.setting < $1.setting }
        #expect(kafka.map(\.setting) == [10, 2000] && kafka.allSatisfy { $0.p99 == 0.12 })
        let changesPerHour = 30_000.0 * 36
        let fetches = 0.5 / (1 - exp(-0.5 * 2.0))
        #expect(abs(kafka[1].bytesPerHour - (changesPerHour + 800 * fetches * 3600)) < 1)
        #expect(abs(kafka[0].bytesPerHour - (changesPerHour + 800 * (0.5 / (1 - exp(-0.005))) * 3600)) < 1)
        #expect(kafka[1].bytesPerHour < level.points.first { $0.variant == .streamEnvelope && $0.setting == 10 }!.bytesPerHour / 50)
    }

    @Test func aSweepWithoutKnobsHasNoFrontierAndAKnobSweepWritesOne() throws {
        #expect(SweepReport(results: [try ReportFixture.results(intensity: 1), try ReportFixture.results(intensity: 10)]).frontier == nil)
        let report = SweepReport(results: try runs())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("frontier-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = try report.write(to: folder).map(\.lastPathComponent)
        #expect(names.contains(FrontierReport.file) && names.contains("frontier-intensity-1.svg"))
        let markdown = try String(contentsOf: folder.appendingPathComponent(FrontierReport.file), encoding: .utf8)
        #expect(markdown.contains("## Intensity 1×") && markdown.contains("| 10 min | **batch-incremental**"), "\(markdown)")
        #expect(markdown.contains("A model, not a measurement: the envelope stream on Apache Kafka"))
        #expect(markdown.contains("## The answer\n\n- **1× (0.500 changes/s).** Within 100 ms only stream-envelope"), "\(markdown)")
        // The fixture's first run measures twice its envelope model (ReportTests): named, with why.
        #expect(markdown.contains("of 12 points within 15% of their run's model. The others:"))
        #expect(markdown.contains("- stream-envelope, fetch wait 10 ms: the broker hop carries"), "\(markdown)")
    }
}
