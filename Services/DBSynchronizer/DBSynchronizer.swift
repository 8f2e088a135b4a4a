import ArgumentParser
import BatchSync
import Foundation
import ImageModel
import ImageStores
import JobControl
import Logging
import ServiceKit

/// The db-synchronizer process, assembled in one place: both stores, the engine, the job that
/// runs it, routes, server, lifecycle.
struct DBSynchronizer {
    let host: ServiceHost
    let settings: SyncSettings
    private var logger: Logger { host.logger }

    init(host: ServiceHost, settings: SyncSettings) {
        self.host = host
        self.settings = settings
    }

    func run() async throws {
        let (producer, consumer) = try await openDatabases()
        let synchronizer = makeSynchronizer(producer: producer, consumer: consumer)
        let task = JobTask(name: "sync", interval: settings.interval, runsAtStart: true) { [logger] run in
            do {
                return try await synchronizer.run(checkpoint: { try await run.checkpoint() }, note: { run.log($0) }).description
            } catch let error as BatchSyncError {
                // A database failed: worth a warning in the process log, unlike a stop.
                logger.warning("sync run failed, the next run copies the rest", metadata: ["error": "\(error)"])
                throw error
            }
        }
        let job = JobController(name: settings.batch.jobName, tasks: [task], autostart: true, logger: logger)
        let router = host.router(protectsWrites: true) {
            for (side, repository) in [("producer", producer), ("consumer", consumer)] as [(String, any ImageRepository)] {
                do { try await repository.ping() } catch { return "\(side) database unreachable: \(error)" }
            }
            return nil
        }
        JobRoutes.register(on: router, jobs: [job])
        // The job ends its run at the next page before the server stops.
        try await host.serve(router, last: [job])
        await producer.close()
        await consumer.close()
        logger.info("stopped")
    }

    /// `--once`: one run, its summary on stdout; a failed run throws (exit status 1).
    func runOnce() async throws {
        let (producer, consumer) = try await openDatabases()
        let report: BatchSyncReport
        do {
            report = try await makeSynchronizer(producer: producer, consumer: consumer).run()
        } catch {
            logger.error("sync failed", metadata: ["error": "\(error)"])
            await producer.close()
            await consumer.close()
            throw ExitCode.failure
        }
        await producer.close()
        await consumer.close()
        print(report.description)
    }

    /// Both repositories once they answer, the consumer DB migrated (the producer's schema is
    /// image-api's).
    private func openDatabases() async throws -> (producer: any SyncableImageRepository, consumer: any SyncableImageRepository) {
        logger.info("starting", metadata: [
            "sync.producer_url": "\(redactingPassword(settings.producerURL))",
            "sync.consumer_url": "\(redactingPassword(settings.consumerURL))",
            "sync.mode": "\(settings.batch.mode.rawValue)", "sync.interval": "\(settings.interval)",
            "sync.page_size": "\(settings.batch.pageSize)", "sync.watermark_margin": "\(settings.batch.watermarkMargin)",
            "sync.job": "\(settings.batch.jobName)",
        ])
        let producer = try ImageStore.make(url: settings.producerURL, poolSize: settings.poolSize, logger: logger)
        let consumer = try ImageStore.make(url: settings.consumerURL, poolSize: settings.poolSize, logger: logger)
        do {
            try await host.waitFor("producer database \(settings.producerURL)", deadline: settings.storeDeadline) { try await producer.ping() }
            try await host.waitFor("consumer database \(settings.consumerURL)", deadline: settings.storeDeadline) { try await consumer.ping() }
            try await consumer.migrate()
        } catch {
            await producer.close()
            await consumer.close()
            throw error
        }
        return (producer, consumer)
    }

    private func makeSynchronizer(producer: any SyncableImageRepository, consumer: any SyncableImageRepository) -> BatchSynchronizer {
        BatchSynchronizer(producer: producer, consumer: consumer, settings: settings.batch, logger: logger)
    }
}
