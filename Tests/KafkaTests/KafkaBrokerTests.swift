import Foundation
import Kafka
import Testing
import TestSupport

/// Against the real broker the test script starts (Tansu): admin calls the mock cluster lacks,
/// and a round trip through a real consumer group. Needs librdkafka >= 2.2 at run time.
@Suite("Kafka against the test broker")
struct KafkaBrokerTests {
    typealias Support = KafkaTestSupport

    /// Tansu answers JoinGroup after about half the session timeout.
    private static let consumerProperties = ["session.timeout.ms": "6000"]

    private func configuration(_ properties: [String: String] = [:]) throws -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: try TestKafka.brokers(), clientID: "kafka-tests", properties: properties)
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

    /// Tansu reports a partition's watermark as its last batch's first offset + 1: the reader
    /// still returns the rest of that batch.
    @Test func aTopicIsReadToItsTrueEndWhenItsLastBatchHoldsSeveralMessages() async throws {
        let topic = Support.uniqueName("reader")
        try await KafkaAdmin(configuration: configuration(), logger: Support.logger)
            .createTopics([KafkaNewTopic(name: topic, partitions: 1)])
        let producer = try KafkaProducer(configuration: configuration(["linger.ms": "50"]), logger: Support.logger)
        for range in [0..<4, 4..<10] {
            _ = try await producer.send(range.map { KafkaOutgoingMessage(topic: topic, key: Array("k".utf8), value: Array("\($0)".utf8)) })
        }
        await producer.close()
        let read = try await KafkaTopicReader.readAll(topic: topic, configuration: configuration(), timeout: .seconds(30),
                                                      logger: Support.logger)
        #expect(read.map(\.offset) == Array(0..<10))
        #expect(read.map { String(decoding: $0.value ?? [], as: UTF8.self) } == (0..<10).map(String.init))
    }

    /// A new one-partition topic holding `rounds` transactions of two messages ("0a", "0b", …),
    /// each followed by its commit marker: offsets 0 1 [2] 3 4 [5] …
    func transactionalTopic(_ prefix: String, rounds: Int) async throws -> String {
        let topic = Support.uniqueName(prefix)
        try await KafkaAdmin(configuration: configuration(), logger: Support.logger)
            .createTopics([KafkaNewTopic(name: topic, partitions: 1)])
        let producer = try TransactionalProducer(brokers: try TestKafka.brokers(), transactionalID: Support.uniqueName("tx"))
        for round in 0..<rounds {
            try producer.commit(["\(round)a", "\(round)b"], to: topic)
        }
        return topic
    }

    /// Each committed transaction leaves a marker offset the consumer never sees: a gap that
    /// never fills. The consumer reads the partition again from each gap (seeking back, so the
    /// message after it comes again) until the grace passes, then goes on: every message comes
    /// once, in order, and each gap is reported first seen, then accepted.
    @Test func gapsInAPartitionAreReadAgainThenAcceptedAfterTheGrace() async throws {
        let topic = try await transactionalTopic("gaps", rounds: 3)
        let gaps = Shared<[KafkaOffsetGap]>([])
        let consumer = try KafkaConsumer(configuration: configuration(Self.consumerProperties), groupID: Support.uniqueName("gaps"),
                                         topics: [topic], gapGrace: .milliseconds(300),
                                         gapObserved: { gaps.value.append($0) }, logger: Support.logger)
        let started = ContinuousClock.now
        let messages = try await Support.consume(6, from: consumer)
        let took = ContinuousClock.now - started
        await consumer.close()
        #expect(messages.map { String(decoding: $0.value ?? [], as: UTF8.self) } == ["0a", "0b", "1a", "1b", "2a", "2b"])
        // Markers after each transaction: 0 1 [2] 3 4 [5] 6 7.
        #expect(messages.map(\.offset) == [0, 1, 3, 4, 6, 7])
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        #expect(gaps.value == [2..<3, 5..<6].flatMap { missing in
            [KafkaOffsetGap.Outcome.rereading, .accepted].map { KafkaOffsetGap(partition: partition, missing: missing, outcome: $0) }
        })
        #expect(took >= .milliseconds(600), "each gap is read again for its grace before it is accepted")
        let read = try await KafkaTopicReader.readAll(topic: topic, configuration: configuration(), timeout: .seconds(30),
                                                      gapGrace: .milliseconds(300), logger: Support.logger)
        #expect(read.map(\.offset) == [0, 1, 3, 4, 6, 7])
    }

    /// A member's first message of a partition must follow the group's committed offset: here
    /// the commit points at a transaction marker (offset 2), so the first message (3) is past a
    /// gap, read again for the grace, then accepted; without the check it would pass unseen,
    /// as a batch a broker served early would.
    @Test func theFirstMessageAfterAnAssignmentIsCheckedAgainstTheCommittedOffset() async throws {
        let topic = try await transactionalTopic("anchor", rounds: 2)
        let group = Support.uniqueName("anchor")
        try await KafkaGroupOffsets.commit([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 2)], groupID: group,
                                           configuration: configuration(), timeout: .seconds(10), logger: Support.logger)
        let gaps = Shared<[KafkaOffsetGap]>([])
        let consumer = try KafkaConsumer(configuration: configuration(Self.consumerProperties), groupID: group, topics: [topic],
                                         gapGrace: .milliseconds(300), gapObserved: { gaps.value.append($0) }, logger: Support.logger)
        let messages = try await Support.consume(2, from: consumer)
        await consumer.close()
        #expect(messages.map(\.offset) == [3, 4])
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        #expect(gaps.value == [KafkaOffsetGap.Outcome.rereading, .accepted].map {
            KafkaOffsetGap(partition: partition, missing: 2..<3, outcome: $0)
        })
    }

    @Test func aJoiningMemberMakesTheFirstCommitBeforeGivingUpPartitions() async throws {
        let topic = Support.uniqueName("rebalance")
        let admin = try KafkaAdmin(configuration: configuration(), logger: Support.logger)
        try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 4)])
        let producer = try KafkaProducer(configuration: configuration(), logger: Support.logger)
        let deliveries = try await producer.send((0..<40).map {
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
        try await waitUntil("the first member to own all partitions", timeout: .seconds(30)) {
            _ = try await first.poll(timeout: .milliseconds(50))
            return try first.assignment().count == 4
        }
        let second = try KafkaConsumer(configuration: configuration(Self.consumerProperties), groupID: group,
                                       topics: [topic], logger: Support.logger)
        // Both members keep polling throughout: a member that stops serving its rebalance
        // callbacks would stall the group. Everything the second one returns is kept, from the
        // first poll on: it may read its new partitions while the split is still settling.
        var fromSecond: [KafkaMessage] = []
        func pollBoth() async throws {
            async let a = first.poll(timeout: .milliseconds(50))
            async let b = second.poll(timeout: .milliseconds(50))
            fromSecond += try await b
            _ = try await a
        }
        try await waitUntil("the partitions to be split", timeout: .seconds(30)) {
            try await pollBoth()
            return try first.assignment().count == 2 && second.assignment().count == 2
        }
        // Cooperative: only the two moved partitions were revoked.
        #expect(revoked.partitions.count == 2)
        let moved = Set(try second.assignment())
        #expect(Set(revoked.partitions) == moved)
        // The hook's commit landed: the second member reads each moved partition from offset 1,
        // not from the beginning, to its end.
        let expected = Set(deliveries.filter { delivery in
            delivery.offset >= 1 && moved.contains(KafkaTopicPartition(topic: topic, partition: delivery.partition))
        }.map { "\($0.partition)/\($0.offset)" })
        try await waitUntil("the second member to read the moved partitions", timeout: .seconds(30)) {
            try await pollBoth()
            return Set(fromSecond.map { "\($0.partition)/\($0.offset)" }).isSuperset(of: expected)
        }
        #expect(fromSecond.allSatisfy { $0.offset >= 1 })
        #expect(fromSecond.count == expected.count)
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
