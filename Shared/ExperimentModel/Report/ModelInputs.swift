/// The analytic model's inputs, each taken from the run's own figures (nothing fitted): the
/// batch period T, the window, the records N and their mean size s, the change rate r and the
/// event sizes e. `notes` says where each came from, and which are estimates (older results).
struct ModelInputs: Sendable, Equatable {
    /// T: the effective batch interval (interval ÷ speed), seconds.
    var period: Double
    var window: Double
    var changes: Double
    /// N: records in the producer DB (what a full run writes).
    var records: Double
    /// s: bytes per record, the JPEG as bytes as the wire carries it (LIMS JSON with hex data,
    /// twice as large, in results of runs before the batch job counted both; `recordSizeIsHex`).
    var recordSize: Double
    var recordSizeIsHex = false
    /// e: payload bytes per change event, envelope and legacy.
    var envelopeEventSize: Double
    var legacyEventSize: Double
    /// A full run's mean duration, when recorded.
    var runSeconds: Double?
    /// Batch-full's runs in the window (scheduled ones and the runner's last), when recorded.
    var runs: Double?
    /// f: bytes per second each stream moves with nothing to sync (measured idle; 0 if not recorded).
    var envelopeIdleRate: Double = 0
    var legacyIdleRate: Double = 0
    var notes: [String] = []

    /// r: changes per second in the window.
    var changeRate: Double { window > 0 ? changes / window : 0 }
}

extension ModelInputs {
    /// From a run's results; the memberwise init builds hand-made inputs.
    init(_ results: ExperimentResults) {
        let changes = Double(results.changes.count)
        func payload(_ variant: Variant, _ metric: String) -> Double {
            results.variant(variant)?.payload.first { $0.metric.contains(metric) }?.bytes ?? 0
        }
        func perChange(_ bytes: Double) -> Double { changes > 0 ? bytes / changes : 0 }
        let period = results.parameters.batchPeriodSeconds
        var notes = ["T = batch interval ÷ speed = \(Fmt.seconds(results.parameters.batchIntervalSeconds)) ÷ \(Fmt.number(results.parameters.speed))",
                     "e = image-api's image_api_image_size{format} ÷ changes"]
        let records: Double, size: Double
        var hex = true
        if let full = results.variant(.batchFull)?.batch, full.runs > 0, full.recordsWritten > 0 {
            records = full.recordsWritten / full.runs
            if let stored = full.storedBytesWritten, stored > 0 {
                size = stored / full.recordsWritten
                hex = false
                notes.append("N = batch-full's records_written ÷ runs; s = its stored_bytes_written (the JPEG as bytes) ÷ records_written")
            } else {
                size = full.bytesWritten / full.recordsWritten
                notes.append("N = batch-full's records_written ÷ runs; s = its bytes_written ÷ records_written (LIMS JSON with "
                    + "hex data: this run predates the stored-bytes count, so s is about twice what the wire carries)")
            }
        } else {
            // Older results lack the batch counts: N from the seed and the net creates (mean over
            // the window), s from batch-full's bytes written over the runs the schedule implies.
            let byOp = results.changes.byOp
            records = Double(results.parameters.perPlant * 3) + Double((byOp["create"] ?? 0) - (byOp["delete"] ?? 0)) / 2
            let runs = (results.windowSeconds / period).rounded(.down) + 1
            size = payload(.batchFull, "bytes_written") / (runs * records)
            notes.append("estimated (results.json has no batch counts): N = per plant × 3 plants + (creates − deletes) ÷ 2; "
                + "s = batch-full's bytes_written ÷ ((⌊window ÷ T⌋ + 1) runs × N)")
        }
        let idle = { (variant: Variant) in results.variant(variant)?.idleBytesPerSecond ?? 0 }
        if results.variant(.streamEnvelope)?.idleBytesPerSecond != nil {
            notes.append("f = a stream's relay bytes per second over the idle window after the catch-up (nothing to sync)")
        }
        self.init(period: period, window: results.windowSeconds, changes: changes, records: records, recordSize: size,
                  recordSizeIsHex: hex, envelopeEventSize: perChange(payload(.streamEnvelope, "image_api_image_size")),
                  legacyEventSize: perChange(payload(.streamLegacy, "image_api_image_size")),
                  runSeconds: results.variant(.batchFull)?.batch?.meanRunSeconds, runs: results.variant(.batchFull)?.batch?.runs,
                  envelopeIdleRate: idle(.streamEnvelope), legacyIdleRate: idle(.streamLegacy), notes: notes)
    }
}

extension ExperimentResults {
    func variant(_ variant: Variant) -> VariantResult? { variants.first { $0.name == variant.rawValue } }
}
