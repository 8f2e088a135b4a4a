/// The analytic model (issue 5, "The model"): bytes each variant moves, from `ModelInputs` alone.
/// A batch run starts T after the previous one ended, so runs come every T + run time. Batch
/// full reads and writes all N·s every run; incremental reads and writes each changed record
/// once (no coalescing, at most N per run); stream carries each event e twice (producer →
/// broker → consumer) and then writes the change to its DB (the envelope's fields, about e; a
/// legacy message's whole record, s), plus f, what it moves when idle.
struct BandwidthModel: Sendable {
    let inputs: ModelInputs

    /// The change rates at which a stream variant costs as many bytes per hour as a batch variant.
    struct Crossover: Sendable, Equatable {
        var stream: Variant
        var batch: Variant
        /// Changes/s, ascending; empty when the lines never meet.
        var rates: [Double]
    }

    /// Bytes per hour at change rate `rate` (changes/s), for this run's N, s, e, f and T.
    func bytesPerHour(_ variant: Variant, rate: Double) -> Double {
        let i = inputs
        switch variant {
        case .batchFull: return 3600 / cycle * 2 * i.records * i.recordSize
        case .batchIncremental: return 3600 * 2 * i.recordSize * min(rate, i.records / cycle)
        case .streamEnvelope, .streamLegacy: return 3600 * (idleRate(variant) + perChange(variant) * rate)
        }
    }

    /// Seconds from one batch run's start to the next: the period T, then the run itself.
    var cycle: Double { inputs.period + (inputs.runSeconds ?? 0) }

    /// A stream's bytes per change: the event to the broker and from it, then the DB write.
    func perChange(_ stream: Variant) -> Double {
        2 * eventSize(stream) + (stream == .streamEnvelope ? inputs.envelopeEventSize : inputs.recordSize)
    }

    /// The bytes the model predicts for the run's window.
    func predictedBytes(_ variant: Variant) -> Double {
        switch variant {
        // The changes themselves, not the rate capped at N per run: a window's records.
        case .batchIncremental: 2 * inputs.recordSize * inputs.changes
        // The runs the job made in the window (counted: at a few runs per window, which of
        // them fall inside is a large share), else one per cycle and the runner's last.
        case .batchFull: (inputs.runs ?? inputs.window / cycle + 1) * 2 * inputs.records * inputs.recordSize
        default: bytesPerHour(variant, rate: inputs.changeRate) * inputs.window / 3600
        }
    }

    func eventSize(_ stream: Variant) -> Double {
        stream == .streamEnvelope ? inputs.envelopeEventSize : inputs.legacyEventSize
    }

    func idleRate(_ stream: Variant) -> Double {
        stream == .streamEnvelope ? inputs.envelopeIdleRate : inputs.legacyIdleRate
    }

    /// Stream f + c·r (c its bytes per change) against full 2·N·s per cycle: one crossing, if f is
    /// below full's rate. Against incremental 2·s·r (until it saturates at N per cycle and equals
    /// full): where f + c·r = 2·s·r below saturation (only if c < 2·s), and full's crossing above it.
    func crossover(_ stream: Variant, _ batch: Variant) -> Crossover {
        let c = perChange(stream), f = idleRate(stream), i = inputs
        let full = 2 * i.records * i.recordSize / cycle
        let withFull = c > 0 && full > f ? (full - f) / c : nil
        guard batch == .batchIncremental else { return Crossover(stream: stream, batch: batch, rates: withFull.map { [$0] } ?? []) }
        let saturation = i.records / cycle
        let slope = 2 * i.recordSize - c
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
        inputs.recordSize > 0 ? cycle * bytesPerHour(stream, rate: rate) / 3600 / (2 * inputs.recordSize) : 0
    }

    /// Batch's expected mean staleness: half a cycle waiting for the next run, plus the run.
    var batchMeanStaleness: Double { cycle / 2 + (inputs.runSeconds ?? 0) }

    /// The period T at which batch's mean staleness equals `target` (e.g. stream's p99): from
    /// target = (T + run) ÷ 2 + run. Nil when the runs alone take longer.
    func periodMatching(staleness target: Double) -> Double? {
        let period = 2 * target - 3 * (inputs.runSeconds ?? 0)
        return period > 0 ? period : nil
    }

    /// Full batch's bytes per hour at period `period` instead of this run's.
    func fullBatchBytesPerHour(period: Double) -> Double {
        3600 / (period + (inputs.runSeconds ?? 0)) * 2 * inputs.records * inputs.recordSize
    }
}
