import ArgumentParser
import BatchSync
import ServiceKit

/// `db-synchronizer`: LIMS's batch sync. Copies the producer DB into the consumer DB once at
/// startup and then every interval, as a job with start, pause and stop.
@main
struct DBSynchronizerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db-synchronizer",
        abstract: "The LeafSync batch sync: copies the producer DB into the consumer DB at startup and every interval.",
        discussion: ServerOptions.precedenceDiscussion + """
             Serves /ping, /ready, /metrics, the job control endpoints (/job/start, /job/pause, \
            /job/stop, /job/status, /job/logs) and the control page at /.
            """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var sync: SyncOptions

    func run() async throws {
        let settings = try server.resolve(defaultPort: 5053)
        let host = ServiceHost("db-synchronizer", settings: settings, histogramBuckets: [
            BatchSyncMetrics.runDurationLabel: BatchSyncMetrics.runDurationBuckets,
            BatchSyncMetrics.stalenessLabel: BatchSyncMetrics.stalenessBuckets,
        ])
        let app = DBSynchronizer(host: host, settings: try sync.resolve(settings.source))
        if sync.once {
            try await app.runOnce()
        } else {
            try await app.run()
        }
    }
}
