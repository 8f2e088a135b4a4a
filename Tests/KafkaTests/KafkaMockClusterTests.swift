import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// Producer and consumer against librdkafka's in-process mock cluster.
@Suite("Kafka on the mock cluster")
struct KafkaMockClusterTests {
    typealias Support = KafkaTestSupport

    @Test func aProducedMessageIsConsumedWithKeyAndHeaders() async throws {
        let cluster = try KafkaMockCluster(logger: Support.logger)
        let topic = Support.uniqueName("round-trip")
        try cluster.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: Support.logger)
        let beforeSend = Self.nowMilliseconds()
        let sent = try await producer.send(topic: topic, key: Array("plant-7".utf8), value: Array("hello".utf8), headers: [
            KafkaHeader(name: "event-type", string: "image.created"), KafkaHeader(name: "empty", value: nil),
        ])
        await producer.close()

        let consumer = try KafkaConsumer(configuration: Support.consumerConfiguration(cluster), groupID: Support.uniqueName("g"),
                                         topics: [topic], logger: Support.logger)
        let message = try #require(try await Support.consume(1, from: consumer).first)
        let afterConsume = Self.nowMilliseconds()
        await consumer.close()
        #expect((message.topic, message.partition, message.offset) == (topic, sent.partition, sent.offset))
        #expect(message.key == Array("plant-7".utf8))
        #expect(message.value == Array("hello".utf8))
        #expect(message.headers == [KafkaHeader(name: "event-type", string: "image.created"), KafkaHeader(name: "empty", value: nil)])
        // The producer stamps the message when it is handed over (CreateTime).
        let timestamp = try #require(message.timestamp)
        #expect(timestamp.kind == .created)
        #expect((beforeSend...afterConsume).contains(timestamp.millisecondsSinceEpoch))
    }

    private static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    @Test func aBatchKeepsItsOrderAndSameKeysShareAPartition() async throws {
        let cluster = try KafkaMockCluster(logger: Support.logger)
        let topic = Support.uniqueName("batch")
        try cluster.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: Support.logger)
        let messages = (0..<100).map { KafkaOutgoingMessage(topic: topic, key: Array("key-\($0 % 4)".utf8), value: Array("\($0)".utf8)) }
        let deliveries = try await producer.send(messages)
        await producer.close()
        #expect(deliveries.count == 100)
        for key in 0..<4 {
            let mine = deliveries.enumerated().filter { $0.offset % 4 == key }.map(\.element)
            #expect(Set(mine.map(\.partition)).count == 1)
            #expect(mine.map(\.offset) == mine.map(\.offset).sorted())
        }
    }

    @Test func retriableBrokerErrorsAreRetriedWithoutDuplicates() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Support.logger)
        let topic = Support.uniqueName("retry")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: Support.logger)
        _ = try await producer.send(topic: topic, key: nil, value: Array("first".utf8))
        cluster.pushRequestErrors(.produce, [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas])
        let sent = try await producer.send(topic: topic, key: nil, value: Array("second".utf8))
        await producer.close()
        #expect(sent.offset == 1)

        let consumer = try KafkaConsumer(configuration: Support.consumerConfiguration(cluster), groupID: Support.uniqueName("g"),
                                         topics: [topic], logger: Support.logger)
        let received = try await Support.consume(2, from: consumer)
        // The idempotent producer's retries were stored once: nothing follows the two messages.
        let extra = try await consumer.poll(timeout: .milliseconds(300))
        await consumer.close()
        #expect(received.map(\.value) == [Array("first".utf8), Array("second".utf8)])
        #expect(extra.isEmpty)
    }

    @Test func aNonRetriableBrokerErrorSurfacesAsKafkaError() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Support.logger)
        let topic = Support.uniqueName("refused")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: Support.logger)
        _ = try await producer.send(topic: topic, key: nil, value: Array("warm-up".utf8))
        cluster.pushRequestErrors(.produce, [.topicAuthorizationFailed])
        await #expect {
            _ = try await producer.send(topic: topic, key: nil, value: Array("refused".utf8))
        } throws: { error in
            let error = error as? KafkaError
            return error?.nativeName == "TOPIC_AUTHORIZATION_FAILED" && error?.code == .broker && error?.isRetriable == false
        }
        await producer.close()
    }

    @Test func aMessageLibrdkafkaRefusesFailsAtOnceAndTheProducerGoesOn() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Support.logger)
        let topic = Support.uniqueName("too-large")
        let producer = try KafkaProducer(configuration: Support.configuration(cluster, ["message.max.bytes": "1000"]),
                                         logger: Support.logger)
        await #expect {
            _ = try await producer.send(topic: topic, key: nil, value: Array(repeating: 1, count: 5000))
        } throws: { error in
            (error as? KafkaError)?.nativeName == "MSG_SIZE_TOO_LARGE"
        }
        let sent = try await producer.send(topic: topic, key: nil, value: Array("small".utf8))
        #expect(sent.offset == 0)
        await producer.close()
        await #expect {
            _ = try await producer.send(topic: topic, key: nil, value: nil)
        } throws: { error in
            (error as? KafkaError)?.code == .closed
        }
    }

    /// Each client gets only its role's callbacks: librdkafka warns (`CONFWARN`) about a consumer
    /// callback on a producer handle, which an admin client is.
    @Test func clientsStartWithoutConfigurationWarnings() async throws {
        let (logger, log) = Support.recordingLogger()
        let cluster = try KafkaMockCluster(logger: Support.logger)
        let topic = Support.uniqueName("warnings")
        try cluster.createTopic(topic, partitions: 1)
        // librdkafka checks the configuration while it creates the handle.
        _ = try KafkaAdmin(configuration: Support.configuration(cluster), logger: logger)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: logger)
        let consumer = try KafkaConsumer(configuration: Support.consumerConfiguration(cluster), groupID: Support.uniqueName("g"),
                                         topics: [topic], logger: logger)
        _ = try await consumer.poll(timeout: .milliseconds(100))
        await consumer.close()
        await producer.close()
        let warnings = log.entries.filter { $0.metadata["kafka.log.facility"]?.description == "CONFWARN" }
        #expect(warnings.isEmpty, "\(warnings.map(\.message.description))")
    }

    @Test func aSendDuringABrokerOutageCompletesOnceTheBrokerIsBack() async throws {
        let (logger, log) = Support.recordingLogger()
        let cluster = try KafkaMockCluster(brokers: 1, logger: Support.logger)
        let topic = Support.uniqueName("outage")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(configuration: Support.configuration(cluster), logger: logger)
        _ = try await producer.send(topic: topic, key: nil, value: Array("before".utf8))

        try cluster.setBrokerDown(1)
        let pending = Task { try await producer.send(topic: topic, key: nil, value: Array("during".utf8)) }
        // The producer noticed: its error callback reported the lost broker.
        try await waitUntil("the producer to report the broker down", timeout: .seconds(30)) {
            log.entries.contains { $0.message.description == "librdkafka reported an error" }
        }
        try cluster.setBrokerUp(1)
        let sent = try await pending.value
        await producer.close()
        #expect(sent.offset == 1)
        // librdkafka's own lines went to swift-log, at info or below.
        #expect(log.entries.contains { $0.metadata["kafka.log.facility"] != nil })
        #expect(log.entries.allSatisfy { $0.level <= .info })
    }

    @Test func statisticsReportBytesSent() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Support.logger)
        let topic = Support.uniqueName("stats")
        var configuration = Support.configuration(cluster)
        configuration.statisticsInterval = .milliseconds(100)
        let producer = try KafkaProducer(configuration: configuration, logger: Support.logger)
        _ = try await producer.send(topic: topic, key: nil, value: Array("counted".utf8))
        var bytesSent: Int64 = 0
        for await statistics in producer.statistics where statistics.bytesSent > 0 {
            bytesSent = statistics.bytesSent
            break
        }
        await producer.close()
        #expect(bytesSent > 0)
    }
}
