import ImageModel
import Logging

/// The engine of `db-synchronizer`: copies the producer DB into the consumer DB, plant by
/// plant, so that afterwards the consumer holds every producer record as it was when the run
/// read it (creates, updates and soft deletes alike).
///
/// A run reads pages of `pageSize` records by ascending id and writes each page as one bulk of
/// guarded upserts (`ImageReplica.applyReplicaWrites`), so memory holds one page whatever the
/// size of the databases, a run that fails halfway leaves whole pages behind, and re-copying a
/// record changes nothing: the guard never replaces a record of the same or a newer version.
/// `incremental` reads only records changed since the producer DB's change horizon at the
/// start of the last successful run (`ChangedImageReader.changeHorizon`), which is stored in the
/// consumer DB once a run has succeeded. The horizon is the database's own order (a
/// PostgreSQL snapshot, MongoDB's server clock less `watermarkMargin`), never a writer's clock,
/// so a change that commits late or carries a skewed time is still read.
public struct BatchSynchronizer: Sendable {
    public let producer: any ChangedImageReader
    public let consumer: any ImageReplica & SyncWatermarkStore
    public let settings: BatchSyncSettings
    private let metrics: BatchSyncMetrics
    private let logger: Logger

    public init(producer: any ChangedImageReader, consumer: any ImageReplica & SyncWatermarkStore,
                settings: BatchSyncSettings, metrics: BatchSyncMetrics = BatchSyncMetrics(), logger: Logger) {
        self.producer = producer
        self.consumer = consumer
        self.settings = settings
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "sync.mode"] = "\(settings.mode.rawValue)"
        logger[metadataKey: "sync.job"] = "\(settings.jobName)"
        self.logger = logger
    }

    /// Runs one sync.
    /// - Parameters:
    ///   - checkpoint: called before every page; an error it throws ends the run there (how a
    ///     job is paused, by suspending, and stopped, by throwing).
    ///   - note: receives a progress line after each plant, for the job's log.
    /// - Returns: what the run read and wrote.
    /// - Throws: `BatchSyncError` when a database fails, or the error `checkpoint` threw. The
    ///   watermark then stays where it was, and the pages written so far stay written.
    public func run(checkpoint: () async throws -> Void = {}, note: (String) -> Void = { _ in }) async throws -> BatchSyncReport {
        let clock = ContinuousClock()
        let started = clock.now
        var report = BatchSyncReport(mode: settings.mode, startedAt: .now())
        do {
            let horizon = try await attempt(.producer, "reading where its changes stand") { try await producer.changeHorizon() }
            report.horizon = horizon
            report.since = try await since(matching: horizon)
            logger.info("batch sync run started", metadata: ["sync.since": "\(report.since?.description ?? "-")"])
            for plant in settings.plants {
                let before = (report.recordsWritten, report.recordsApplied)
                try await copy(plant, into: &report, checkpoint: checkpoint)
                note("\(plant.rawValue): wrote \(report.recordsWritten - before.0), applied \(report.recordsApplied - before.1) records")
            }
            try await attempt(.consumer, "storing the watermark \(horizon)") {
                try await consumer.setSyncWatermark(horizon, job: settings.jobName)
            }
        } catch {
            report.duration = started.duration(to: clock.now)
            let outcome: BatchSyncMetrics.Outcome = error is BatchSyncError ? .failure : .interrupted
            metrics.ended(outcome, mode: settings.mode, duration: report.duration)
            logger.info("batch sync run ended early", metadata: metadata(of: report).merging([
                "sync.outcome": "\(outcome.rawValue)", "error": "\(error)",
            ]) { $1 })
            throw error
        }
        report.duration = started.duration(to: clock.now)
        metrics.ended(.success, mode: settings.mode, duration: report.duration)
        logger.info("batch sync run succeeded", metadata: metadata(of: report))
        return report
    }

    /// Nil (read every record) in `full` mode, on the first incremental run, and when the stored
    /// watermark is of another kind of store than `horizon` (the producer DB was replaced);
    /// else the stored watermark, widened by the margin where it is a clock.
    private func since(matching horizon: ChangeHorizon) async throws(BatchSyncError) -> ChangeHorizon? {
        guard settings.mode == .incremental else { return nil }
        guard let watermark = try await attempt(.consumer, "reading the watermark", {
            try await consumer.syncWatermark(job: settings.jobName)
        }) else { return nil }
        guard watermark.kind == horizon.kind else {
            logger.warning("the stored watermark is of another kind of producer DB; this run copies every record",
                           metadata: ["sync.watermark": "\(watermark)", "sync.horizon": "\(horizon)"])
            return nil
        }
        return watermark.widened(by: settings.watermarkMargin)
    }

    /// Copies the plant's records a page at a time.
    private func copy(_ plant: Plant, into report: inout BatchSyncReport, checkpoint: () async throws -> Void) async throws {
        var afterID = Int64.min
        while true {
            try await checkpoint()
            let since = report.since
            let page = try await attempt(.producer, "reading \(plant.rawValue) records after id \(afterID)") {
                try await producer.changedImages(plant: plant, since: since, afterID: afterID, limit: settings.pageSize)
            }
            report.pages += 1
            guard let last = page.last else { return }
            let bytes = page.reduce(0) { $0 + $1.transferSize }
            report.recordsRead += page.count
            report.bytesRead += bytes
            metrics.read(records: page.count, bytes: bytes, mode: settings.mode)

            // Which records the write will change: only they have a staleness to report.
            let stored = try await attempt(.consumer, "reading the versions of \(plant.rawValue) records \(page[0].id)–\(last.id)") {
                try await consumer.replicaStates(plant: plant, ids: page.map(\.id))
            }
            let applied = try await attempt(.consumer, "writing \(plant.rawValue) records \(page[0].id)–\(last.id)") {
                try await consumer.applyReplicaWrites(page.map { ReplicaWrite.upsert(plant, $0) }).changed
            }
            metrics.changed(page.filter { record in stored[record.id].map { $0.version < record.version } ?? true },
                            visibleAt: Timestamp.currentMicroseconds(), mode: settings.mode)
            report.recordsWritten += page.count
            report.recordsApplied += applied
            report.bytesWritten += bytes
            report.recordsWrittenByPlant[plant, default: 0] += page.count
            metrics.wrote(records: page.count, bytes: bytes, storedBytes: bytes - page.reduce(0) { $0 + $1.data.count }, applied: applied,
                          plant: plant, mode: settings.mode)
            logger.debug("page copied", metadata: [
                "image.plant": "\(plant.rawValue)", "sync.page.first_id": "\(page[0].id)", "sync.page.last_id": "\(last.id)",
                "sync.page.records": "\(page.count)", "sync.page.applied": "\(applied)",
            ])
            guard page.count == settings.pageSize else { return }
            afterID = last.id
        }
    }

    /// `body`'s result; its error (the stores throw only `ImageError`) becomes a
    /// `BatchSyncError` naming the side and the operation.
    private func attempt<T>(_ side: BatchSyncError.Side, _ operation: @autoclosure () -> String,
                            _ body: () async throws -> T) async throws(BatchSyncError) -> T {
        do {
            return try await body()
        } catch {
            let cause = error as? ImageError ?? ImageError(code: .storeFailure, message: "\(error)")
            throw BatchSyncError(side: side, operation: operation(), cause: cause)
        }
    }

    private func metadata(of report: BatchSyncReport) -> Logger.Metadata {
        [
            "sync.records_read": "\(report.recordsRead)", "sync.records_written": "\(report.recordsWritten)",
            "sync.records_applied": "\(report.recordsApplied)", "sync.bytes_written": "\(report.bytesWritten)",
            "sync.pages": "\(report.pages)", "sync.duration": "\(report.duration)",
        ]
    }
}
