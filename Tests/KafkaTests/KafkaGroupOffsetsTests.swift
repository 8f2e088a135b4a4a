import Foundation
import Kafka
import Testing
import TestSupport

/// Setting a group's start from outside it, against the real broker: where topics end, a
/// commit on the group's behalf, and a member that then starts exactly there.
@Suite("Kafka group offsets against the test broker")
struct KafkaGroupOffsetsTests {
    typealias Support = KafkaTestSupport

    private func configuration(_ properties: [String: String] = [:]) throws -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: try TestKafka.brokers(), clientID: "kafka-tests", properties: properties)
    }

    /// Sends one message at a time: Tansu reports a partition's end as its last batch's first
    /// offset + 1, exact only when that batch holds one message.
    private func send(_ values: Range<Int>, to topic: String) async throws -> [Int32: [Int64]] {
        let producer = try KafkaProducer(configuration: configuration(), logger: Support.logger)
        var deliveries: [Int32: [Int64]] = [:]
        for value in values {
            let delivery = try await producer.send(topic: topic, key: Array("k\(value)".utf8), value: Array("\(value)".utf8))
            deliveries[delivery.partition, default: []].append(delivery.offset)
        }
        await producer.close()
        return deliveries
    }

    @Test func aGroupCommittedFromOutsideStartsAtTheRecordedEnds() async throws {
        try KafkaVersion.requireSupported(allowOld: false)
        let (topic, empty) = (Support.uniqueName("ends"), Support.uniqueName("ends-empty"))
        let admin = try KafkaAdmin(configuration: configuration(), logger: Support.logger)
        try await admin.createTopics([KafkaNewTopic(name: topic, partitions: 3), KafkaNewTopic(name: empty, partitions: 2)])
        let before = try await send(0..<30, to: topic)

        let ends = try await KafkaGroupOffsets.endOffsets(of: [topic, empty, Support.uniqueName("absent")], configuration: configuration(),
                                                          timeout: .seconds(20), logger: Support.logger)
        // Each partition ends one past its last message; an empty topic at 0; an unknown one is left out.
        #expect(Set(ends.filter { $0.topic == topic }.map { "\($0.partition)@\($0.offset)" })
            == Set((0..<3).map { "\($0)@\((before[Int32($0)]?.max() ?? -1) + 1)" }))
        #expect(ends.filter { $0.topic == empty }.map(\.offset) == [0, 0])
        #expect(Set(ends.map(\.topic)) == [topic, empty])

        let group = Support.uniqueName("outside")
        try await KafkaGroupOffsets.commit(ends, groupID: group, configuration: configuration(), timeout: .seconds(20), logger: Support.logger)
        let committed = try await KafkaGroupOffsets.committed(ends.map(\.topicPartition), groupID: group, configuration: configuration(),
                                                              timeout: .seconds(20), logger: Support.logger)
        #expect(Set(committed) == Set(ends))

        // Written after the recorded ends: exactly what a member of the group then reads.
        _ = try await send(30..<40, to: topic)
        let consumer = try KafkaConsumer(configuration: configuration(["session.timeout.ms": "6000", "auto.offset.reset": "earliest"]),
                                         groupID: group, topics: [topic], logger: Support.logger)
        let received = try await Support.consume(10, from: consumer)
        #expect(try await consumer.poll(timeout: .milliseconds(500)).isEmpty)
        await consumer.close()
        #expect(Set(received.compactMap { $0.value.map { Int(String(decoding: $0, as: UTF8.self)) ?? -1 } }) == Set(30..<40))
    }

    @Test func aCommitNoBrokerAnswersFailsInTimeInsteadOfHanging() async throws {
        // A port nothing listens on: no coordinator ever answers.
        let unreachable = KafkaConfiguration(bootstrapServers: ["127.0.0.1:1"], clientID: "kafka-tests")
        let started = ContinuousClock.now
        await #expect(throws: KafkaError.self) {
            try await KafkaGroupOffsets.commit([KafkaTopicPartitionOffset(topic: "t", partition: 0, offset: 5)], groupID: "g",
                                               configuration: unreachable, timeout: .seconds(2), logger: Support.logger)
        }
        await #expect(throws: KafkaError.self) {
            _ = try await KafkaGroupOffsets.endOffsets(of: ["t"], configuration: unreachable, timeout: .seconds(2), logger: Support.logger)
        }
        await #expect(throws: KafkaError.self) {
            _ = try await KafkaGroupOffsets.committed([KafkaTopicPartition(topic: "t", partition: 0)], groupID: "g",
                                                      configuration: unreachable, timeout: .seconds(2), logger: Support.logger)
        }
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
