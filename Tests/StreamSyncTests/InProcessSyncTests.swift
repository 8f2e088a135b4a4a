import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import ServiceLifecycle
import StreamSync
import TestSupport
import Testing

/// The stream sync in one process, with no child process: writes on a producer repository, the
/// outbox relay publishing their events to the real broker, and a `ChangeConsumer` applying
/// them to a consumer repository, both run by a `ServiceGroup` as the services run them. The
/// end-to-end tests (`Tests/SyncEndToEndTests`) run the same parts as executables.
@Suite struct InProcessSyncTests {
    static let logger = Logger(label: "leafsync.tests.in-process")

    @Test(arguments: TestStore.allCases)
    func changesOnTheProducerReachTheConsumerAcrossAShutdownAndARestart(store: TestStore) async throws {
        try await withInProcessSync(store, name: "inproc", logger: Self.logger) { producer, consumer, kafka, limits in
            let publisher = try KafkaProducer(configuration: kafka.configuration, logger: Self.logger)
            let deadLetters = try KafkaProducer(configuration: kafka.configuration, logger: Self.logger)
            let relay = OutboxRelay(outbox: producer, producer: publisher, topics: kafka.topics, limits: limits,
                                    pollInterval: .milliseconds(50), logger: Self.logger)
            func changeConsumer() throws -> ChangeConsumer {
                try ChangeConsumer(configuration: kafka.configuration, groupID: kafka.topics.prefix + "group", deadLetters: deadLetters,
                               replica: consumer, topics: kafka.topics, batching: ChangeConsumer.Batching(), health: SyncHealth(),
                               logger: Self.logger)
            }
            let first = ServiceGroup(services: [relay, try changeConsumer()], logger: Self.logger)
            let running = Task { try await first.run() }

            var ids: [Plant: Int64] = [:]
            for plant in Plant.allCases {
                let image = try await producer.create(plant: plant, NewImage(cameraID: 7, gpsCoordinates: GPSCoordinates(latitude: 1.5, longitude: 2.5),
                                                                             data: [0xFF, 0xD8, 0xFF, 0xE0]), at: .now())
                ids[plant] = image.id
            }
            _ = try await producer.update(plant: .potato, ImageUpdate(id: ids[.potato]!, disease: "Early Blight", percentage: 0.8), at: .now())
            _ = try await producer.softDelete(plant: .pepper, id: ids[.pepper]!, at: .now())
            relay.notify()
            try await Self.waitUntilEqual(producer, consumer, ids)
            // A graceful shutdown stops both (the consumer commits and leaves its group); a
            // change made meanwhile reaches the consumer DB once they run again.
            await first.triggerGracefulShutdown()
            try await running.value

            _ = try await producer.update(plant: .tomato, ImageUpdate(id: ids[.tomato]!, cameraID: 9), at: .now())
            let second = ServiceGroup(services: [relay, try changeConsumer()], logger: Self.logger)
            let again = Task { try await second.run() }
            try await Self.waitUntilEqual(producer, consumer, ids)
            await second.triggerGracefulShutdown()
            try await again.value
            await publisher.close()
            await deadLetters.close()
        }
    }

    /// Waits until the consumer holds each record in `ids` as the producer does.
    static func waitUntilEqual(_ producer: any SyncableImageRepository, _ consumer: any SyncableImageRepository,
                               _ ids: [Plant: Int64]) async throws {
        try await waitUntil("the consumer DB to hold every change", timeout: .seconds(60), every: .milliseconds(50)) {
            for (plant, id) in ids {
                guard let expected = try await producer.image(plant: plant, id: id),
                      try await consumer.image(plant: plant, id: id) == expected else { return false }
            }
            return true
        }
    }
}
