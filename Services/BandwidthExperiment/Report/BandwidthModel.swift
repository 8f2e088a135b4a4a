/// The analytic model (issue 5, "The model"): bytes each variant moves, from `ModelInputs` alone.
/// Batch full reads and writes all N·s every run; incremental reads and writes each changed
/// record once (no coalescing, at most N per run); stream carries r·e on each of its three hops
/// (producer → broker, broker → consumer, consumer → its DB) plus f, what it moves when idle.
struct BandwidthModel: Sendable {
    let inputs: ModelInputs

    /// The change rates at which a stream variant costs as many bytes per hour as a batch variant.
    struct Crossover: Sendable, Equatable {
        var stream: Variant
        var batch: Variant
        /// Changes/s, ascending; empty when the lines never meet.
        var rates: [Double]
    }

    static let streamHops = 3.0

    /// Bytes per hour at change rate `rate` (changes/s), for this run's N, s, e, f and T.
    func bytesPerHour(_ variant: Variant, rate: Double) -> Double {
        let i = inputs
        switch variant {
        case .batchFull: return 3600 / i.period * 2 * i.records * i.recordSize
        case .batchIncremental: return 3600 * 2 * i.recordSize * min(rate, i.records / i.period)
        case .streamEnvelope, .streamLegacy: return 3600 * (idleRate(variant) + Self.streamHops * eventSize(variant) * rate)
        }
    }

    /// The bytes the model predicts for the run's window.
    func predictedBytes(_ variant: Variant) -> Double {
        switch variant {
        // The changes themselves, not the rate capped at N per run: a window's records.
        case .batchIncremental: 2 * inputs.recordSize * inputs.changes
        default: bytesPerHour(variant, rate: inputs.changeRate) * inputs.window / 3600
        }
    }

    func eventSize(_ stream: Variant) -> Double {
        stream == .streamEnvelope ? inputs.envelopeEventSize : inputs.legacyEventSize
    }

    func idleRate(_ stream: Variant) -> Double {
        stream == .streamEnvelope ? inputs.envelopeIdleRate : inputs.legacyIdleRate
    }

    /// Stream f + 3·e·r against full 2·N·s/T: one crossing, if f is below full's rate. Against
    /// incremental 2·s·r (until it saturates at r = N/T and equals full): where f + 3·e·r = 2·s·r
    /// below saturation (only if 3·e < 2·s), and full's crossing above it.
    func crossover(_ stream: Variant, _ batch: Variant) -> Crossover {
        let e = eventSize(stream), f = idleRate(stream), i = inputs
        let full = 2 * i.records * i.recordSize / i.period
        let withFull = e > 0 && full > f ? (full - f) / (Self.streamHops * e) : nil
        guard batch == .batchIncremental else { return Crossover(stream: stream, batch: batch, rates: withFull.map { [$0] } ?? []) }
        let saturation = i.records / i.period
        let slope = 2 * i.recordSize - Self.streamHops * e
        let below = slope > 0 && f > 0 ? f / slope : nil
        let rates = [below.flatMap { $0 <= saturation ? $0 : nil }, withFull.flatMap { $0 >= saturation ? $0 : nil }]
        return Crossover(stream: stream, batch: batch, rates: rates.compactMap { $0 })
    }

    var crossovers: [Crossover] {
        [Variant.streamEnvelope, .streamLegacy].flatMap { stream in
            [Variant.batchIncremental, .batchFull].map { crossover(stream, $0) }
        }
    }

    /// Which of the two moves fewer bytes in each stretch of change rates the crossings bound,
    /// e.g. "batch-incremental below 0.2 changes/s, stream-envelope from 0.2 to 13 changes/s, …".
    func cheaper(_ crossover: Crossover) -> String {
        let bounds = crossover.rates
        let samples = bounds.isEmpty ? [1.0] : [bounds[0] / 10] + zip(bounds, bounds.dropFirst()).map { ($0 * $1).squareRoot() }
            + [bounds[bounds.count - 1] * 10]
        let winners = samples.map { rate in
            bytesPerHour(crossover.stream, rate: rate) <= bytesPerHour(crossover.batch, rate: rate) ? crossover.stream : crossover.batch
        }
        guard !bounds.isEmpty else { return "\(winners[0].rawValue) at every rate" }
        return winners.enumerated().map { index, winner in
            let from = index == 0 ? nil : bounds[index - 1], to = index < bounds.count ? bounds[index] : nil
            switch (from, to) {
            case (nil, let to?): return "\(winner.rawValue) below \(Fmt.number(to))"
            case (let from?, let to?): return "\(winner.rawValue) from \(Fmt.number(from)) to \(Fmt.number(to))"
            case (let from?, nil): return "\(winner.rawValue) above \(Fmt.number(from))"
            case (nil, nil): return winner.rawValue
            }
        }.joined(separator: ", ") + " changes/s"
    }

    /// The DB size N at which full batch moves as many bytes as `stream` at `rate`.
    func recordsMatching(_ stream: Variant, rate: Double) -> Double {
        inputs.recordSize > 0 ? inputs.period * bytesPerHour(stream, rate: rate) / 3600 / (2 * inputs.recordSize) : 0
    }

    /// Batch's expected mean staleness: half a period waiting for the run, plus the run.
    var batchMeanStaleness: Double { inputs.period / 2 + (inputs.runSeconds ?? 0) }

    /// The period at which batch's mean staleness equals `target` (e.g. stream's p99); nil when
    /// one run alone takes longer.
    func periodMatching(staleness target: Double) -> Double? {
        let period = 2 * (target - (inputs.runSeconds ?? 0))
        return period > 0 ? period : nil
    }
}
