import Foundation
import ImageModel
import ImageStores
import Kafka
import Logging
import StreamSync
import TestSupport
import Testing

/// A record the consumer DB refuses for good (a constraint an operator added) does not stop a
/// bootstrap: it is left out with the database's reason, every other record is copied, and
/// the bootstrap finishes and hands the group over. In process, on the real databases and broker.
@Suite struct BootstrapRefusalTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func aRecordTheConsumerDBRefusesIsLeftOutAndTheRestCopied(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            let logger = Logger(label: "leafsync.tests.bootstrap-refusal")
            let producer = try TestStore.client(url: cluster.producerURL)
            let consumer = try TestStore.client(url: cluster.consumerURL)
            defer { Task { await producer.close(); await consumer.close() } }
            try await producer.migrate()
            try await consumer.migrate()
            let refusedIDs: [Plant: Int64] = [.potato: 7, .tomato: 30]
            for plant in Plant.allCases {
                try await producer.insert(plant: plant, (1...30).map { id in
                    Image.make(id: id, cameraID: refusedIDs[plant] == id ? 666 : id, data: [0xFF, 0xD8, 0xFF, 0xD9])
                })
            }
            try await store.refuseImages(withCamera: 666, url: cluster.consumerURL)
            let topics = SyncTopics(prefix: cluster.topicPrefix, deadLetter: cluster.topicPrefix + "dead-letter")
            let kafka = KafkaConfiguration(bootstrapServers: [cluster.brokers])
            try await KafkaAdmin(configuration: kafka, logger: logger)
                .createTopics(topics.plantTopics.map { KafkaNewTopic(name: $0, partitions: 3) })

            // Pages of 8: a refused record mid-page (potato 7) and last of the last page (tomato 30).
            let settings = ConsumerBootstrap.Settings(pageBytes: 8 * (4 + EventLimits.maxFieldBytes), progressInterval: .seconds(60))
            let state = try await ConsumerBootstrap(producer: producer, replica: consumer, kafka: kafka, groupID: cluster.groupID,
                                                    topics: topics, settings: settings, logger: logger).run()
            #expect(state.finishedAt != nil)
            #expect(state.copied == 88 && state.refused == 2 && state.total == 90)
            for progress in state.plants {
                let expected = refusedIDs[progress.plant].map { [$0] } ?? []
                #expect(progress.refusals?.map(\.imageID) ?? [] == expected, "\(progress.plant)")
                #expect(progress.refusals?.allSatisfy { !$0.reason.isEmpty } ?? true, "the database's reason: \(progress.refusals ?? [])")
                let ids = try await consumer.replicaStates(plant: progress.plant, ids: Array(1...30)).keys.sorted()
                #expect(ids == Array(1...30).filter { !expected.contains($0) }, "\(progress.plant)")
            }
            // Stored as it was returned: a consumer of the group starts streaming.
            let stored = try BootstrapState(text: try #require(try await consumer.bootstrapState(group: cluster.groupID)))
            #expect(stored == state)
        }
    }
}
