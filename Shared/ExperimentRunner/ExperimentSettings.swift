import ExperimentModel

/// What one `bandwidth-experiment` invocation asks for: one run, a sweep, or only a report from
/// earlier results. Each field is the flag of the same name (`bandwidth-experiment --help`);
/// nil takes the default the help names.
public struct ExperimentSettings: Sendable {
    public var store: DatabaseServer.Kind
    public var perPlant: Int?
    public var duration: Int?
    public var speed: Double?
    public var intensity: Double
    public var seed: Int
    public var interval: Double
    public var watermarkMargin: Double?
    public var fetchWaitMs: Int
    /// The `--sweep-*` flags; every axis empty: no sweep.
    public var sweep: SweepPlan.Axes
    public var quick: Bool
    public var outputDir: String?
    public var reportOnly: String?
    public var binDir: String?
    public var tansuPath: String?
    public var kafkaBrokers: String?
    public var postgresURL: String?
    public var mongoURL: String?

    public init(store: DatabaseServer.Kind, perPlant: Int?, duration: Int?, speed: Double?, intensity: Double, seed: Int, interval: Double,
                watermarkMargin: Double?, fetchWaitMs: Int, sweep: SweepPlan.Axes, quick: Bool, outputDir: String?, reportOnly: String?,
                binDir: String?, tansuPath: String?, kafkaBrokers: String?, postgresURL: String?, mongoURL: String?) {
        (self.store, self.perPlant, self.duration, self.speed, self.intensity, self.seed) = (store, perPlant, duration, speed, intensity, seed)
        (self.interval, self.watermarkMargin, self.fetchWaitMs, self.sweep, self.quick) = (interval, watermarkMargin, fetchWaitMs, sweep, quick)
        (self.outputDir, self.reportOnly, self.binDir, self.tansuPath) = (outputDir, reportOnly, binDir, tansuPath)
        (self.kafkaBrokers, self.postgresURL, self.mongoURL) = (kafkaBrokers, postgresURL, mongoURL)
    }

    /// Refuses settings no run can use before anything starts, naming the flags.
    public func validate() throws(ExperimentError) {
        let reals = [intensity, interval, speed ?? 1] + sweep.intensities + sweep.intervals
        guard reals.allSatisfy({ $0 > 0 && $0.isFinite }), (duration ?? 1) > 0, (perPlant ?? 1) > 0, sweep.perPlants.allSatisfy({ $0 > 0 }) else {
            throw ExperimentError(.configuration,
                                  "--intensity, --interval, --speed, --duration, --per-plant and the sweep values must be positive and finite")
        }
        if let kafkaBrokers { _ = try BrokerSource.external(kafkaBrokers) }
        // librdkafka's own bounds for fetch.wait.max.ms are 0...300000; 0 would spin.
        guard ([fetchWaitMs] + sweep.fetchWaits).allSatisfy({ (1...300_000).contains($0) }) else {
            throw ExperimentError(.configuration, "fetch waits must be 1 to 300000 ms")
        }
        guard !sweep.pairKnobs || (!sweep.intervals.isEmpty && sweep.intervals.count == sweep.fetchWaits.count && sweep.perPlants.isEmpty) else {
            throw ExperimentError(.configuration,
                                  "--sweep-knobs pairs --sweep-interval and --sweep-fetch-wait: give as many of each, and no --sweep-per-plant")
        }
    }

    /// Images per plant of a run the flags make.
    var basePerPlant: Int { perPlant ?? (quick ? 30 : 300) }
}
