import ArgumentParser
import ExperimentModel
import ExperimentRunner

/// `bandwidth-experiment`: batch against stream sync on one workload, bytes measured on the wire.
@main
struct BandwidthExperimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bandwidth-experiment",
        abstract: "Run the LIMS jobs against stream (envelope, legacy) and batch (full, incremental) sync side by side "
            + "and measure each path's bytes with counting relays.",
        discussion: """
        Starts two Tansu brokers, one image-api, two consumers, two db-synchronizers and the jobs on loopback, with \
        a counting TCP relay in front of every server a sync path talks to; creates, seeds and drops its own databases \
        on the given server. Writes results.json, report.md with its SVG charts and the services' logs to --output-dir \
        (--report-only redraws the report from a results.json); exit 1 when a consumer DB \
        differs from the producer DB at the end (docs/experiment/README.md).
        """)

    @Option(help: "The store of every database: postgres or mongo.")
    var store: DatabaseServer.Kind = .postgres

    @Option(help: "Images per plant seeded into every database (default 300; --quick 30).")
    var perPlant: Int?

    @Option(help: "Seconds the jobs run (default 600; --quick 60).")
    var duration: Int?

    @Option(help: "Time compression of the jobs' and the batch job's intervals (default 60; --quick 120).")
    var speed: Double?

    @Option(help: "The jobs' load multiplier (1, 10, 100 × LIMS's rates).")
    var intensity: Double = 1

    @Option(help: "Seed of the records and of the jobs' random choices.")
    var seed: Int = 42

    @Option(help: "The batch interval in seconds before --speed (LIMS: 600).")
    var interval: Double = 600

    @Option(help: "db-synchronizer's --watermark-margin in seconds (default: its 60 ÷ --speed).")
    var watermarkMargin: Double?

    @Option(help: "The stream consumers' fetch wait (fetch.wait.max.ms), the stream's knob between bytes and staleness (default: the consumer's 10).")
    var fetchWaitMs: Int = SweepPlan.Point.consumerFetchWait

    @Option(parsing: .upToNextOption,
            help: "Sweep: one run per intensity (e.g. 1 10 100), at --per-plant; with --sweep-per-plant, one axis at a time.")
    var sweepIntensity: [Double] = []

    @Option(parsing: .upToNextOption, help: "Sweep: one run per DB size in images per plant (e.g. 100 300 1000), at --intensity.")
    var sweepPerPlant: [Int] = []

    @Option(parsing: .upToNextOption, help: "Sweep: one run per batch interval in seconds before --speed (e.g. 10 60 600).")
    var sweepInterval: [Double] = []

    @Option(parsing: .upToNextOption, help: "Sweep: one run per stream consumers' fetch wait in ms (e.g. 10 100 500 2000).")
    var sweepFetchWait: [Int] = []

    @Flag(help: "Sweep: pair --sweep-interval and --sweep-fetch-wait (as many of each), one run per pair at each --sweep-intensity: the bytes-against-staleness frontier.")
    var sweepKnobs = false

    @Flag(help: "A small, fast run for the test suite: 30 images per plant, 60 s of jobs at speed 120 (batch every 5 s).")
    var quick = false

    @Option(help: "Where results.json and logs/ go (default ./bandwidth-experiment-<run id>).")
    var outputDir: String?

    @Option(help: "Only write report.md and its charts from this results.json, or sweep.md and its charts from this sweep folder, into --output-dir (default: its folder); run nothing.")
    var reportOnly: String?

    @Option(help: "Folder of image-api, consumer, db-synchronizer, jobs and seeder (default: this executable's folder).")
    var binDir: String?

    @Option(help: "Tansu executable. Env LEAFSYNC_TANSU; default from the .venv next to the repository.")
    var tansuPath: String?

    @Option(help: "Use this running Kafka cluster (one broker's host:port) instead of starting Tansu brokers; the relays rewrite the brokers' addresses so every hop is still counted, and the run's topics are deleted at its end.")
    var kafkaBrokers: String?

    @Option(help: "PostgreSQL server URL (any database in it is ignored). Env LEAFSYNC_POSTGRES_URL.")
    var postgresURL: String?

    @Option(help: "MongoDB server URL (any database in it is ignored). Env LEAFSYNC_MONGO_URL.")
    var mongoURL: String?

    /// The flags as the runner takes them.
    var settings: ExperimentSettings {
        ExperimentSettings(store: store, perPlant: perPlant, duration: duration, speed: speed, intensity: intensity, seed: seed,
                           interval: interval, watermarkMargin: watermarkMargin, fetchWaitMs: fetchWaitMs,
                           sweep: .init(intensities: sweepIntensity, perPlants: sweepPerPlant, intervals: sweepInterval,
                                        fetchWaits: sweepFetchWait, pairKnobs: sweepKnobs),
                           quick: quick, outputDir: outputDir, reportOnly: reportOnly, binDir: binDir, tansuPath: tansuPath,
                           kafkaBrokers: kafkaBrokers, postgresURL: postgresURL, mongoURL: mongoURL)
    }

    func validate() throws {
        do {
            try settings.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        do {
            try await settings.run()
        } catch let exit as ExperimentExit {
            throw ExitCode(exit.status)
        }
    }
}

extension DatabaseServer.Kind: ExpressibleByArgument {}
