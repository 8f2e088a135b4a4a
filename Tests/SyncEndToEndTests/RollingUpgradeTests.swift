import Foundation
import ImageModel
import Kafka
import Logging
import TestSupport
import Testing

/// A rolling upgrade of the event schema: image-api replicas writing schema 1 and schema 2 take
/// writes on one producer DB at once, two consumers of one group read both, and the consumer DB
/// ends equal to the producer DB. A schema newer than the consumers know is dead-lettered with
/// the reason. The real executables, broker and databases.
@Suite(.serialized) struct RollingUpgradeTests {
    @Test(arguments: [TestStore.postgres, .mongo])
    func producersOfSchema1And2AtOnceReachConsumersOfOneGroup(store: TestStore) async throws {
        try await SyncCluster.with(producer: store, consumer: store) { cluster in
            try await cluster.startAPI(["--schema-version", "1"])
            let upgraded = try ServiceProcess("image-api", ["--store-url", cluster.producerURL, "--port", "0", "--log-level", "info",
                                                            "--schema-version", "2"] + cluster.kafkaArguments)
            defer { upgraded.signal(SIGKILL) }
            let clients = [cluster.apiClient, ServiceClient(port: try await upgraded.listeningPort())]
            try await cluster.startConsumer()
            try await cluster.startConsumer()

            // Creates (which carry the JPEG) and changes through both replicas.
            for (index, client) in clients.enumerated() {
                try await Workload(client: client, seed: UInt64(index + 1)).createImages(perPlant: 5)
            }
            let changes = store == .postgres ? 400 : 100
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask { try await Workload(client: client, seed: UInt64(100 * (index + 1))).sendChanges(0..<changes, perPlant: 10, concurrency: 2) }
                }
                return try await group.reduce(0, +)
            }
            #expect(failures == 0)
            try await cluster.waitUntilInSync()

            var schemas: Set<String> = []
            for plant in Plant.allCases {
                let messages = try await KafkaTopicReader.readAll(topic: cluster.topicPrefix + plant.rawValue,
                                                                  configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]),
                                                                  timeout: .seconds(60), logger: Logger(label: "leafsync.tests.upgrade"))
                for message in messages {
                    let schema = message.header(ChangeEvent.Header.schemaVersion) ?? "none"
                    #expect(ChangeEvent.schemaVersion(ofEnvelope: message.value ?? []) == Int64(schema), "the header says the envelope's schema")
                    schemas.insert(schema)
                }
            }
            #expect(schemas == ["1", "2"], "both schemas on the topics: \(schemas)")

            // A producer a release ahead: its schema 3 is dead-lettered with why, nothing else stops.
            let future = Array(#"{"schema_version":3,"event_id":"potato-1-99","op":"update","plant":"potato","image_id":1,"version":99,"occurred_at":1,"payload":{}}"#.utf8)
            let producer = try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: [cluster.brokers]), logger: Logger(label: "leafsync.tests.upgrade"))
            _ = try await producer.send([KafkaOutgoingMessage(topic: cluster.topicPrefix + "potato", key: Array("1".utf8), value: future)])
            await producer.close()
            let letters = try await DeadLetterTests().readDeadLetters(cluster, count: 1)
            let reason = letters.first?.header(DeadLetterHeader.reason) ?? ""
            #expect(letters.count == 1 && reason.contains("unsupported version 3") && reason.contains("upgrade"), "\(reason)")
            _ = try await Workload(client: clients[1], seed: 7).sendChanges(0..<20, perPlant: 10, concurrency: 2)
            try await cluster.waitUntilInSync()
        }
    }
}
