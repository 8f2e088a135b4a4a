extension ReportDocument {
    var modelSection: String {
        let i = model.inputs
        let inputs = """
        ## The model against the measurement

        Inputs, all from this run (nothing fitted): T = \(Fmt.seconds(i.period)), window = \(Fmt.seconds(i.window)), \
        N = \(Fmt.number(i.records)) records, s = \(Fmt.bytes(i.recordSize)) per record, r = \(Fmt.number(i.changeRate)) changes/s, \
        e = \(Fmt.bytes(i.envelopeEventSize)) (envelope), \(Fmt.bytes(i.legacyEventSize)) (legacy) per event, \
        f = \(Fmt.bytes(i.envelopeIdleRate))/s (envelope), \(Fmt.bytes(i.legacyIdleRate))/s (legacy) when idle.
        \(i.notes.map { "- " + $0 }.joined(separator: "\n"))

        A batch run starts T after the previous one ended: a cycle of T + run = \(Fmt.seconds(model.cycle)). Batch full = \
        runs · 2 · N · s, the runs being the job's own count in the window (one per cycle, and the one the runner starts at \
        the end); incremental = 2 · s per changed record (read and written once); stream = \
        (f + r · (2 · e + w)) · window: the event to the broker and from it, then the write to its DB, w = e for the \
        envelope (the changed fields) and w = s for legacy (the whole record); f is the consumer's fetch polling and group \
        heartbeats, which go on with nothing to sync.
        """
        let rows = comparisons.map { c in
            [c.variant.rawValue, Fmt.bytes(c.predicted), Fmt.bytes(c.measured), Fmt.number(c.ratio),
             c.flagged ? "**\(Fmt.percent(c.ratio - 1))**: \(c.reason ?? "")" : "within 15%"]
        }
        let table = Fmt.table(["Variant", "Predicted", "Measured (relays)", "Measured ÷ predicted", "Flag and reason"], rows)
        return inputs + "\n\n" + table + "\n\n" + crossoverSection
    }

    private var crossoverSection: String {
        let i = model.inputs
        let rows = model.crossovers.map { c in
            [c.stream.rawValue, c.batch.rawValue,
             c.rates.isEmpty ? "never" : c.rates.map { "\(Fmt.number($0)) changes/s (\(Fmt.number($0 / max(i.changeRate, 1e-9)))× this run)" }
                .joined(separator: " and "),
             model.cheaper(c)]
        }
        let stream99 = [Variant.streamEnvelope, .streamLegacy].compactMap { results.variant($0)?.staleness.p99UpperBoundSeconds }.max()
        let staleness = stream99.map { p99 in
            "On staleness: stream's measured p99 (the worse of the two) ≤ \(Fmt.seconds(p99)) against batch's expected mean (T + run)/2 + run = "
                + "\(Fmt.seconds(model.batchMeanStaleness)). Batch's mean matches stream's p99 only at "
                + (model.periodMatching(staleness: p99).map { "T ≈ \(Fmt.seconds($0))" } ?? "no T (a run alone takes longer)")
                + "; stream wins on staleness at every change rate the model covers."
        } ?? "No stream staleness was measured."
        return "### Crossover (bytes per hour, this run's N and s)\n\n![model](\(ReportCharts.model))\n\n"
            + Fmt.table(["Stream", "Batch", "Same bytes per hour at", "Fewer bytes"], rows)
            + "\n\nIncremental saturates at N records per run (r = N/cycle = \(Fmt.number(i.records / model.cycle)) changes/s) and "
            + "costs as much as full from there on."
            + "\n\nOn DB size: stream and full batch cost the same where N = (f + (2·e + w)·r)·cycle ÷ (2·s); full batch wins below that "
            + "size, e.g. at this run's r and T: N = \(Fmt.number(model.recordsMatching(.streamEnvelope, rate: i.changeRate))) "
            + "(envelope), \(Fmt.number(model.recordsMatching(.streamLegacy, rate: i.changeRate))) (legacy) records.\n\n"
            + staleness
    }
}
