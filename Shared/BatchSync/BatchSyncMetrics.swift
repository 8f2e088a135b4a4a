import Foundation
import ImageModel
import Metrics

/// The batch sync's metrics, created once with fixed labels. LIMS's names are kept:
/// `db_synchronization_job_image` counts the records written to the consumer DB and
/// `db_synchronization_job_image_size` their bytes (LIMS JSON, `Image.transferSize`), by plant.
public final class BatchSyncMetrics: Sendable {
    public static let runDurationLabel = "db_synchronization_job_run_duration_seconds"
    /// Buckets for `runDurationLabel`: a run takes from milliseconds (nothing changed) to minutes.
    public static let runDurationBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
    ]

    public static let stalenessLabel = "db_synchronization_job_staleness_seconds"
    /// Buckets for `stalenessLabel`: a change waits for the next run, up to an interval (600 s)
    /// and the run's own length, and longer when runs fail.
    public static let stalenessBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(450),
        .seconds(600), .seconds(900), .seconds(1200), .seconds(1800), .seconds(3600), .seconds(7200),
    ]

    /// The values of the `outcome` label of `db_synchronization_job_runs_total`.
    public enum Outcome: String, Sendable, CaseIterable {
        case success
        /// A database failed or went away; the watermark stayed where it was.
        case failure
        /// Stopped between pages (the job was stopped, the process shut down).
        case interrupted
    }

    struct PerMode: Sendable {
        let recordsRead, recordsWritten, recordsApplied, bytesRead, bytesWritten, storedBytesWritten: Counter
        let duration: Metrics.Timer
        /// Per record a run changed: the end of its page's write minus the record's last change.
        let staleness: Metrics.Timer
        let runs: [Outcome: Counter]
    }

    private let transferred: [Plant: (records: Counter, bytes: Counter)]
    private let perMode: [BatchSyncMode: PerMode]
    private let lastSuccess: Gauge

    /// - Parameter factory: where the metrics go; a service gives `runDurationLabel` and
    ///   `stalenessLabel` their buckets.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        transferred = Dictionary(uniqueKeysWithValues: Plant.allCases.map { plant in
            let dimensions = [("plant", plant.rawValue)]
            return (plant, (Counter(label: "db_synchronization_job_image", dimensions: dimensions, factory: factory),
                            Counter(label: "db_synchronization_job_image_size", dimensions: dimensions, factory: factory)))
        })
        perMode = Dictionary(uniqueKeysWithValues: BatchSyncMode.allCases.map { mode in
            let dimensions = [("mode", mode.rawValue)]
            func counter(_ name: String) -> Counter {
                Counter(label: "db_synchronization_job_\(name)_total", dimensions: dimensions, factory: factory)
            }
            return (mode, PerMode(
                recordsRead: counter("records_read"), recordsWritten: counter("records_written"),
                recordsApplied: counter("records_applied"), bytesRead: counter("bytes_read"),
                bytesWritten: counter("bytes_written"), storedBytesWritten: counter("stored_bytes_written"),
                duration: Metrics.Timer(label: Self.runDurationLabel, dimensions: dimensions, factory: factory),
                staleness: Metrics.Timer(label: Self.stalenessLabel, dimensions: dimensions, factory: factory),
                runs: Dictionary(uniqueKeysWithValues: Outcome.allCases.map { outcome in
                    (outcome, Counter(label: "db_synchronization_job_runs_total",
                                      dimensions: dimensions + [("outcome", outcome.rawValue)], factory: factory))
                })))
        })
        lastSuccess = Gauge(label: "db_synchronization_job_last_success_timestamp_seconds", factory: factory)
    }

    func read(records: Int, bytes: Int, mode: BatchSyncMode) {
        perMode[mode]?.recordsRead.increment(by: records)
        perMode[mode]?.bytesRead.increment(by: bytes)
    }

    /// - Parameter storedBytes: the same records with `data` as bytes (`Image.storedSize`).
    func wrote(records: Int, bytes: Int, storedBytes: Int, applied: Int, plant: Plant, mode: BatchSyncMode) {
        transferred[plant]?.records.increment(by: records)
        transferred[plant]?.bytes.increment(by: bytes)
        perMode[mode]?.recordsWritten.increment(by: records)
        perMode[mode]?.bytesWritten.increment(by: bytes)
        perMode[mode]?.storedBytesWritten.increment(by: storedBytes)
        perMode[mode]?.recordsApplied.increment(by: applied)
    }

    /// Records, for each record a page changed, how long its last change waited for the copy.
    func changed(_ records: [Image], visibleAt microseconds: Int64, mode: BatchSyncMode) {
        for record in records {
            perMode[mode]?.staleness.recordMicroseconds(Timestamp.microseconds(from: record.lastChangedAt.microsecondsSinceEpoch, to: microseconds))
        }
    }

    func ended(_ outcome: Outcome, mode: BatchSyncMode, duration: Duration) {
        perMode[mode]?.runs[outcome]?.increment()
        perMode[mode]?.duration.record(duration: duration)
        if outcome == .success { lastSuccess.record(Date().timeIntervalSince1970) }
    }
}
