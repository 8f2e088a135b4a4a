import Charts
import Foundation

/// The report's SVG charts, by file name: bytes per change, the staleness CDF, the model's
/// bytes per hour against the change rate and, when the run recorded one, the cumulative bytes
/// over time. Variants in `Variant.allCases` order in every chart,
/// so each keeps its colour.
struct ReportCharts: Sendable {
    static let bytesPerChange = "bytes-per-change.svg"
    static let staleness = "staleness-cdf.svg"
    static let model = "model-bytes-per-hour.svg"
    static let timeline = "cumulative-bytes.svg"

    let results: ExperimentResults
    let model: BandwidthModel

    func render() throws(ChartError) -> [(file: String, svg: String)] {
        var charts = [(Self.bytesPerChange, try bytesPerChangeChart().render()),
                      (Self.staleness, try stalenessChart().render()),
                      (Self.model, try modelChart().render())]
        if let timeline = timelineChart() { charts.append((Self.timeline, try timeline.render())) }
        return charts
    }

    /// Log bytes against linear time, one line per variant (a line starts at its first byte:
    /// zero has no place on a log axis); nil without a recorded timeline.
    func timelineChart() -> LineChart? {
        guard let samples = results.timeline, samples.count > 1 else { return nil }
        let series = Variant.allCases.compactMap { variant -> Series? in
            let points = samples.compactMap { sample in
                sample.bytes[variant.rawValue].flatMap { $0 > 0 ? (sample.seconds, Double($0)) : nil }
            }
            return points.isEmpty ? nil : Series(name: variant.rawValue, xy: points)
        }
        guard !series.isEmpty else { return nil }
        let jobs = Double(results.parameters.durationSeconds)
        return LineChart(title: "Cumulative bytes on the wire per variant (relay-measured, all hops)",
                         x: Axis(title: "Time since the workload started", unit: .seconds),
                         y: Axis(title: "Bytes so far", unit: .bytes, scale: .log), series: series,
                         annotations: jobs < samples[samples.count - 1].seconds ? [.verticalLine(x: jobs, label: "jobs stop")] : [],
                         legend: .below)
    }

    func bytesPerChangeChart() -> BarChart {
        let variants = results.variants.filter { $0.bytesPerChange > 0 }
        return BarChart(title: "Bytes on the wire per change (relay-measured, all hops)",
                        categories: variants.map(\.name), values: variants.map(\.bytesPerChange),
                        y: Axis(title: "Bytes per change", unit: .bytes, scale: .log), xTitle: "Variant")
    }

    /// Steps over the finite bucket bounds (fraction of changes at or below each); from the
    /// quantile bounds when the results carry no buckets.
    func stalenessChart() -> LineChart {
        let series = results.variants.compactMap { variant -> Series? in
            let staleness = variant.staleness
            guard staleness.count > 0 else { return nil }
            let points: [(Double, Double)]
            if let buckets = staleness.buckets, !buckets.isEmpty {
                points = buckets.map { ($0.upperBoundSeconds, Double($0.cumulativeCount) / Double(staleness.count)) }
            } else {
                points = [(0.5, staleness.p50UpperBoundSeconds), (0.95, staleness.p95UpperBoundSeconds),
                          (0.99, staleness.p99UpperBoundSeconds), (1, staleness.maxUpperBoundSeconds)]
                    .compactMap { fraction, bound in bound.map { ($0, fraction) } }
            }
            let positive = points.filter { $0.0 > 0 }
            return positive.isEmpty ? nil : Series(name: variant.name, xy: positive, style: .step)
        }
        let bucketed = results.variants.allSatisfy { $0.staleness.buckets?.isEmpty == false }
        return LineChart(title: "Staleness per change (CDF over the " + (bucketed ? "histogram buckets)" : "quantile bounds: no buckets recorded)"),
                         x: Axis(title: "Staleness", unit: .seconds, scale: .log),
                         y: Axis(title: "Fraction of changes", range: 0...1), series: series, legend: .below)
    }

    /// Log-log, from 1/100 to 1000× the run's rate, the crossovers marked and the run's rate drawn.
    func modelChart() -> LineChart {
        let rate = max(model.inputs.changeRate, 1e-3)
        let rates = (0...50).map { rate / 100 * pow(10, Double($0) / 10) }
        let series = Variant.allCases.map { variant in
            Series(name: variant.rawValue, xy: rates.map { ($0, max(model.bytesPerHour(variant, rate: $0), 1)) })
        }
        // One ring per point: a stream meets saturated incremental where it meets full.
        var rings: [(stream: Variant, rate: Double, label: String)] = []
        for crossover in model.crossovers {
            for at in crossover.rates where at >= rates[0] && at <= rates[rates.count - 1] {
                if let same = rings.firstIndex(where: { $0.stream == crossover.stream && abs($0.rate / at - 1) < 1e-6 }) {
                    rings[same].label += " = \(crossover.batch.role)"
                } else {
                    rings.append((crossover.stream, at, "\(crossover.stream.role) = \(crossover.batch.role)"))
                }
            }
        }
        let annotations: [Annotation] = [.verticalLine(x: rate, label: "this run")]
            + rings.map { .marker(x: $0.rate, y: model.bytesPerHour($0.stream, rate: $0.rate), label: $0.label) }
        return LineChart(title: "Model: bytes per hour against the change rate (N = \(Fmt.number(model.inputs.records)), "
                            + "s = \(Fmt.bytes(model.inputs.recordSize)), T = \(Fmt.seconds(model.inputs.period)))",
                         x: Axis(title: "Change rate", unit: .number(unit: "changes/s"), scale: .log),
                         y: Axis(title: "Bytes per hour", unit: .bytes, scale: .log), series: series,
                         annotations: annotations, legend: .below)
    }
}
