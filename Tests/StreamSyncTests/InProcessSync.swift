import Foundation
import ImageStores
import Kafka
import Logging
import StreamSync
import TestSupport

/// The stream sync's parts in one process: fresh producer and consumer databases of `store`,
/// fresh topics on the real broker (deleted afterwards) and their publish limits.
func withInProcessSync(_ store: TestStore, name: String, logger: Logger,
                       _ body: (_ producer: any SyncableImageRepository, _ consumer: any SyncableImageRepository,
                                KafkaSettings, PublishLimits) async throws -> Void) async throws {
    let prefix = "\(name)-\(UUID().uuidString.prefix(8).lowercased())-"
    let kafka = KafkaSettings(configuration: KafkaConfiguration(bootstrapServers: try TestKafka.brokers(), clientID: name),
                              topics: SyncTopics(prefix: prefix, partitions: 3, deadLetter: prefix + "dead-letter"))
    let admin = try KafkaAdmin(configuration: kafka.configuration, logger: logger)
    defer { Task { try? await admin.deleteTopics(kafka.topics.plantTopics + [kafka.topics.deadLetter]) } }
    try await store.withRepository(writesChangeEvents: true) { producer in
        try await store.withRepository { consumer in
            let limits = try await kafka.prepareTopics(deadline: .seconds(60), logger: logger)
            try await body(producer, consumer, kafka, limits)
        }
    }
}
