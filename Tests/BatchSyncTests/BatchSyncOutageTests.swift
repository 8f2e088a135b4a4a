import BatchSync
import Foundation
import ImageModel
import ImageStores
import Logging
import TCPRelay
import TestSupport
import Testing

/// A database goes away in the middle of a run (a relay between the engine and it drops every
/// connection and refuses new ones): the run fails naming the side, the pages written stay and
/// the watermark does not move; once the database is back, the next run completes the copy.
@Suite struct BatchSyncOutageTests {
    static let cases: [(SyncPairing, BatchSyncError.Side)] = [
        (SyncPairing(producer: .postgres, consumer: .postgres), .consumer),
        (SyncPairing(producer: .mongo, consumer: .mongo), .consumer),
        (SyncPairing(producer: .postgres, consumer: .mongo), .producer),
        (SyncPairing(producer: .mongo, consumer: .postgres), .producer),
    ]

    @Test(arguments: cases)
    func aRunCutOffFromADatabaseFailsAndTheNextRunCompletes(pairing: SyncPairing, side: BatchSyncError.Side) async throws {
        try await pairing.with(perPlant: 30) { databases in
            let target = side == .producer ? databases.producerURL : databases.consumerURL
            guard var components = URLComponents(string: target), let port = components.port.flatMap(UInt16.init(exactly:)) else {
                Issue.record("no port in \(target)")
                return
            }
            let relay = TCPRelay(targetHost: "127.0.0.1", targetPort: port, logger: SyncPairing.logger)
            components.port = Int(try relay.start())
            defer { relay.stop() }
            let relayed = try ImageStore.make(url: try #require(components.string), logger: SyncPairing.logger)
            defer { Task { await relayed.close() } }
            let synchronizer = BatchSynchronizer(
                producer: side == .producer ? relayed : databases.producer,
                consumer: side == .consumer ? relayed : databases.consumer,
                settings: BatchSyncSettings(mode: .full, pageSize: 8, jobName: "test"), logger: SyncPairing.logger)

            // Two pages of potato records are written, then the database is cut off.
            var checkpoints = 0
            let error = await #expect(throws: BatchSyncError.self) {
                try await synchronizer.run(checkpoint: {
                    checkpoints += 1
                    if checkpoints == 3 { relay.block() }
                })
            }
            #expect(error?.side == side)
            #expect(error?.cause.code == .storeUnavailable)
            #expect(error?.description.contains("potato records") == true, "\(String(describing: error))")

            // The consumer DB holds the whole pages written and answers; no watermark was stored.
            #expect(try await databases.consumer.total(plant: .potato) == 16)
            #expect(try await databases.consumer.image(plant: .potato, id: 16) == databases.producer.image(plant: .potato, id: 16))
            #expect(try await databases.consumer.syncWatermark(job: "test") == nil)

            relay.unblock()
            let next = try await synchronizer.run()
            #expect((next.recordsRead, next.recordsApplied) == (90, 74))
            try await databases.expectEqual()
        }
    }
}
