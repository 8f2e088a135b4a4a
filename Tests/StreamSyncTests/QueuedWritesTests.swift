import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import ServiceLifecycle
import StreamSync
import Synchronization
import TestSupport
import Testing

/// A consumer hands over its next batch's write while one runs only to a store that queues
/// writes (MongoDB), and only when the two batches share no record; batches still finish, and
/// commit, in order. Real broker, real stores, a backlog polled in small batches.
@Suite struct QueuedWritesTests {
    static let logger = Logger(label: "leafsync.tests.queued-writes")

    @Test(arguments: TestStore.allCases)
    func batchesOverlapOnlyWhereTheStoreQueuesWritesAndNeverOnOneRecord(store: TestStore) async throws {
        try await withInProcessSync(store, name: "queued", logger: Self.logger) { producer, consumer, kafka, limits in
            // A backlog before anything runs: creates, then rounds of updates of the same
            // records, so some batches share records with the one before and some do not.
            var ids: [Plant: [Int64]] = [:]
            for plant in Plant.allCases {
                for camera in 0..<12 {
                    let image = try await producer.create(plant: plant, NewImage(cameraID: Int64(camera + 1), gpsCoordinates: GPSCoordinates(latitude: 1.5, longitude: 2.5),
                                                                                 data: [0xFF, 0xD8, 0xFF, 0xE0, UInt8(camera)]), at: .now())
                    ids[plant, default: []].append(image.id)
                }
            }
            for round in 1...4 {
                for (plant, plantIDs) in ids {
                    for id in plantIDs where (id + Int64(round)) % 2 == 0 {
                        _ = try await producer.update(plant: plant, ImageUpdate(id: id, cameraID: Int64(100 * round)), at: .now())
                    }
                }
            }
            let publisher = try KafkaProducer(configuration: kafka.configuration, logger: Self.logger)
            let deadLetters = try KafkaProducer(configuration: kafka.configuration, logger: Self.logger)
            let relay = OutboxRelay(outbox: producer, producer: publisher, topics: kafka.topics, limits: limits,
                                    pollInterval: .milliseconds(50), logger: Self.logger)
            let watched = WriteWatchingReplica(consumer)
            let changeConsumer = try ChangeConsumer(
                configuration: kafka.configuration, groupID: kafka.topics.prefix + "group", deadLetters: deadLetters, replica: watched,
                topics: kafka.topics, batching: ChangeConsumer.Batching(maxMessages: 3), health: SyncHealth(), logger: Self.logger)
            let group = ServiceGroup(services: [relay, changeConsumer], logger: Self.logger)
            let running = Task { try await group.run() }
            relay.notify()
            let arrived: (any Error)?
            do {
                try await waitUntil("the consumer DB to hold every change", timeout: .seconds(60), every: .milliseconds(50)) {
                    for (plant, plantIDs) in ids {
                        for id in plantIDs {
                            guard let expected = try await producer.image(plant: plant, id: id),
                                  try await consumer.image(plant: plant, id: id) == expected else { return false }
                        }
                    }
                    return true
                }
                arrived = nil
            } catch {
                arrived = error
            }
            // Stopped either way: no Kafka client may outlive the test.
            await group.triggerGracefulShutdown()
            try await running.value
            await publisher.close()
            await deadLetters.close()
            if let arrived { throw arrived }

            let seen = watched.seen.withLock { $0 }
            #expect(seen.sameRecord == 0, "a record was written by two writes at once")
            #expect(consumer.queuesWrites == (store == .mongo))
            if consumer.queuesWrites {
                #expect(seen.overlapping > 0, "no batch's write was handed over while the one before ran")
            } else {
                #expect(seen.overlapping == 0, "a write was handed over while another ran on a store that does not queue them")
            }
        }
    }
}

/// The real store, watching which records its writes are for while they run.
private final class WriteWatchingReplica: ForwardingReplica, @unchecked Sendable {
    struct Seen {
        var running: [RecordKey: Int] = [:]
        var calls = 0
        /// Writes handed over while another ran.
        var overlapping = 0
        /// Writes handed over while another for one of their records ran.
        var sameRecord = 0
    }

    let seen = Mutex(Seen())

    override func applyReplicaWrites(_ writes: [ReplicaWrite]) async throws(ImageError) -> ReplicaWriteResult {
        let records = Set(writes.map(RecordKey.init))
        seen.withLock { seen in
            if seen.calls > 0 { seen.overlapping += 1 }
            if records.contains(where: { seen.running[$0] != nil }) { seen.sameRecord += 1 }
            seen.calls += 1
            for record in records { seen.running[record, default: 0] += 1 }
        }
        defer {
            seen.withLock { seen in
                seen.calls -= 1
                for record in records {
                    seen.running[record]! -= 1
                    if seen.running[record] == 0 { seen.running[record] = nil }
                }
            }
        }
        return try await store.applyReplicaWrites(writes)
    }
}
