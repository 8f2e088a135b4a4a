extension ReportDocument {
    var modelSection: String {
        let i = model.inputs
        let inputs = """
        ## The model against the measurement

        Inputs, all from this run (nothing fitted): T = \(Fmt.seconds(i.period)), window = \(Fmt.seconds(i.window)), \
        N = \(Fmt.number(i.records)) records, s = \(Fmt.bytes(i.recordSize)) per record, r = \(Fmt.number(i.changeRate)) changes/s, \
        e = \(Fmt.bytes(i.envelopeEventSize)) (envelope), \(Fmt.bytes(i.legacyEventSize)) (legacy) per event.
        \(i.notes.map { "- " + $0 }.joined(separator: "\n"))

        Batch full = (window ÷ T) · 2 · N · s; incremental = 2 · s per changed record (read and written once); stream = \
        3 hops · r · e (producer → broker, broker → consumer, consumer → its DB).
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
             c.rate.map { "\(Fmt.number($0)) changes/s (\(Fmt.number($0 / max(i.changeRate, 1e-9)))× this run)" }
                ?? "never: stream costs \(Fmt.number(BandwidthModel.streamHops * model.eventSize(c.stream) / (2 * i.recordSize)))× "
                + "incremental at every rate below N/T"]
        }
        let stream99 = [Variant.streamEnvelope, .streamLegacy].compactMap { results.variant($0)?.staleness.p99UpperBoundSeconds }.max()
        let staleness = stream99.map { p99 in
            "On staleness: stream's measured p99 (the worse of the two) ≤ \(Fmt.seconds(p99)) against batch's expected mean T/2 + run = "
                + "\(Fmt.seconds(model.batchMeanStaleness)). Batch's mean matches stream's p99 only at "
                + (model.periodMatching(staleness: p99).map { "T ≈ \(Fmt.seconds($0))" } ?? "no T (a run alone takes longer)")
                + "; stream wins on staleness at every change rate the model covers."
        } ?? "No stream staleness was measured."
        return "### Crossover (bytes per hour, this run's N and s)\n\n![model](\(ReportCharts.model))\n\n"
            + Fmt.table(["Stream", "Batch", "Same bytes per hour at"], rows)
            + "\n\nIncremental saturates at N records per run (r = N/T = \(Fmt.number(i.records / i.period)) changes/s) and "
            + "costs as much as full from there on."
            + "\n\nOn DB size: stream and full batch cost the same where N = 3·e·r·T ÷ (2·s); full batch wins below that "
            + "size, e.g. at this run's r and T: N = \(Fmt.number(3 * i.envelopeEventSize * i.changeRate * i.period / (2 * i.recordSize))) "
            + "(envelope), \(Fmt.number(3 * i.legacyEventSize * i.changeRate * i.period / (2 * i.recordSize))) (legacy) records.\n\n"
            + staleness
    }
}
