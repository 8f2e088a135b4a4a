/// Predicted against measured bytes for one variant, with the reason when they differ by more
/// than `tolerance`: derived from the run's own figures, so the report explains, not guesses.
struct ModelComparison: Sendable {
    static let tolerance = 0.15

    let variant: Variant
    let predicted: Double
    let measured: Double
    let reason: String?

    var ratio: Double { predicted > 0 ? measured / predicted : 0 }
    var flagged: Bool { abs(ratio - 1) > Self.tolerance }

    init(_ variant: Variant, model: BandwidthModel, results: ExperimentResults) {
        self.variant = variant
        predicted = model.predictedBytes(variant)
        let result = results.variant(variant)
        measured = Double(result?.bytes ?? 0)
        let ratio = predicted > 0 ? measured / predicted : 0
        reason = abs(ratio - 1) > Self.tolerance
            ? Self.reason(variant, ratio: ratio, model: model, result: result, parameters: results.parameters) : nil
    }

    private static func reason(_ variant: Variant, ratio: Double, model: BandwidthModel, result: ExperimentResults.VariantResult?,
                               parameters: ExperimentResults.Parameters) -> String {
        let inputs = model.inputs
        // What the hop that writes the consumer DB carries per payload byte the model counts.
        let dbHop = Double(result?.hops.last?.bytes ?? 0)
        if variant.isStream {
            let dbPerEvent = dbHop / max(inputs.changes * model.eventSize(variant), 1)
            if ratio < 1 {
                return "the consumer-DB hop carries \(Fmt.number(dbPerEvent))× the event per change, less than the model's write w"
                    + (inputs.recordSizeIsHex ? " (s counts the JPEG as hex; the DB gets it as binary)" : "")
            }
            let brokerHop = Double(result?.hops.first?.bytes ?? 0) / max(inputs.window, 1)
            let beyond = brokerHop - 2 * inputs.changeRate * model.eventSize(variant) - model.idleRate(variant)
            return "the broker hop carries \(Fmt.bytes(max(beyond, 0)))/s beyond its events and the idle rate f (Kafka "
                + "framing and fetches that grow with the rate); the consumer-DB hop is \(Fmt.number(dbPerEvent))× the event"
        }
        if variant == .batchIncremental, parameters.watermarkMarginSeconds > inputs.period, ratio > 1 {
            let runs = parameters.watermarkMarginSeconds / inputs.period
            let rewritten = result?.batch.map { " (it wrote \(Fmt.number($0.recordsWritten)) records for \(Fmt.number(inputs.changes)) "
                + "changes: \(Fmt.number($0.recordsWritten / max(inputs.changes, 1)))×; the wire carries the JPEG as binary)" } ?? ""
            return "the watermark margin (\(Fmt.number(parameters.watermarkMarginSeconds)) s, not compressed by speed) spans "
                + "\(Fmt.number(runs)) periods: each change is re-read and re-written by up to \(Fmt.number(runs)) runs" + rewritten
        }
        let half = dbHop / max(model.predictedBytes(variant) / 2, 1)
        if variant == .batchIncremental, ratio < 1, let written = result?.batch?.recordsWritten, written < inputs.changes {
            return "it wrote \(Fmt.number(written)) records for \(Fmt.number(inputs.changes)) changes "
                + "(\(Fmt.number(written / max(inputs.changes, 1)))×): a record changed more than once within a period is copied "
                + "once, where the model counts every change"
        }
        if ratio < 1 {
            return inputs.recordSizeIsHex
                ? "the wire carries the JPEG as binary; s counts LIMS JSON with hex data (consumer-DB hop = \(Fmt.number(half))× N·s per run)"
                : "fewer runs or records than the model's: consumer-DB hop = \(Fmt.number(half))× its N·s per cycle"
        }
        return "more than N·s per run: the DB protocol's per-row framing and the records created during the window"
    }
}
