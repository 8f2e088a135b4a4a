extension SweepReport {
    var markdown: String {
        [header, bytesSection, growthSection, sizeSection, stalenessSection, modelSection, costSection]
            .joined(separator: "\n\n") + "\n"
    }

    private var variants: [Variant] { Variant.allCases }

    private var header: String {
        let p = base.results.parameters
        let rows = runs.map { run in
            [run.label, Fmt.factor(run.intensity) + "×", "\(run.perPlant)", Fmt.number(run.records), "\(run.results.changes.count)",
             Fmt.number(run.rate), Fmt.seconds(run.results.windowSeconds), run.results.consumerDbsEqual ? "yes" : "**NO**",
             "[report](runs/\(run.label)/report.md)"]
        }
        return """
        # Bandwidth experiment sweep

        \(runs.count) runs, one axis at a time around the base point (intensity \(Fmt.factor(base.intensity))×, \
        \(base.perPlant) images per plant). Every run: store \(p.store), jobs for \(p.durationSeconds) s at speed \
        \(Fmt.number(p.speed)) (a batch run every \(Fmt.seconds(p.batchPeriodSeconds))), seed \(p.seed), its own databases, \
        brokers and services; its own report.md has the details. Speed compresses the jobs' and the batch job's \
        intervals and the incremental job's watermark margin; stream staleness is real time. Regenerate this page: \
        `bandwidth-experiment --report-only DIR` (the sweep's folder).

        \(Fmt.table(["Run", "Intensity", "Per plant", "N (records)", "Changes", "r (changes/s)", "Window", "Every DB equal", "Details"], rows))
        """
    }

    private func bytesTable(_ axis: [Run], first: String, _ value: (Run) -> String) -> String {
        Fmt.table([first] + variants.map(\.rawValue), axis.map { run in
            [value(run)] + variants.map { Fmt.bytes(run.bytesPerHour($0)) + "/h" }
        })
    }

    private func crossingLines(_ axis: [Run], x: KeyPath<Run, Double>, unit: String) -> String {
        crossings(axis, x: x).map { c in
            let measured = c.measured.map { "\(Fmt.number($0.x)) \(unit)" } ?? "no crossing between the runs"
            let model = c.model.map { "\(Fmt.number($0.x)) \(unit)" } ?? "none"
            return "- \(c.stream.rawValue) = \(c.batch.rawValue): measured \(measured); model (base run's inputs) \(model)"
        }.joined(separator: "\n")
    }

    private var bytesSection: String {
        """
        ## Bytes per hour against the change rate (measured)

        ![bytes per hour against the change rate](\(Self.rateChart))

        \(bytesTable(rateAxis, first: "r (changes/s)") { Fmt.number($0.rate) })

        Crossovers on bytes (the measured one interpolated between neighbouring runs on log-log axes):
        \(crossingLines(rateAxis, x: \.rate, unit: "changes/s"))
        """
    }

    /// Measured growth against the lowest-rate run: what 10× and 100× the data flow did.
    private var growthSection: String {
        guard let first = rateAxis.first, rateAxis.count > 1 else { return "" }
        let rows = rateAxis.dropFirst().map { run in
            ["\(Fmt.factor(run.intensity / first.intensity))× intensity (\(Fmt.number(run.rate / max(first.rate, 1e-9)))× the changes/s)"]
                + variants.map { Fmt.number(run.bytesPerHour($0) / max(first.bytesPerHour($0), 1)) + "×" }
        }
        return """
        ### When the data flow grows (measured)

        Bytes per hour relative to the \(Fmt.factor(first.intensity))× run:

        \(Fmt.table(["Run"] + variants.map(\.rawValue), rows))

        Full batch stays flat (it copies N · s every period whatever changes; its N grows only by the runs' creates); \
        incremental and the streams grow with the changes.
        """
    }

    private var sizeSection: String {
        guard sizeAxis.count > 1 else { return "## Against the DB size\n\nThe sweep has a single DB size." }
        return """
        ## Bytes per hour against the DB size (measured)

        ![bytes per hour against the DB size](\(Self.sizeChart))

        \(bytesTable(sizeAxis, first: "N (records)") { Fmt.number($0.records) })

        Crossovers on bytes:
        \(crossingLines(sizeAxis, x: \.records, unit: "records"))

        Stream bytes do not depend on N; full batch grows linearly with it; incremental depends on N only once every \
        record changes within a period.
        """
    }

    private var stalenessSection: String {
        let rows = rateAxis.map { run in
            [Fmt.number(run.rate)] + variants.map { run.p99($0).map { "≤ " + Fmt.seconds($0) } ?? "—" }
        }
        return """
        ## Staleness p99 against the change rate (measured)

        ![staleness p99 against the change rate](\(Self.stalenessChart))

        \(Fmt.table(["r (changes/s)"] + variants.map(\.rawValue), rows))

        On staleness there is no crossover: the streams apply each change in milliseconds at every rate measured, while \
        batch waits for its period (here compressed to \(Fmt.seconds(base.results.parameters.batchPeriodSeconds)); \
        \(Fmt.seconds(base.results.parameters.batchIntervalSeconds)) in LIMS timing).
        """
    }

    private var modelSection: String {
        let rows = runs.map { run in
            [run.label] + variants.map { variant in
                let comparison = ModelComparison(variant, model: run.model, results: run.results)
                return Fmt.number(comparison.ratio) + (comparison.flagged ? " (flagged)" : "")
            }
        }
        return """
        ## The model against each run (measured ÷ predicted bytes)

        \(Fmt.table(["Run"] + variants.map(\.rawValue), rows))

        Each run's predictions use that run's own inputs (nothing fitted); its report.md gives the reason for every ratio \
        flagged outside ±15%.
        """
    }

    private var costSection: String {
        let rows = rateAxis.map { run in
            [Fmt.number(run.rate)] + variants.map { variant in
                run.results.variant(variant).map { v in
                    "\(Fmt.number(v.cost.averageVcpu)) vCPU, \(Fmt.bytes(Double(v.cost.peakRssBytes)))"
                } ?? "—"
            }
        }
        return """
        ## Cost of each sync process against the change rate (measured)

        Average vCPU over the window and peak RSS of each variant's own process (the brokers and image-api are shared and \
        listed in each run's report):

        \(Fmt.table(["r (changes/s)"] + variants.map(\.rawValue), rows))
        """
    }
}
