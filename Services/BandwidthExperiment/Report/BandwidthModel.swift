/// The analytic model (issue 5, "The model"): bytes each variant moves, from `ModelInputs` alone.
/// Batch full reads and writes all N·s every run; incremental reads and writes each changed
/// record once (no coalescing, at most N per run); stream carries r·e on each of its three hops
/// (producer → broker, broker → consumer, consumer → its DB).
struct BandwidthModel: Sendable {
    let inputs: ModelInputs

    /// A change rate at which a stream variant costs as many bytes per hour as a batch variant.
    struct Crossover: Sendable, Equatable {
        var stream: Variant
        var batch: Variant
        /// Changes/s; nil when the lines never meet (the stream costs more at every rate).
        var rate: Double?
    }

    static let streamHops = 3.0

    /// Bytes per hour at change rate `rate` (changes/s), for this run's N, s, e and T.
    func bytesPerHour(_ variant: Variant, rate: Double) -> Double {
        let i = inputs
        switch variant {
        case .batchFull: return 3600 / i.period * 2 * i.records * i.recordSize
        case .batchIncremental: return 3600 * 2 * i.recordSize * min(rate, i.records / i.period)
        case .streamEnvelope: return 3600 * Self.streamHops * i.envelopeEventSize * rate
        case .streamLegacy: return 3600 * Self.streamHops * i.legacyEventSize * rate
        }
    }

    /// The bytes the model predicts for the run's window.
    func predictedBytes(_ variant: Variant) -> Double {
        switch variant {
        case .batchFull: bytesPerHour(variant, rate: inputs.changeRate) * inputs.window / 3600
        // The changes themselves, not the rate capped at N per run: a window's records.
        case .batchIncremental: 2 * inputs.recordSize * inputs.changes
        case .streamEnvelope, .streamLegacy: bytesPerHour(variant, rate: inputs.changeRate) * inputs.window / 3600
        }
    }

    func eventSize(_ stream: Variant) -> Double {
        stream == .streamEnvelope ? inputs.envelopeEventSize : inputs.legacyEventSize
    }

    /// Stream = full where 3·e·r = 2·N·s / T. Incremental equals full from r = N/T on and costs
    /// 2·s/(3·e) of the stream below it, so it meets the stream only there, and only if 3·e < 2·s.
    func crossover(_ stream: Variant, _ batch: Variant) -> Crossover {
        let e = eventSize(stream), i = inputs
        guard e > 0 else { return Crossover(stream: stream, batch: batch, rate: nil) }
        let withFull = 2 * i.records * i.recordSize / (Self.streamHops * e * i.period)
        let rate = batch == .batchFull || Self.streamHops * e < 2 * i.recordSize ? withFull : nil
        return Crossover(stream: stream, batch: batch, rate: rate)
    }

    var crossovers: [Crossover] {
        [Variant.streamEnvelope, .streamLegacy].flatMap { stream in
            [Variant.batchIncremental, .batchFull].map { crossover(stream, $0) }
        }
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
