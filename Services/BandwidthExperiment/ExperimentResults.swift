/// `results.json`: every figure of a run with its parameters, versions and machine: bytes and
/// correctness (part 1), staleness and cost per variant (part 2a).
struct ExperimentResults: Codable, Sendable {
    struct Parameters: Codable, Sendable {
        var store: String
        var perPlant: Int
        var durationSeconds: Int
        var speed: Double
        var intensity: Double
        var seed: Int
        var batchIntervalSeconds: Double
        var batchPeriodSeconds: Double
        /// Not compressed by `speed`: an incremental run re-reads the changes of this many real seconds.
        var watermarkMarginSeconds: Double
        /// The stream consumers' fetch wait; absent in results of runs before it was a setting (10 ms then).
        var fetchWaitMs: Int?
        /// The brokers: `tansu` (two of the run's own) or `external host:port`; absent before it was a setting (tansu).
        var kafka: String?
        var quick: Bool
        var createdBefore: String
        var runId: String
    }

    struct Versions: Codable, Sendable {
        var gitCommit: String?
        var librdkafka: String
        var swift: String?
    }

    struct Machine: Codable, Sendable {
        var cores: Int
        var cpuModel: String?
        var memoryBytes: UInt64
    }

    /// The changes the workload made: image-api's change events (one per committed change).
    struct Changes: Codable, Sendable {
        var count: Int
        var byOp: [String: Int]
        var jobsOperationsSucceeded: Int
        var jobsOperationsFailed: Int
    }

    /// One relay's bytes: in the measured window (workload start to catch-up end) and since it started.
    struct Hop: Codable, Sendable {
        var relay: String
        var between: String
        var bytesUp: UInt64
        var bytesDown: UInt64
        var totalBytesUp: UInt64
        var totalBytesDown: UInt64
        var connectionsAccepted: UInt64
        /// The kernel's independent count, since the start, taken after the catch-up.
        var kernelCount: KernelCount?
        var bytes: UInt64 { bytesUp + bytesDown }
    }

    /// An application payload figure from a service's metrics over the window.
    struct Payload: Codable, Sendable {
        var metric: String
        var bytes: Double
    }

    /// The relay of a broker hop against librdkafka's own count of its clients' traffic
    /// (`tx_bytes`/`rx_bytes`), both since the start, at the instant of a statistics report.
    struct IndependentCount: Codable, Sendable {
        var relay: String
        var source: String
        var independentBytesUp: Int64
        var independentBytesDown: Int64
        var relayBytesUp: UInt64
        var relayBytesDown: UInt64
        /// The two clients apart (librdkafka's figures): what the producer and the consumer each moved.
        var producerBytesUp: Int64
        var producerBytesDown: Int64
        var consumerBytesUp: Int64
        var consumerBytesDown: Int64
        /// |relay − independent| / independent, over both directions.
        var deviation: Double
        /// Relay bytes between the scrapes that bracket the report: the sampling uncertainty.
        var bracketBytes: UInt64
    }

    /// A relay against the kernel's byte counters of the sockets it accepted (`ss -tin`), at one instant.
    struct KernelCount: Codable, Sendable {
        var bytesUp: UInt64
        var bytesDown: UInt64
        var sockets: Int
        /// Connections already closed, whose bytes the kernel no longer reports: the count is
        /// complete only when this is 0.
        var connectionsClosed: Int
        var relayBytesUp: UInt64
        var relayBytesDown: UInt64
        /// |relay − kernel| / kernel, over both directions.
        var deviation: Double
        /// Relay bytes moved while `ss` ran.
        var bracketBytes: UInt64
    }

    struct VariantResult: Codable, Sendable {
        var name: String
        var summary: String
        var hops: [Hop]
        var bytes: UInt64
        var bytesPerChange: Double
        var payload: [Payload]
        var independentCount: IndependentCount?
        var consumerDbEqual: Bool
        var staleness: Staleness
        var cost: ProcessCost
        /// Batch only (nil for stream and in older results): the model's inputs N and s.
        var batch: BatchFigures?
        /// Its hops' bytes per second in the idle window after the catch-up: what it moves
        /// with nothing to sync (the stream's fetch polling). Nil in older results.
        var idleBytesPerSecond: Double?
    }

    /// A db-synchronizer's own counts over the window: runs, records and bytes written, run time.
    struct BatchFigures: Codable, Sendable {
        var runs: Double
        var recordsWritten: Double
        /// LIMS JSON with hex data (`db_synchronization_job_bytes_written_total`).
        var bytesWritten: Double
        /// The same records with the JPEG as bytes (`…_stored_bytes_written_total`); nil in
        /// results of runs before it was counted.
        var storedBytesWritten: Double?
        /// Mean of `db_synchronization_job_run_duration_seconds` over the window; nil without runs.
        var meanRunSeconds: Double?
    }

    /// Each variant's wire bytes (all its hops) since the workload started, at one moment.
    struct TimelineSample: Codable, Sendable {
        var seconds: Double
        /// image-api's change events so far.
        var changes: Int
        var bytes: [String: UInt64]
    }

    /// 2: `staleness` and `cost` filled (objects, no longer null), `shared_cost` added.
    /// 3: `timeline` added.
    var schemaVersion = 3
    var parameters: Parameters
    var versions: Versions
    var machine: Machine
    var startedAt: String
    var workloadStartedAt: String
    var finishedAt: String
    var windowSeconds: Double
    var changes: Changes
    var variants: [VariantResult]
    /// image-api ↔ producer DB (the API's writes, the outbox, legacy read-backs): shared by the
    /// stream variants and not attributed to either.
    var producerApiAndOutbox: Hop
    /// image-api (the producer of both stream variants and the workload's API) and the brokers.
    var sharedCost: [ProcessCost]
    var consumerDbsEqual: Bool
    /// Sampled from the workload's start to the catch-up's end; nil in older results.
    var timeline: [TimelineSample]?
    /// How staleness and cost were measured, in words (docs/experiment/README.md).
    var methods: [String: String]
}
