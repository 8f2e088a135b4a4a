extension ReportDocument {
    var interpretation: String {
        let i = model.inputs, rate = i.changeRate
        let envelope = results.variant(.streamEnvelope)
        let growth = Variant.allCases.map { v in
            [v.rawValue] + [1.0, 10, 100].map { Fmt.bytes(model.bytesPerHour(v, rate: rate * $0)) + "/h" }
        }
        let match = envelope?.staleness.p99UpperBoundSeconds.flatMap(model.periodMatching(staleness:))
        let staleness = match.map { period in
            "batch's mean ((T + run)/2 + run) reaches the envelope's p99 only at T ≈ \(Fmt.seconds(period)), where full batch "
                + "would move \(Fmt.bytes(model.fullBatchBytesPerHour(period: period)))/h"
        } ?? "no batch period reaches the envelope's p99: one run alone (\(Fmt.seconds(i.runSeconds ?? 0))) takes longer"
        let perHour = model.bytesPerHour(.streamEnvelope, rate: rate)
        let fixedShare = perHour > 0 ? 3600 * i.envelopeIdleRate / perHour : 0
        let years = results.variants.map { v -> [String] in
            let broker = v.name == Variant.streamEnvelope.rawValue ? "tansu-a" : v.name == Variant.streamLegacy.rawValue ? "tansu-b" : nil
            let shared = results.sharedCost.first { $0.process == broker }
            let perHour = i.window > 0 ? Double(v.bytes) / i.window * 3600 : 0
            let year = prices.year(vcpu: v.cost.averageVcpu + (shared?.averageVcpu ?? 0),
                                   memoryBytes: Double(v.cost.peakRssBytes + (shared?.peakRssBytes ?? 0)), bytesPerHour: perHour)
            let hundred = prices.year(vcpu: 0, memoryBytes: 0,
                                      bytesPerHour: Variant(rawValue: v.name).map { model.bytesPerHour($0, rate: rate * 100) } ?? 0)
            return [v.name, Fmt.dollars(year.cpu), Fmt.dollars(year.memory), Fmt.dollars(year.transfer), Fmt.dollars(year.total),
                    Fmt.dollars(hundred.transfer)]
        }
        return """
        ## Interpretation

        **Is the stream path scalable, and how?** Its bytes do not depend on the DB size N: a fixed \
        f = \(Fmt.bytes(i.envelopeIdleRate))/s (measured idle: the consumer's fetch polling, a fetch every \
        \(results.parameters.fetchWaitMs ?? 10) ms because Tansu holds a fetch for its whole wait; a broker that answers a \
        waiting fetch when data arrives, as Kafka does, allows a far longer wait) plus 3 · e = \(Fmt.bytes(model.perChange(.streamEnvelope))) per change for the envelope (to the broker, \
        from it, into the DB). Here that is \
        \(Fmt.bytes(envelope?.bytesPerChange ?? 0)) per change measured, \(Int((fixedShare * 100).rounded()))% of \
        it the fixed part at \(Fmt.number(rate)) changes/s. Its consumer needs \
        \(Fmt.number(envelope?.cost.vcpuPerThousandChangesPerSecondAboveIdle ?? 0)) vCPU per 1,000 changes/s above idle \
        (measured, extrapolated linearly); it scales out by partitions and consumers per topic, each hop carrying r · e.

        **10× and 100× the data flow** (model, this run's N, s, e and T; extrapolated, not measured):

        \(Fmt.table(["Variant", "this run (\(Fmt.number(rate)) changes/s)", "10×", "100×"], growth))

        Full batch does not grow with the rate (it copies N · s every cycle whatever changes); incremental and stream grow \
        linearly until incremental saturates at N records per run.

        **How close can batch get to stream?** On bytes, incremental comes closest: 2 · s per change against the \
        envelope's f plus 3 · e per change (\(Fmt.number(2 * i.recordSize / max(model.perChange(.streamEnvelope), 1)))× the \
        per-change part), so by the model: \(model.cheaper(model.crossover(.streamEnvelope, .batchIncremental))). \
        On staleness, \(staleness).

        **A year on a cloud cluster** at this run's measured rates (compressed by speed \
        \(Fmt.number(results.parameters.speed))), own sync process plus, for stream, its broker:

        \(Fmt.table(["Variant", "vCPU", "memory", "transfer", "total", "transfer at 100× (model)"], years))

        \(prices.statement)
        """
    }

    var provenance: String {
        """
        ## Measured and extrapolated

        Measured: wire bytes (counting relays, cross-checked with the kernel and librdkafka), payload bytes (the services' \
        metrics), staleness (the appliers' histograms), CPU and peak RSS (/proc). Extrapolated: the model's predictions, the \
        crossovers, 10× and 100×, the yearly costs (assumed prices). The sweep over intensity and DB size \
        (`--sweep-intensity`, `--sweep-per-plant`) measures 10× and 100× instead of extrapolating them: see its sweep.md.
        """
    }
}
