/// `report.md` from one run's results: parameters, measured tables, the model against the
/// measurement, the crossovers, the interpretation and links to the charts. Pure: same
/// results, same text.
struct ReportDocument: Sendable {
    let results: ExperimentResults
    let model: BandwidthModel
    let prices: CloudPrices

    init(results: ExperimentResults, prices: CloudPrices = CloudPrices()) {
        self.results = results
        model = BandwidthModel(inputs: ModelInputs(results))
        self.prices = prices
    }

    var markdown: String {
        [header, bytesSection, stalenessSection, costSection, modelSection, interpretation, provenance]
            .joined(separator: "\n\n") + "\n"
    }

    var comparisons: [ModelComparison] {
        Variant.allCases.map { ModelComparison($0, model: model, results: results) }
    }

    private var header: String {
        let p = results.parameters
        return """
        # Bandwidth experiment report: run \(p.runId)

        Generated from `results.json` (regenerate: `bandwidth-experiment --report-only DIR/results.json --output-dir DIR`). \
        Git \(results.versions.gitCommit ?? "unknown"), \(results.versions.swift ?? "Swift unknown"), librdkafka \
        \(results.versions.librdkafka); \(results.machine.cores) cores (\(results.machine.cpuModel ?? "unknown CPU")).

        - Store \(p.store), \(p.perPlant) images per plant, seed \(p.seed), intensity \(Fmt.number(p.intensity))× LIMS, \
        jobs for \(p.durationSeconds) s; measured window \(Fmt.seconds(results.windowSeconds)) (workload start to catch-up end), \
        \(results.changes.count) changes (\(["create", "update", "delete"].map { "\(results.changes.byOp[$0] ?? 0) \($0)" }.joined(separator: ", "))).
        - Speed \(Fmt.number(p.speed)): compresses the jobs' intervals (camera, recognizer, users) and the batch interval \
        (\(Fmt.seconds(p.batchIntervalSeconds)) ÷ \(Fmt.number(p.speed)) = a batch run every \(Fmt.seconds(p.batchPeriodSeconds))). \
        The incremental job's watermark margin was \(Fmt.seconds(p.watermarkMarginSeconds)) (by default db-synchronizer's 60 s ÷ \
        speed, the same share of a period as in real timing). Speed does not compress the relays, the broker, the databases or \
        the services' own timing, so stream staleness is real time while batch staleness shrinks with the period.
        - Brokers: \(p.kafka.flatMap { $0.hasPrefix("external ") ? "an external cluster (\($0.dropFirst(9))), every hop through a relay that rewrites the brokers' advertised addresses" : nil } ?? "two Tansu brokers of the run's own, each advertising its relay").
        - Every consumer DB equal to the producer at the end: \(results.consumerDbsEqual ? "yes" : "NO").

        Charts: [bytes per change](\(ReportCharts.bytesPerChange)), [staleness CDF](\(ReportCharts.staleness)), \
        [model: bytes per hour against the change rate](\(ReportCharts.model))\(results.timeline == nil ? "" : ", [cumulative bytes over time](\(ReportCharts.timeline))").
        """
    }

    private var bytesSection: String {
        let changes = Double(max(results.changes.count, 1))
        let rows = results.variants.map { v -> [String] in
            let payload = v.payload.first?.bytes ?? 0
            return [v.name, Fmt.bytes(Double(v.bytes)), Fmt.bytes(v.bytesPerChange), Fmt.bytes(payload),
                    Fmt.bytes(payload / changes), payload > 0 ? Fmt.number(Double(v.bytes) / payload) : "—"]
        }
        let timeline = results.timeline == nil ? "" : "![cumulative bytes over time](\(ReportCharts.timeline))\n\n"
        return "## Bytes (measured)\n\n![bytes per change](\(ReportCharts.bytesPerChange))\n\n" + timeline
            + Fmt.table(["Variant", "Wire bytes (relays, all hops)", "Wire per change", "Payload (first metric)",
                         "Payload per change", "Wire ÷ payload"], rows)
            + "\n\nPayload metrics: " + results.variants.compactMap { v in v.payload.first.map { "\(v.name): `\($0.metric)`" } }
                .joined(separator: "; ") + ". Shared and not attributed: image-api ↔ producer DB moved "
            + Fmt.bytes(Double(results.producerApiAndOutbox.bytes)) + "."
    }

    private var stalenessSection: String {
        let rows = results.variants.map { v -> [String] in
            let s = v.staleness
            let bound = { (value: Double?) in value.map { "≤ " + Fmt.seconds($0) } ?? "—" }
            return [v.name, "\(s.count)", bound(s.p50UpperBoundSeconds), bound(s.p95UpperBoundSeconds),
                    bound(s.p99UpperBoundSeconds), bound(s.maxUpperBoundSeconds), s.meanSeconds.map(Fmt.seconds) ?? "—",
                    Variant(rawValue: v.name)?.isStream == false ? Fmt.seconds(model.batchMeanStaleness) : "—"]
        }
        return "## Staleness (measured)\n\n![staleness CDF](\(ReportCharts.staleness))\n\n"
            + Fmt.table(["Variant", "Changes", "p50", "p95", "p99", "max", "mean", "model mean ((T + run)/2 + run)"], rows)
            + "\n\nQuantiles are histogram bucket upper bounds (\"p99 ≤\"); means are exact. Batch rows exclude the "
            + "runner's early catch-up run. The model's batch mean uses a run time of "
            + (model.inputs.runSeconds.map(Fmt.seconds) ?? "0 (not recorded in these results)") + "."
    }

    private var costSection: String {
        let rows = results.variants.map { v in
            [v.name, v.cost.process, Fmt.number(v.cost.cpuSeconds), Fmt.number(v.cost.averageVcpu), Fmt.number(v.cost.idleAverageVcpu),
             Fmt.number(v.cost.vcpuPerThousandChangesPerSecondAboveIdle), Fmt.bytes(Double(v.cost.peakRssBytes))]
        } + results.sharedCost.map { c in
            ["(shared)", c.process, Fmt.number(c.cpuSeconds), Fmt.number(c.averageVcpu), Fmt.number(c.idleAverageVcpu),
             Fmt.number(c.vcpuPerThousandChangesPerSecondAboveIdle), Fmt.bytes(Double(c.peakRssBytes))]
        }
        return "## Cost (measured)\n\n" + Fmt.table(["Variant", "Process", "CPU s", "avg vCPU", "idle vCPU",
                                                     "vCPU per 1,000 changes/s above idle", "peak RSS"], rows)
            + "\n\nDatabase servers' CPU is not included."
    }
}
