import ExperimentModel
import Foundation
import ImageStores
import Primitives
import StoreVerification
import TCPRelay

/// One run of the bandwidth experiment: seeds the databases, starts the topology, runs the
/// LIMS jobs for the planned duration, lets every variant catch up, checks every consumer DB
/// against the producer and measures what each sync path moved on the wire.
struct Experiment: Sendable {
    let plan: ExperimentPlan
    let context: RunContext

    /// Every relay's counters, every service's metrics and every process's CPU time and peak
    /// RSS (by process name) at one moment.
    struct Snapshot: Sendable {
        let relays: [String: TCPRelayStatistics]
        let metrics: [String: PrometheusText]
        let usage: [String: ProcessUsage]
        let instant: ContinuousClock.Instant
        let date: Date
    }

    func run() async throws -> ExperimentResults {
        let started = Date()
        context.progress.phase("creating and seeding \(Self.databaseRoles.count) databases")
        try await prepareDatabases()
        context.progress.phase("starting brokers, relays and services")
        let topology = try await startTopology()

        let before = try await snapshot(topology)
        let timeline = recordTimeline(topology, from: before)
        try await topology.jobs.job("start")
        context.progress.startWorkload()
        try await watch(topology, for: .seconds(plan.duration))
        try await topology.jobs.job("stop")
        context.progress.phase("catching up: streams drain, one last batch run each, then verify")
        let batchEnd = try await catchUp(topology)
        let (after, samples) = try await Self.closeTimeline(timeline, final: { try await snapshot(topology) },
                                                            sample: { Self.sample($0, since: before) })
        // Nothing changes any more: what each process uses anyway, its fixed cost. After the
        // catch-up rather than before the workload, when the brokers are still settling.
        context.progress.phase("measuring the idle cost for \(Int(plan.idleSeconds)) s")
        try await watch(topology, for: .seconds(plan.idleSeconds))
        let idleEnd = try await snapshot(topology)

        context.progress.phase("comparing the relays with librdkafka's statistics and the kernel's socket counters")
        let independent = try await independentCounts(topology)
        let kernel = try await kernelCounts(topology)
        context.progress.finish()
        return try await results(before: before, batchEnd: batchEnd, after: after, idleEnd: idleEnd, independent: independent, kernel: kernel, timeline: samples, started: started)
    }

    /// Lets the topology run for `duration`, failing early when any process dies.
    private func watch(_ topology: Topology, for duration: Duration) async throws {
        let end = ContinuousClock.now + duration
        let processes = topology.processes
        while ContinuousClock.now < end {
            for process in processes { try process.checkRunning() }
            try await Task.sleep(for: min(.seconds(1), ContinuousClock.now.duration(to: end)))
        }
    }

    /// The bytes `relay` moved, both directions, from one reading of the relays' counters to a later one.
    static func moved(_ relay: String, from start: [String: TCPRelayStatistics], to end: [String: TCPRelayStatistics]) -> UInt64 {
        let from = start[relay] ?? .init(), to = end[relay] ?? .init()
        return (to.bytesUpstream - from.bytesUpstream) + (to.bytesDownstream - from.bytesDownstream)
    }

    func snapshot(_ topology: Topology) async throws -> Snapshot {
        var metrics: [String: PrometheusText] = [:]
        for service in topology.services { metrics[service.name] = try await service.metrics() }
        var usage: [String: ProcessUsage] = [:]
        for process in topology.processes {
            guard let figures = ProcessUsage.read(pid: process.processID) else {
                try process.checkRunning()
                throw ExperimentError(.process, "cannot read /proc/\(process.processID) of \(process.name)")
            }
            usage[process.name] = figures
        }
        return Snapshot(relays: topology.relays.mapValues(\.statistics), metrics: metrics, usage: usage, instant: .now, date: Date())
    }

    /// Compares a variant's consumer DB with the producer DB, both read straight from the server.
    func compare(_ variant: Variant) async throws -> VerificationReport {
        let logger = context.logger
        let producer = try ImageStore.make(url: plan.store.url(plan.database("producer")), poolSize: 1, logger: logger)
        let consumer = try ImageStore.make(url: plan.store.url(plan.database(variant.role)), poolSize: 1, logger: logger)
        let outcome: Result<VerificationReport, any Error>
        do {
            outcome = .success(try await StoreComparison(producer: producer, consumer: consumer, logger: logger).compare())
        } catch {
            outcome = .failure(ExperimentError(.database, "\(variant.rawValue): comparing its consumer DB failed: \(error)"))
        }
        await producer.close()
        await consumer.close()
        return try outcome.get()
    }

    /// `tomato: missing 1, extra 0, different 2; ...` for the plants that differ.
    static func describe(_ report: VerificationReport) -> String {
        report.plants.filter { !$0.isEqual }.map { plant in
            "\(plant.plant.rawValue): producer \(plant.producerCount), consumer \(plant.consumerCount), missing \(plant.missing), "
                + "extra \(plant.extra), different \(plant.different)"
        }.joined(separator: "; ")
    }
}
