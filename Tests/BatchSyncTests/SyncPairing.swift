import BatchSync
import Foundation
import ImageModel
import ImageStores
import Logging
import SeedData
import StoreVerification
import TestSupport
import Testing

/// A producer store and a consumer store, each in a fresh namespace on the real servers, the
/// producer seeded with real JPEGs.
struct SyncPairing: Sendable, CustomTestStringConvertible {
    let producer: TestStore
    let consumer: TestStore

    static let all = [
        SyncPairing(producer: .postgres, consumer: .postgres), SyncPairing(producer: .mongo, consumer: .mongo),
        SyncPairing(producer: .mongo, consumer: .postgres), SyncPairing(producer: .postgres, consumer: .mongo),
    ]

    var testDescription: String { "\(producer.rawValue)→\(consumer.rawValue)" }

    static let logger: Logger = {
        var logger = Logger(label: "leafsync.tests.batch")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with both databases migrated and `perPlant` seed records in the producer,
    /// created in the 30 days before an hour ago (older than any watermark a test makes).
    func with(perPlant: Int, _ body: (SyncDatabases) async throws -> Void) async throws {
        try await producer.withFreshURL { producerURL, _ in
            try await consumer.withFreshURL { consumerURL, _ in
                let databases = try SyncDatabases(producerURL: producerURL, consumerURL: consumerURL)
                do {
                    try await databases.producer.migrate()
                    try await databases.consumer.migrate()
                    try await databases.seed(perPlant: perPlant)
                    try await body(databases)
                } catch {
                    await databases.close()
                    throw error
                }
                await databases.close()
            }
        }
    }
}

/// The two databases of a test and what it does with them.
struct SyncDatabases: Sendable {
    let producerURL: String
    let consumerURL: String
    let producer: any SyncableImageRepository
    let consumer: any SyncableImageRepository

    init(producerURL: String, consumerURL: String) throws {
        self.producerURL = producerURL
        self.consumerURL = consumerURL
        producer = try TestStore.client(url: producerURL, logger: SyncPairing.logger)
        consumer = try TestStore.client(url: consumerURL, logger: SyncPairing.logger)
    }

    /// An engine from this producer to this consumer; pages of 8 make 30 records four pages.
    func synchronizer(_ mode: BatchSyncMode, pageSize: Int = 8, margin: Duration = .seconds(60), job: String = "test",
                      consumer: (any SyncableImageRepository)? = nil) -> BatchSynchronizer {
        BatchSynchronizer(producer: producer, consumer: consumer ?? self.consumer,
                          settings: BatchSyncSettings(mode: mode, pageSize: pageSize, watermarkMargin: margin, jobName: job),
                          logger: SyncPairing.logger)
    }

    func seed(perPlant: Int) async throws {
        let images = SeedImages(jpegs: try LeafJPEGs(), seed: 11)
        let anHourAgo = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 3_600_000)
        for plant in Plant.allCases {
            try await producer.insert(plant: plant, images.images(plant: plant, count: perPlant, now: anHourAgo))
        }
    }

    /// Fails the test, with the report, unless the consumer holds exactly the producer's records.
    func expectEqual(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let report = try await StoreComparison(producer: producer, consumer: consumer, logger: SyncPairing.logger).compare()
        #expect(report.isEqual, "\(report.text)", sourceLocation: sourceLocation)
    }

    /// Five changes in the producer, each to a different record: updates of potato records
    /// 1–3, a soft delete of potato record 3 + `round`, and a new tomato record. Each round
    /// (1, 2...) changes something new.
    func changeFiveRecords(round: Int64) async throws {
        let now = Timestamp.now()
        for id: Int64 in 1...3 {
            _ = try await producer.update(plant: .potato, ImageUpdate(id: id, cameraID: 100 * round + id), at: now)
        }
        _ = try await producer.softDelete(plant: .potato, id: 3 + round, at: now)
        _ = try await producer.create(plant: .tomato, NewImage(cameraID: 7, gpsCoordinates: GPSCoordinates(latitude: 1, longitude: 2)), at: now)
    }

    func close() async {
        await producer.close()
        await consumer.close()
    }
}
