import ArgumentParser
import BatchSync
import ServiceKit

/// The options of `db-synchronizer` beyond the server's. Each may also come from
/// `LEAFSYNC_<NAME>` or the `ENV`-selected config file.
struct SyncOptions: ParsableArguments {
    @Option(help: "The producer database, read only: postgres://user:pass@host:port/db or mongodb://host:port/db. Env LEAFSYNC_PRODUCER_URL.")
    var producerURL: String?

    @Option(help: "The consumer database, same forms; it also keeps the watermark. Env LEAFSYNC_CONSUMER_URL.")
    var consumerURL: String?

    @Option(help: "full (every record, every run) or incremental (records changed since the last successful run began, in the producer DB's own order of changes). Env LEAFSYNC_MODE. Default incremental.")
    var mode: String?

    @Option(help: "Seconds from the end of one run to the start of the next, before --speed. Env LEAFSYNC_INTERVAL. Default 600 (LIMS).")
    var interval: Double?

    @Option(help: "Time compression: the interval is divided by it, as in jobs. Env LEAFSYNC_SPEED. Default 1.")
    var speed: Double?

    @Option(help: "Records per read and per bulk write, 1–1000: the memory bound. Env LEAFSYNC_PAGE_SIZE. Default 200.")
    var pageSize: Int?

    @Option(help: "Seconds subtracted from a MongoDB producer's watermark (its server clock), for writes in flight and clock steps; a PostgreSQL watermark is a snapshot and needs none. Env LEAFSYNC_WATERMARK_MARGIN. Default 60.")
    var watermarkMargin: Double?

    @Option(help: "The job's name: the key of its watermark in the consumer DB and its name in /job/status. Env LEAFSYNC_JOB_NAME. Default db-synchronizer.")
    var jobName: String?

    @Option(help: "Seconds to keep retrying an unreachable database at startup before exiting. Env LEAFSYNC_STORE_DEADLINE. Default 60.")
    var storeDeadline: Double?

    @Option(help: "Connections (PostgreSQL) or pooled clients (MongoDB) per database. Env LEAFSYNC_STORE_POOL_SIZE. Default 2.")
    var storePoolSize: Int?

    @Flag(help: "Run one sync and exit (0 when it succeeded, 1 when it failed), without the HTTP server.")
    var once = false

    func resolve(_ source: ConfigurationSource) throws -> SyncSettings {
        guard let producerURL = source.optionalString("producer_url", flag: producerURL),
              let consumerURL = source.optionalString("consumer_url", flag: consumerURL) else {
            throw ValidationError("two databases needed: set --producer-url and --consumer-url (or LEAFSYNC_PRODUCER_URL, LEAFSYNC_CONSUMER_URL)")
        }
        let modeText = source.string("mode", flag: mode, default: BatchSyncMode.incremental.rawValue)
        guard let mode = BatchSyncMode(rawValue: modeText) else { throw ValidationError("mode must be full or incremental, not \"\(modeText)\"") }
        let interval = try source.seconds("interval", flag: interval, default: 600)
        let speedText = source.string("speed", flag: speed.map { String($0) }, default: "1")
        guard let speed = Double(speedText), speed > 0, speed.isFinite else { throw ValidationError("speed must be a positive number, not \"\(speedText)\"") }
        guard interval / speed > .zero else { throw ValidationError("interval divided by speed must be positive") }
        let pageSize = try source.int("page_size", flag: pageSize, default: 200)
        guard (1...1000).contains(pageSize) else { throw ValidationError("page size must be 1–1000, not \(pageSize)") }
        let poolSize = try source.int("store_pool_size", flag: storePoolSize, default: 2)
        guard poolSize >= 1 else { throw ValidationError("store pool size must be at least 1, not \(poolSize)") }
        let jobName = source.string("job_name", flag: jobName, default: "db-synchronizer")
        guard !jobName.isEmpty else { throw ValidationError("job name must not be empty") }
        return SyncSettings(
            producerURL: producerURL, consumerURL: consumerURL,
            batch: BatchSyncSettings(mode: mode, pageSize: pageSize,
                                     watermarkMargin: try source.seconds("watermark_margin", flag: watermarkMargin, default: 60),
                                     jobName: jobName),
            interval: interval / speed, storeDeadline: try source.seconds("store_deadline", flag: storeDeadline, default: 60),
            poolSize: poolSize)
    }
}

/// The resolved settings of `db-synchronizer`.
struct SyncSettings: Sendable {
    var producerURL: String
    var consumerURL: String
    var batch: BatchSyncSettings
    /// Real time between runs: the configured interval divided by the speed.
    var interval: Duration
    var storeDeadline: Duration
    var poolSize: Int
}
