/// `results.json`: every figure of a run with its parameters, versions and machine: bytes and
/// correctness (part 1), staleness and cost per variant (part 2a).
public struct ExperimentResults: Codable, Sendable {
    public struct Parameters: Codable, Sendable {
        public var store: String
        public var perPlant: Int
        public var durationSeconds: Int
        public var speed: Double
        public var intensity: Double
        public var seed: Int
        public var batchIntervalSeconds: Double
        public var batchPeriodSeconds: Double
        /// Not compressed by `speed`: an incremental run re-reads the changes of this many real seconds.
        public var watermarkMarginSeconds: Double
        /// The stream consumers' fetch wait; absent in results of runs before it was a setting (10 ms then).
        public var fetchWaitMs: Int?
        /// The brokers: `tansu` (two of the run's own) or `external host:port`; absent before it was a setting (tansu).
        public var kafka: String?
        public var quick: Bool
        public var createdBefore: String
        public var runId: String

        public init(store: String, perPlant: Int, durationSeconds: Int, speed: Double, intensity: Double, seed: Int,
                    batchIntervalSeconds: Double, batchPeriodSeconds: Double, watermarkMarginSeconds: Double, fetchWaitMs: Int?,
                    kafka: String?, quick: Bool, createdBefore: String, runId: String) {
            (self.store, self.perPlant, self.durationSeconds, self.speed, self.intensity, self.seed)
                = (store, perPlant, durationSeconds, speed, intensity, seed)
            (self.batchIntervalSeconds, self.batchPeriodSeconds, self.watermarkMarginSeconds, self.fetchWaitMs)
                = (batchIntervalSeconds, batchPeriodSeconds, watermarkMarginSeconds, fetchWaitMs)
            (self.kafka, self.quick, self.createdBefore, self.runId) = (kafka, quick, createdBefore, runId)
        }
    }

    public struct Versions: Codable, Sendable {
        public var gitCommit: String?
        public var librdkafka: String
        public var swift: String?

        public init(gitCommit: String?, librdkafka: String, swift: String?) {
            (self.gitCommit, self.librdkafka, self.swift) = (gitCommit, librdkafka, swift)
        }
    }

    public struct Machine: Codable, Sendable {
        public var cores: Int
        public var cpuModel: String?
        public var memoryBytes: UInt64

        public init(cores: Int, cpuModel: String?, memoryBytes: UInt64) {
            (self.cores, self.cpuModel, self.memoryBytes) = (cores, cpuModel, memoryBytes)
        }
    }

    /// The changes the workload made: image-api's change events (one per committed change).
    public struct Changes: Codable, Sendable {
        public var count: Int
        public var byOp: [String: Int]
        public var jobsOperationsSucceeded: Int
        public var jobsOperationsFailed: Int

        public init(count: Int, byOp: [String: Int], jobsOperationsSucceeded: Int, jobsOperationsFailed: Int) {
            (self.count, self.byOp, self.jobsOperationsSucceeded, self.jobsOperationsFailed)
                = (count, byOp, jobsOperationsSucceeded, jobsOperationsFailed)
        }
    }

    /// One relay's bytes: in the measured window (workload start to catch-up end) and since it started.
    public struct Hop: Codable, Sendable {
        public var relay: String
        public var between: String
        public var bytesUp: UInt64
        public var bytesDown: UInt64
        public var totalBytesUp: UInt64
        public var totalBytesDown: UInt64
        public var connectionsAccepted: UInt64
        /// The kernel's independent count, since the start, taken after the catch-up.
        public var kernelCount: KernelCount?
        public var bytes: UInt64 { bytesUp + bytesDown }

        public init(relay: String, between: String, bytesUp: UInt64, bytesDown: UInt64, totalBytesUp: UInt64, totalBytesDown: UInt64,
                    connectionsAccepted: UInt64, kernelCount: KernelCount?) {
            (self.relay, self.between, self.bytesUp, self.bytesDown) = (relay, between, bytesUp, bytesDown)
            (self.totalBytesUp, self.totalBytesDown, self.connectionsAccepted, self.kernelCount)
                = (totalBytesUp, totalBytesDown, connectionsAccepted, kernelCount)
        }
    }

    /// An application payload figure from a service's metrics over the window.
    public struct Payload: Codable, Sendable {
        public var metric: String
        public var bytes: Double

        public init(metric: String, bytes: Double) {
            (self.metric, self.bytes) = (metric, bytes)
        }
    }

    /// The relay of a broker hop against librdkafka's own count of its clients' traffic
    /// (`tx_bytes`/`rx_bytes`), both since the start, at the instant of a statistics report.
    public struct IndependentCount: Codable, Sendable {
        public var relay: String
        public var source: String
        public var independentBytesUp: Int64
        public var independentBytesDown: Int64
        public var relayBytesUp: UInt64
        public var relayBytesDown: UInt64
        /// The two clients apart (librdkafka's figures): what the producer and the consumer each moved.
        public var producerBytesUp: Int64
        public var producerBytesDown: Int64
        public var consumerBytesUp: Int64
        public var consumerBytesDown: Int64
        /// |relay − independent| / independent, over both directions.
        public var deviation: Double
        /// Relay bytes between the scrapes that bracket the report: the sampling uncertainty.
        public var bracketBytes: UInt64

        public init(relay: String, source: String, independentBytesUp: Int64, independentBytesDown: Int64, relayBytesUp: UInt64,
                    relayBytesDown: UInt64, producerBytesUp: Int64, producerBytesDown: Int64, consumerBytesUp: Int64,
                    consumerBytesDown: Int64, deviation: Double, bracketBytes: UInt64) {
            (self.relay, self.source, self.independentBytesUp, self.independentBytesDown) = (relay, source, independentBytesUp, independentBytesDown)
            (self.relayBytesUp, self.relayBytesDown, self.producerBytesUp, self.producerBytesDown)
                = (relayBytesUp, relayBytesDown, producerBytesUp, producerBytesDown)
            (self.consumerBytesUp, self.consumerBytesDown, self.deviation, self.bracketBytes)
                = (consumerBytesUp, consumerBytesDown, deviation, bracketBytes)
        }
    }

    /// A relay against the kernel's byte counters of the sockets it accepted (`ss -tin`), at one instant.
    public struct KernelCount: Codable, Sendable {
        public var bytesUp: UInt64
        public var bytesDown: UInt64
        public var sockets: Int
        /// Connections already closed, whose bytes the kernel no longer reports: the count is
        /// complete only when this is 0.
        public var connectionsClosed: Int
        public var relayBytesUp: UInt64
        public var relayBytesDown: UInt64
        /// |relay − kernel| / kernel, over both directions.
        public var deviation: Double
        /// Relay bytes moved while `ss` ran.
        public var bracketBytes: UInt64

        public init(bytesUp: UInt64, bytesDown: UInt64, sockets: Int, connectionsClosed: Int, relayBytesUp: UInt64, relayBytesDown: UInt64,
                    deviation: Double, bracketBytes: UInt64) {
            (self.bytesUp, self.bytesDown, self.sockets, self.connectionsClosed) = (bytesUp, bytesDown, sockets, connectionsClosed)
            (self.relayBytesUp, self.relayBytesDown, self.deviation, self.bracketBytes) = (relayBytesUp, relayBytesDown, deviation, bracketBytes)
        }
    }

    public struct VariantResult: Codable, Sendable {
        public var name: String
        public var summary: String
        public var hops: [Hop]
        public var bytes: UInt64
        public var bytesPerChange: Double
        public var payload: [Payload]
        public var independentCount: IndependentCount?
        public var consumerDbEqual: Bool
        public var staleness: Staleness
        public var cost: ProcessCost
        /// Batch only (nil for stream and in older results): the model's inputs N and s.
        public var batch: BatchFigures?
        /// Its hops' bytes per second in the idle window after the catch-up: what it moves
        /// with nothing to sync (the stream's fetch polling). Nil in older results.
        public var idleBytesPerSecond: Double?

        public init(name: String, summary: String, hops: [Hop], bytes: UInt64, bytesPerChange: Double, payload: [Payload],
                    independentCount: IndependentCount?, consumerDbEqual: Bool, staleness: Staleness, cost: ProcessCost,
                    batch: BatchFigures?, idleBytesPerSecond: Double?) {
            (self.name, self.summary, self.hops, self.bytes, self.bytesPerChange, self.payload)
                = (name, summary, hops, bytes, bytesPerChange, payload)
            (self.independentCount, self.consumerDbEqual, self.staleness, self.cost) = (independentCount, consumerDbEqual, staleness, cost)
            (self.batch, self.idleBytesPerSecond) = (batch, idleBytesPerSecond)
        }
    }

    /// A db-synchronizer's own counts over the window: runs, records and bytes written, run time.
    public struct BatchFigures: Codable, Sendable {
        public var runs: Double
        public var recordsWritten: Double
        /// LIMS JSON with hex data (`db_synchronization_job_bytes_written_total`).
        public var bytesWritten: Double
        /// The same records with the JPEG as bytes (`…_stored_bytes_written_total`); nil in
        /// results of runs before it was counted.
        public var storedBytesWritten: Double?
        /// Mean of `db_synchronization_job_run_duration_seconds` over the window; nil without runs.
        public var meanRunSeconds: Double?

        public init(runs: Double, recordsWritten: Double, bytesWritten: Double, storedBytesWritten: Double?, meanRunSeconds: Double?) {
            (self.runs, self.recordsWritten, self.bytesWritten, self.storedBytesWritten, self.meanRunSeconds)
                = (runs, recordsWritten, bytesWritten, storedBytesWritten, meanRunSeconds)
        }
    }

    /// Each variant's wire bytes (all its hops) since the workload started, at one moment.
    public struct TimelineSample: Codable, Sendable {
        public var seconds: Double
        /// image-api's change events so far.
        public var changes: Int
        public var bytes: [String: UInt64]

        public init(seconds: Double, changes: Int, bytes: [String: UInt64]) {
            (self.seconds, self.changes, self.bytes) = (seconds, changes, bytes)
        }
    }

    /// 2: `staleness` and `cost` filled (objects, no longer null), `shared_cost` added.
    /// 3: `timeline` added.
    public var schemaVersion = 3
    public var parameters: Parameters
    public var versions: Versions
    public var machine: Machine
    public var startedAt: String
    public var workloadStartedAt: String
    public var finishedAt: String
    public var windowSeconds: Double
    public var changes: Changes
    public var variants: [VariantResult]
    /// image-api ↔ producer DB (the API's writes, the outbox, legacy read-backs): shared by the
    /// stream variants and not attributed to either.
    public var producerApiAndOutbox: Hop
    /// image-api (the producer of both stream variants and the workload's API) and the brokers.
    public var sharedCost: [ProcessCost]
    public var consumerDbsEqual: Bool
    /// Sampled from the workload's start to the catch-up's end; nil in older results.
    public var timeline: [TimelineSample]?
    /// How staleness and cost were measured, in words (docs/experiment/README.md).
    public var methods: [String: String]

    public init(parameters: Parameters, versions: Versions, machine: Machine, startedAt: String, workloadStartedAt: String,
                finishedAt: String, windowSeconds: Double, changes: Changes, variants: [VariantResult], producerApiAndOutbox: Hop,
                sharedCost: [ProcessCost], consumerDbsEqual: Bool, timeline: [TimelineSample]?, methods: [String: String]) {
        (self.parameters, self.versions, self.machine) = (parameters, versions, machine)
        (self.startedAt, self.workloadStartedAt, self.finishedAt, self.windowSeconds) = (startedAt, workloadStartedAt, finishedAt, windowSeconds)
        (self.changes, self.variants, self.producerApiAndOutbox, self.sharedCost) = (changes, variants, producerApiAndOutbox, sharedCost)
        (self.consumerDbsEqual, self.timeline, self.methods) = (consumerDbsEqual, timeline, methods)
    }
}
