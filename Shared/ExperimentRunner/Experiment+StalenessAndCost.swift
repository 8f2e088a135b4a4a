import ExperimentModel
import Primitives

extension Experiment {
    static let methods = [
        "staleness": "Each applier's own histogram (consumer_sync_staleness_seconds, db_synchronization_job_staleness_seconds) "
            + "scraped at the workload's start and at the window's end; the difference. Quantiles and max are the upper bounds "
            + "of the buckets they fall in. Batch windows end before the runner's early catch-up run, stream windows after "
            + "the catch-up.",
        "cost": "utime+stime from /proc/<pid>/stat over the bytes' window (workload start to catch-up end) and VmHWM from "
            + "/proc/<pid>/status (the process's lifetime peak). vCPU per 1,000 changes/s = cpuSeconds / windowSeconds × "
            + "1000 / (changes / windowSeconds): linear, so at a low change rate it is dominated by fixed costs (the "
            + "consumer's idle fetching, the full batch's every-run copy). idleAverageVcpu is measured over an idle window "
            + "after the catch-up (one batch period, at most 30 s; scheduled batch runs go on); the 'above idle' figure subtracts it over the window. "
            + "The database servers' CPU is not included.",
    ]

    /// A variant's staleness per change from its applier's histogram. Stream: from the workload's
    /// start to the end of the catch-up. Batch: from the workload's start to just before the
    /// runner triggers the last run (`batchEnd`): that run starts early, so its records are less
    /// stale than a scheduled run's would be; their count is reported as excluded.
    func staleness(of variant: Variant, before: Snapshot, batchEnd: Snapshot, after: Snapshot) -> ExperimentResults.Staleness {
        let service = variant.applier, metric = variant.stalenessMetric
        func histogram(_ snapshot: Snapshot) -> PrometheusHistogram {
            PrometheusHistogram(snapshot.metrics[service] ?? PrometheusText(""), metric)
        }
        guard !variant.isStream else {
            return .init(histogram(after).since(histogram(before)),
                         source: "\(service) \(metric): per applied event, apply time − the change's commit time in the producer DB",
                         window: "workload start to the end of the catch-up")
        }
        let end = histogram(batchEnd)
        return .init(end.since(histogram(before)),
                     source: "\(service) \(metric): per record a run changed, end of its page's write − the record's last change",
                     window: "workload start to just before the runner triggers the last run (scheduled runs only)",
                     excludedCatchUpCount: Int(histogram(after).since(end).count))
    }

    /// A variant's own sync process over the measured window (the same window as the bytes).
    func cost(of variant: Variant, before: Snapshot, after: Snapshot, idleEnd: Snapshot,
              changes: Int) throws -> ExperimentResults.ProcessCost {
        let role = variant.isStream ? "applies the \(variant.role) events from its broker to consumer DB \(variant.role)"
            : "copies the producer DB into consumer DB \(variant.role) (\(variant.role) mode) every run"
        return try processCost(variant.applier, role: role, before, after, idleEnd, changes: changes)
    }

    /// image-api and the brokers of the run's own: shared by the stream variants, or the
    /// workload's way in. An external cluster's processes are not ours to measure.
    func sharedCost(before: Snapshot, after: Snapshot, idleEnd: Snapshot, changes: Int) throws -> [ExperimentResults.ProcessCost] {
        var processes = [("image-api", "the shared producer: the workload's API writes, the outbox relay to broker A and the legacy mirror "
                          + "(read-backs, relay) to broker B")]
        if case .tansu = context.brokers {
            processes += [("tansu-a", "broker A of stream-envelope"), ("tansu-b", "broker B of stream-legacy")]
        }
        return try processes.map { try processCost($0.0, role: $0.1, before, after, idleEnd, changes: changes) }
    }

    /// A process's figures over the window (`before` to `after`) and its idle rate (`after` to `idleEnd`).
    private func processCost(_ name: String, role: String, _ before: Snapshot, _ after: Snapshot, _ idleEnd: Snapshot,
                             changes: Int) throws -> ExperimentResults.ProcessCost {
        guard let start = before.usage[name], let end = after.usage[name], let idle = idleEnd.usage[name] else {
            throw ExperimentError(.process, "no CPU and memory figures for \(name)")
        }
        func seconds(_ from: Snapshot, _ to: Snapshot) -> Double { from.instant.duration(to: to.instant) / .seconds(1) }
        return .init(process: name, role: role, start: start, end: end, windowSeconds: seconds(before, after), changes: changes,
                     idleAverageVcpu: seconds(after, idleEnd) > 0 ? (idle.cpuSeconds - end.cpuSeconds) / seconds(after, idleEnd) : 0)
    }
}
