import Foundation
import Kafka
import Testing

/// Against the real broker the test script starts (Tansu): admin calls the mock cluster lacks,
/// and a round trip through a real consumer group. Needs librdkafka >= 2.2 at run time.
@Suite("Kafka against the test broker")
struct KafkaBrokerTests {
    typealias Support = KafkaTestSupport

    private func configuration(_ properties: [String: String] = [:]) throws -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: try Support.brokers(), clientID: "kafka-tests", properties: properties)
    }

    @Test func createTopicsMakesMissingTopicsAndAcceptsExistingOnes() async throws {
        try KafkaVersion.requireSupported(allowOld: false)
        let admin = try KafkaAdmin(configuration: configuration(), logger: Support.logger)
        let topic = Support.uniqueName("admin")
        try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 3)])
        // Already there: still success.
        try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 3)])
        let metadata = try #require(try await admin.topics().first { $0.name == topic })
        #expect(metadata.partitions.map(\.id).sorted() == [0, 1, 2])
    }

    @Test func aMessageTravelsThroughTheBrokerAndItsGroup() async throws {
        try KafkaVersion.requireSupported(allowOld: false)
        let admin = try KafkaAdmin(configuration: configuration(), logger: Support.logger)
        let topic = Support.uniqueName("broker-round-trip")
        try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 3)])

        let producer = try KafkaProducer(configuration: configuration(), logger: Support.logger)
        let sent = try await producer.send(topic: topic, key: Array("k".utf8), value: Array("v".utf8),
                                           headers: [KafkaHeader(name: "h", string: "1")])
        await producer.close()

        // Tansu answers JoinGroup after about half the session timeout.
        let consumer = try KafkaConsumer(configuration: configuration(["session.timeout.ms": "6000"]),
                                         groupID: Support.uniqueName("broker-group"), topics: [topic], logger: Support.logger)
        let message = try #require(try await Support.consume(1, from: consumer).first)
        try await consumer.commit([message.nextOffset])
        await consumer.close()
        #expect((message.partition, message.offset) == (sent.partition, sent.offset))
        #expect(message.key == Array("k".utf8))
        #expect(message.headers == [KafkaHeader(name: "h", string: "1")])
    }
}
