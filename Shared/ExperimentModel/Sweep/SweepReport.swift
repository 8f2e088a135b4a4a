import Charts
import Foundation

/// `sweep.md` and its charts from the runs of a sweep: measured bytes per hour against the
/// change rate and against the DB size with the crossovers (measured and the model's), stream
/// and batch staleness against the change rate, and the model's error per run. The base point
/// is where the two axes meet: the most common intensity and the most common DB size.
public struct SweepReport: Sendable {
    static let file = "sweep.md"
    static let rateChart = "sweep-change-rate.svg"
    static let sizeChart = "sweep-db-size.svg"
    static let stalenessChart = "sweep-staleness.svg"

    /// One run's figures as the sweep uses them.
    struct Run: Sendable {
        let results: ExperimentResults
        let model: BandwidthModel
        var intensity: Double { results.parameters.intensity }
        var perPlant: Int { results.parameters.perPlant }
        var rate: Double { model.inputs.changeRate }
        var fetchWaitMilliseconds: Int { results.parameters.fetchWaitMs ?? SweepPlan.Point.consumerFetchWait }
        var interval: Double { results.parameters.batchIntervalSeconds }
        /// The two knobs, as a key.
        var knobs: String { "\(interval) s, \(fetchWaitMilliseconds) ms" }
        var records: Double { model.inputs.records }
        var label: String {
            SweepPlan.Point(intensity: intensity, perPlant: perPlant, interval: interval, fetchWaitMilliseconds: fetchWaitMilliseconds).label
        }

        func bytesPerHour(_ variant: Variant) -> Double {
            guard let bytes = results.variant(variant)?.bytes, results.windowSeconds > 0 else { return 0 }
            return Double(bytes) / results.windowSeconds * 3600
        }

        func p99(_ variant: Variant) -> Double? { results.variant(variant)?.staleness.p99UpperBoundSeconds }
    }

    let runs: [Run]
    let base: Run
    /// Runs at the base DB size, by change rate; runs at the base intensity, by DB size.
    let rateAxis: [Run]
    let sizeAxis: [Run]
    /// When the knobs were swept.
    let frontier: FrontierReport?

    public init(results: [ExperimentResults]) {
        runs = results.map { Run(results: $0, model: BandwidthModel(inputs: ModelInputs($0))) }
            .sorted { ($0.intensity, $0.perPlant) < ($1.intensity, $1.perPlant) }
        let intensity = Self.mode(runs.map(\.intensity)), perPlant = Self.mode(runs.map(\.perPlant))
        // The DB-size and rate axes at the knobs most runs have: a knob's runs are the frontier's.
        let knobs = Self.mode(runs.map(\.knobs))
        let atBaseKnobs = runs.filter { $0.knobs == knobs }
        base = atBaseKnobs.first { $0.intensity == intensity && $0.perPlant == perPlant } ?? atBaseKnobs[0]
        rateAxis = atBaseKnobs.filter { $0.perPlant == perPlant }.sorted { $0.rate < $1.rate }
        sizeAxis = atBaseKnobs.filter { $0.intensity == intensity }.sorted { $0.records < $1.records }
        frontier = FrontierReport(runs: runs)
    }

    /// The files written, sweep.md first.
    @discardableResult
    public func write(to folder: URL) throws -> [URL] {
        let charts: [(String, String)]
        do {
            charts = try [(Self.rateChart, bytesChart(rateAxis, x: \.rate, axis: rateAxisTitle).render()),
                          (Self.sizeChart, bytesChart(sizeAxis, x: \.records, axis: sizeAxisTitle).render()),
                          (Self.stalenessChart, stalenessChart().render())]
                + (frontier?.charts() ?? []).map { ($0.0, try $0.1.render()) }
        } catch {
            throw ExperimentError(.output, "cannot draw the sweep's charts: \(error)")
        }
        return try ReportWriter.write([(Self.file, markdown)] + (frontier.map { [(FrontierReport.file, $0.markdown)] } ?? []) + charts,
                                      to: folder)
    }

    private var rateAxisTitle: Axis { Axis(title: "Measured change rate", unit: .number(unit: "changes/s"), scale: .log) }
    private var sizeAxisTitle: Axis { Axis(title: "Records in the DB, N", unit: .number(unit: "records"), scale: .log) }

    /// Where a stream variant and a batch variant cost the same bytes per hour along an axis:
    /// measured (interpolated between neighbouring runs on log-log axes) and the base run's model.
    struct Crossing: Sendable {
        var stream: Variant
        var batch: Variant
        var measured: (x: Double, y: Double)?
        var model: (x: Double, y: Double)?
    }

    func crossings(_ axis: [Run], x: KeyPath<Run, Double>) -> [Crossing] {
        [Variant.streamEnvelope, .streamLegacy].flatMap { stream in
            [Variant.batchFull, .batchIncremental].map { batch in
                let points = axis.map { ($0[keyPath: x], $0.bytesPerHour(stream), $0.bytesPerHour(batch)) }
                return Crossing(stream: stream, batch: batch, measured: Self.crossing(points),
                                model: x == \Run.rate ? modelRateCrossing(stream, batch) : modelSizeCrossing(stream, batch))
            }
        }
    }

    private func modelRateCrossing(_ stream: Variant, _ batch: Variant) -> (x: Double, y: Double)? {
        base.model.crossover(stream, batch).rates.first.map { ($0, base.model.bytesPerHour(stream, rate: $0)) }
    }

    /// Stream = full where N = (f + c·r)·cycle ÷ (2·s), at the base run's r, e, f, s and cycle;
    /// incremental does not depend on N (below saturation), so it has no crossing on this axis.
    private func modelSizeCrossing(_ stream: Variant, _ batch: Variant) -> (x: Double, y: Double)? {
        let rate = base.model.inputs.changeRate
        let records = base.model.recordsMatching(stream, rate: rate)
        guard batch == .batchFull, records > 0 else { return nil }
        return (records, base.model.bytesPerHour(stream, rate: rate))
    }

    /// The first sign change of log(a) − log(b) between neighbouring points, interpolated in log-log.
    static func crossing(_ points: [(x: Double, a: Double, b: Double)]) -> (x: Double, y: Double)? {
        let usable = points.filter { $0.x > 0 && $0.a > 0 && $0.b > 0 }
        for (p, q) in zip(usable, usable.dropFirst()) {
            let dp = log(p.a) - log(p.b), dq = log(q.a) - log(q.b)
            guard dp * dq < 0 else { continue }
            let t = dp / (dp - dq)
            return (exp(log(p.x) + t * (log(q.x) - log(p.x))), exp(log(p.a) + t * (log(q.a) - log(p.a))))
        }
        return nil
    }

    func bytesChart(_ axis: [Run], x: KeyPath<Run, Double>, axis xAxis: Axis) -> LineChart {
        let series = Variant.allCases.map { variant in
            Series(name: variant.rawValue, xy: axis.map { ($0[keyPath: x], max($0.bytesPerHour(variant), 1)) }, markers: true)
        }
        let xs = axis.map { $0[keyPath: x] }
        let inRange = { (value: Double) in value >= (xs.min() ?? 0) / 10 && value <= (xs.max() ?? 0) * 10 }
        // The envelope's crossings only: the stream that decides, and few enough labels to read.
        let annotations: [Annotation] = crossings(axis, x: x).filter { $0.stream == .streamEnvelope }
            .flatMap { c -> [Annotation] in
                let label = "envelope = \(c.batch.role)"
                return [c.measured.map { Annotation.marker(x: $0.x, y: $0.y, label: "measured: " + label) },
                        c.model.flatMap { inRange($0.x) ? Annotation.marker(x: $0.x, y: $0.y, label: "model: " + label) : nil }]
                    .compactMap { $0 }
            }
        let what = x == \Run.rate ? "the change rate (\(base.perPlant) per plant)" : "the DB size (intensity \(Fmt.factor(base.intensity))×)"
        return LineChart(title: "Measured bytes per hour against \(what)", x: xAxis,
                         y: Axis(title: "Bytes per hour, all hops", unit: .bytes, scale: .log),
                         series: series, annotations: annotations, legend: .below)
    }

    func stalenessChart() -> LineChart {
        let series = Variant.allCases.compactMap { variant -> Series? in
            let points = rateAxis.compactMap { run in run.p99(variant).map { (run.rate, $0) } }.filter { $0.1 > 0 }
            return points.isEmpty ? nil : Series(name: variant.rawValue, xy: points, markers: true)
        }
        return LineChart(title: "Staleness p99 (bucket bound) against the change rate", x: rateAxisTitle,
                         y: Axis(title: "Staleness p99", unit: .seconds, scale: .log),
                         series: series.isEmpty ? [Series(name: "no staleness recorded", xy: [(1, 1)])] : series, legend: .below)
    }

    /// The value seen most often; the first such in sorted order on a tie.
    static func mode<T: Comparable & Hashable>(_ values: [T]) -> T {
        let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }[0].key
    }
}
