import ExperimentModel
import Foundation
import Primitives

extension Experiment {
    /// Turns the snapshots at the start of the workload, before the last batch runs, at the end
    /// of the catch-up and at the end of the idle window after it into `results.json`'s figures.
    func results(before: Snapshot, batchEnd: Snapshot, after: Snapshot, idleEnd: Snapshot, independent: [Variant: ExperimentResults.IndependentCount],
                 kernel: [String: ExperimentResults.KernelCount], timeline: [ExperimentResults.TimelineSample], started: Date) async throws -> ExperimentResults {
        func delta(_ service: String, _ name: String, _ labels: [String: String] = [:]) -> Double {
            (after.metrics[service]?.sum(name, labels) ?? 0) - (before.metrics[service]?.sum(name, labels) ?? 0)
        }
        let changes = ExperimentResults.Changes(
            count: Int(delta("image-api", "image_api_image", ["format": "envelope"])),
            byOp: Dictionary(uniqueKeysWithValues: ["create", "update", "delete"].map {
                ($0, Int(delta("image-api", "image_api_image", ["format": "envelope", "op": $0])))
            }),
            jobsOperationsSucceeded: Int(delta("jobs", "jobs_operations_total", ["outcome": "success"])),
            jobsOperationsFailed: Int(delta("jobs", "jobs_operations_total") - delta("jobs", "jobs_operations_total", ["outcome": "success"])))

        let variants = try Variant.allCases.map { variant in
            let hops = [variant.sourceRelay, variant.consumerRelay].map { hop($0, before, after, kernel[$0]) }
            let bytes = hops.reduce(0) { $0 + $1.bytes }
            let payload: [ExperimentResults.Payload]
            let applier = variant.applier
            switch variant {
            case .streamEnvelope, .streamLegacy:
                let format = variant == .streamEnvelope ? "envelope" : "legacy"
                payload = [
                    .init(metric: "image-api image_api_image_size{format=\"\(format)\"}",
                          bytes: delta("image-api", "image_api_image_size", ["format": format])),
                    .init(metric: "\(applier) consumer_bytes_consumed_total", bytes: delta(applier, "consumer_bytes_consumed_total")),
                ]
            case .batchFull, .batchIncremental:
                payload = ["db_synchronization_job_image_size", "db_synchronization_job_bytes_read_total",
                           "db_synchronization_job_bytes_written_total"].map {
                    .init(metric: "\(applier) \($0)", bytes: delta(applier, $0))
                }
            }
            return ExperimentResults.VariantResult(
                name: variant.rawValue, summary: variant.summary, hops: hops, bytes: bytes,
                bytesPerChange: changes.count > 0 ? Double(bytes) / Double(changes.count) : 0,
                payload: payload, independentCount: independent[variant], consumerDbEqual: true,
                staleness: staleness(of: variant, before: before, batchEnd: batchEnd, after: after),
                cost: try cost(of: variant, before: before, after: after, idleEnd: idleEnd, changes: changes.count),
                batch: variant.isStream ? nil : batchFigures(applier, before, after),
                idleBytesPerSecond: idleRate(hops.map(\.relay), after, idleEnd))
        }
        return ExperimentResults(
            parameters: .init(store: plan.store.kind.rawValue, perPlant: plan.perPlant, durationSeconds: plan.duration,
                              speed: plan.speed, intensity: plan.intensity, seed: plan.seed, batchIntervalSeconds: plan.interval,
                              batchPeriodSeconds: plan.batchPeriod, watermarkMarginSeconds: plan.watermarkMargin,
                              fetchWaitMs: plan.fetchWaitMilliseconds, kafka: context.brokers.description, quick: plan.quick, createdBefore: plan.createdBefore,
                              runId: plan.runID),
            versions: await RunEnvironment.versions(near: context.binaries),
            machine: RunEnvironment.machine(),
            startedAt: Self.iso8601(started), workloadStartedAt: Self.iso8601(before.date), finishedAt: Self.iso8601(Date()),
            windowSeconds: before.instant.duration(to: after.instant) / .seconds(1),
            changes: changes, variants: variants,
            producerApiAndOutbox: hop(Topology.producerAPIRelay, before, after, kernel[Topology.producerAPIRelay]),
            sharedCost: try sharedCost(before: before, after: after, idleEnd: idleEnd, changes: changes.count),
            consumerDbsEqual: true, timeline: timeline, methods: Self.methods)
    }

    private func batchFigures(_ applier: String, _ before: Snapshot, _ after: Snapshot) -> ExperimentResults.BatchFigures {
        func metrics(_ snapshot: Snapshot) -> PrometheusText { snapshot.metrics[applier] ?? PrometheusText("") }
        func delta(_ name: String) -> Double { metrics(after).sum(name, [:]) - metrics(before).sum(name, [:]) }
        let duration = PrometheusHistogram(metrics(after), "db_synchronization_job_run_duration_seconds")
            .since(PrometheusHistogram(metrics(before), "db_synchronization_job_run_duration_seconds"))
        return .init(runs: delta("db_synchronization_job_runs_total"), recordsWritten: delta("db_synchronization_job_records_written_total"),
                     bytesWritten: delta("db_synchronization_job_bytes_written_total"),
                     storedBytesWritten: delta("db_synchronization_job_stored_bytes_written_total"),
                     meanRunSeconds: duration.count > 0 ? duration.sum / duration.count : nil)
    }

    private func idleRate(_ relays: [String], _ after: Snapshot, _ idleEnd: Snapshot) -> Double {
        let seconds = after.instant.duration(to: idleEnd.instant) / .seconds(1)
        let bytes = relays.reduce(0) { $0 + Self.moved($1, from: after.relays, to: idleEnd.relays) }
        return seconds > 0 ? Double(bytes) / seconds : 0
    }

    private func hop(_ relay: String, _ before: Snapshot, _ after: Snapshot,
                     _ kernel: ExperimentResults.KernelCount?) -> ExperimentResults.Hop {
        let start = before.relays[relay] ?? .init(), end = after.relays[relay] ?? .init()
        return ExperimentResults.Hop(
            relay: relay, between: Topology.between(relay),
            bytesUp: end.bytesUpstream - start.bytesUpstream, bytesDown: end.bytesDownstream - start.bytesDownstream,
            totalBytesUp: end.bytesUpstream, totalBytesDown: end.bytesDownstream,
            connectionsAccepted: end.connectionsAccepted, kernelCount: kernel)
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }
}
