import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// Consumer groups on the mock cluster: commits, resume, pause, rebalances.
@Suite("Kafka consumer groups")
struct KafkaConsumerGroupTests {
    typealias Support = KafkaTestSupport

    /// A cluster with one topic holding `count` messages `0`, `1`... on one partition.
    private func clusterWithMessages(_ count: Int, partitions: Int32 = 1) async throws -> (KafkaMockCluster, String) {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Support.logger)
        let topic = Support.uniqueName("group")
        try cluster.createTopic(topic, partitions: partitions)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: Support.logger)
        _ = try await producer.send((0..<count).map {
            KafkaOutgoingMessage(topic: topic, key: Array("k\($0)".utf8), value: Array("\($0)".utf8))
        })
        await producer.close()
        return (cluster, topic)
    }

    @Test func aNewConsumerResumesFromTheCommittedOffset() async throws {
        let (cluster, topic) = try await clusterWithMessages(10)
        let group = Support.uniqueName("resume")
        let first = try KafkaConsumer(configuration: Support.consumerConfiguration(cluster), groupID: group, topics: [topic],
                                      logger: Support.logger)
        let all = try await Support.consume(10, from: first)
        #expect(all.map(\.offset) == Array(0..<10))
        try await first.commit([all[5].nextOffset])
        await first.close()

        let second = try KafkaConsumer(configuration: Support.consumerConfiguration(cluster), groupID: group, topics: [topic],
                                       logger: Support.logger)
        let rest = try await Support.consume(4, from: second)
        await second.close()
        #expect(rest.map(\.offset) == [6, 7, 8, 9])
    }

    @Test func aPausedPartitionDeliversNothingUntilResumed() async throws {
        let (cluster, topic) = try await clusterWithMessages(4)
        let consumer = try KafkaConsumer(configuration: Support.consumerConfiguration(cluster), groupID: Support.uniqueName("pause"),
                                         topics: [topic], logger: Support.logger)
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        try await waitUntil("the partition to be assigned", timeout: .seconds(30)) {
            _ = try await consumer.poll(maxMessages: 1, timeout: .zero)
            return try consumer.assignment() == [partition]
        }
        try consumer.pause([partition])
        // Whatever was fetched before the pause may still come; afterwards nothing does.
        var seen = try await consumer.poll(timeout: .milliseconds(200))
        #expect(try await consumer.poll(timeout: .milliseconds(300)).isEmpty)
        try consumer.resume([partition])
        seen += try await Support.consume(4 - seen.count, from: consumer)
        await consumer.close()
        #expect(seen.map(\.offset) == [0, 1, 2, 3])
    }

    @Test func statisticsReportConsumerLag() async throws {
        let (cluster, topic) = try await clusterWithMessages(10)
        var configuration = Support.consumerConfiguration(cluster)
        configuration.statisticsInterval = .milliseconds(100)
        let consumer = try KafkaConsumer(configuration: configuration, groupID: Support.uniqueName("lag"),
                                         topics: [topic], logger: Support.logger)
        let consumed = try await Support.consume(4, from: consumer)
        try await consumer.commit([consumed[3].nextOffset])
        let lag = Shared<Int64?>(nil)
        let reader = Task {
            for await statistics in consumer.statistics {
                lag.value = statistics.consumerLag(topic: topic, partition: 0)
            }
        }
        // Statistics are served by poll: keep polling (without reading more) until a report
        // shows the 6 messages after the commit.
        try consumer.pause([KafkaTopicPartition(topic: topic, partition: 0)])
        try await waitUntil("a statistics report with the consumer lag", timeout: .seconds(30)) {
            _ = try await consumer.poll(timeout: .milliseconds(50))
            return lag.value == 6
        }
        reader.cancel()
        await consumer.close()
    }
}
