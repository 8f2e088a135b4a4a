import Foundation
import Logging

/// What every step of a run shares: where the binaries are, where logs go, who stops what.
struct RunContext: Sendable {
    let binaries: URL
    let brokers: BrokerSource
    let logDirectory: URL
    let supervisor: Supervisor
    let logger: Logger
    let progress: ProgressReporter
}

/// The parameters of one run, resolved from the flags (and `--quick`'s defaults).
struct ExperimentPlan: Sendable {
    let store: DatabaseServer
    let perPlant: Int
    /// Seconds the jobs run.
    let duration: Int
    /// Time compression of the jobs' and the batch job's intervals.
    let speed: Double
    let intensity: Double
    let seed: Int
    /// The batch interval before `speed`, seconds (LIMS: 600).
    let interval: Double
    /// db-synchronizer's watermark margin in seconds (real time: `speed` does not divide it).
    let watermarkMargin: Double
    /// The stream consumers' `fetch.wait.max.ms`: the stream's knob between bytes and staleness.
    let fetchWaitMilliseconds: Int
    let quick: Bool
    /// One creation time for every database's seed records, so they start equal.
    let createdBefore: String
    /// Names the run's databases, topics and groups apart from any other run's.
    let runID: String

    /// Seconds between batch runs, after compression.
    var batchPeriod: Double { interval / speed }

    /// Seconds between timeline samples: about 240 over the workload, 1 to 15 s apart.
    var sampleInterval: Double { min(max(Double(duration) / 240, 1), 15) }

    /// The idle window after the catch-up: one batch period (so it holds a scheduled run), at most 30 s.
    var idleSeconds: Double { min(batchPeriod, 30) }

    /// The database of each role: the producer and one consumer DB per variant.
    func database(_ role: String) -> String { "bwexp_\(runID)_\(role)" }
}
