import Foundation
import Kafka
import Testing

/// Against the real broker the test script starts (Tansu): admin calls the mock cluster lacks,
/// and a round trip through a real consumer group. Needs librdkafka >= 2.2 at run time.
@Suite("Kafka against the test broker")
struct KafkaBrokerTests {
    typealias Support = KafkaTestSupport

    /// Tansu answers JoinGroup after about half the session timeout.
    private static let consumerProperties = ["session.timeout.ms": "6000"]

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

        let consumer = try KafkaConsumer(configuration: configuration(Self.consumerProperties),
                                         groupID: Support.uniqueName("broker-group"), topics: [topic], logger: Support.logger)
        let message = try #require(try await Support.consume(1, from: consumer).first)
        try await consumer.commit([message.nextOffset])
        await consumer.close()
        #expect((message.partition, message.offset) == (sent.partition, sent.offset))
        #expect(message.key == Array("k".utf8))
        #expect(message.headers == [KafkaHeader(name: "h", string: "1")])
    }

    @Test(.disabled("Open problem (Shared/Kafka/README.md): after a cooperative rebalance a moved partition may never deliver; flaky until found"))
    func aJoiningMemberMakesTheFirstCommitBeforeGivingUpPartitions() async throws {
        let topic = Support.uniqueName("rebalance")
        let admin = try KafkaAdmin(configuration: configuration(), logger: Support.logger)
        try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 4)])
        let producer = try KafkaProducer(configuration: configuration(), logger: Support.logger)
        _ = try await producer.send((0..<40).map {
            KafkaOutgoingMessage(topic: topic, key: Array("k\($0)".utf8), value: Array("\($0)".utf8))
        })
        await producer.close()
        let group = Support.uniqueName("rebalance")
        let revoked = RevocationLog()
        let first = try KafkaConsumer(
            configuration: configuration(Self.consumerProperties), groupID: group, topics: [topic],
            rebalance: KafkaRebalanceHandler(partitionsRevoking: { partitions in
                revoked.add(partitions)
                return partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 1) }
            }), logger: Support.logger)
        try await Support.waitUntil("the first member to own all partitions") {
            _ = try await first.poll(timeout: .milliseconds(50))
            return try first.assignment().count == 4
        }
        let second = try KafkaConsumer(configuration: configuration(Self.consumerProperties), groupID: group,
                                       topics: [topic], logger: Support.logger)
        try await Support.waitUntil("the partitions to be split") {
            async let a = first.poll(timeout: .milliseconds(50))
            async let b = second.poll(timeout: .milliseconds(50))
            _ = try await (a, b)
            return try first.assignment().count == 2 && second.assignment().count == 2
        }
        // Cooperative: only the two moved partitions were revoked.
        #expect(revoked.partitions.count == 2)
        #expect(Set(revoked.partitions) == Set(try second.assignment()))
        // Both members keep polling: a member that stops serving its rebalance callbacks
        // would stall the group. The hook's commit landed: the second member reads the moved
        // partitions from offset 1, not from the beginning. (Only the first messages are
        // awaited: see the README's open question on a moved partition that stays silent.)
        var fromSecond: [KafkaMessage] = []
        try await Support.waitUntil("the second member to read from a moved partition") {
            async let fromFirst = first.poll(timeout: .milliseconds(50))
            async let batch = second.poll(timeout: .milliseconds(50))
            fromSecond += try await batch
            _ = try await fromFirst
            return !fromSecond.isEmpty
        }
        #expect(fromSecond.allSatisfy { $0.offset >= 1 })
        await second.close()
        await first.close()
    }
}

/// What a rebalance handler saw, shared with the test.
private final class RevocationLog: Sendable {
    private let storage = Shared<[KafkaTopicPartition]>([])
    func add(_ partitions: [KafkaTopicPartition]) { storage.value += partitions }
    var partitions: [KafkaTopicPartition] { storage.value }
}
