import ImageModel
import Kafka
import Logging
import ServiceKit

extension KafkaSettings {
    /// Refuses a librdkafka that mis-parses modern brokers (unless allowed), then waits for the
    /// brokers and creates the missing topics (per plant and dead-letter) with room for the
    /// largest event (`max.message.bytes`): the original failed with `UnknownTopicOrPartition`
    /// when a topic did not exist yet. An existing topic whose limit is smaller is reported:
    /// the relay parks the events that do not fit it until the limit is raised.
    /// - Returns: the relay's publish limits: the producer's and every topic's the brokers reported.
    @discardableResult
    public func prepareTopics(deadline: Duration, logger: Logger) async throws -> PublishLimits {
        try KafkaVersion.check(.current, allowOld: allowOldLibrary)
        let admin = try KafkaAdmin(configuration: configuration, logger: logger)
        let topics = (self.topics.plantTopics + [self.topics.deadLetter]).map {
            KafkaNewTopic(name: $0, partitions: self.topics.partitions, configs: [Self.maxMessageBytesKey: String(EventLimits.maxMessageBytes)])
        }
        try await StartupRetry(deadline: deadline).run("kafka \(configuration.bootstrapServers.joined(separator: ","))", logger: logger) {
            try await admin.createTopics(topics, timeout: .seconds(10))
        }
        logger.info("topics ready", metadata: ["kafka.topics": "\(topics.map(\.name).joined(separator: ","))"])
        var limits = PublishLimits(producerBytes: configuration.properties["message.max.bytes"].flatMap { Int($0) } ?? EventLimits.maxMessageBytes)
        do {
            let configs = try await admin.topicConfigs(topics.map(\.name))
            limits.topicBytes = configs.compactMapValues { $0[Self.maxMessageBytesKey].flatMap { Int($0) } }
            for (topic, limit) in Self.topicsTooSmall(configs) {
                logger.error("topic accepts messages smaller than the largest change event: those events will be parked", metadata: [
                    "kafka.topic": "\(topic)", "kafka.max_message_bytes": "\(limit)", "required": "\(EventLimits.maxMessageBytes)",
                    "fix": "raise the topic's max.message.bytes to \(EventLimits.maxMessageBytes), then retry the parked events",
                ])
            }
        } catch {
            logger.warning("could not read the topics' max.message.bytes", metadata: ["error": "\(error)"])
        }
        return limits
    }

    static let maxMessageBytesKey = "max.message.bytes"

    /// The topics whose reported `max.message.bytes` is below `EventLimits.maxMessageBytes`,
    /// with that limit (a topic that reports none takes the broker's default, unknown here).
    static func topicsTooSmall(_ configs: [String: [String: String]]) -> [(topic: String, limit: Int)] {
        configs.compactMap { topic, values in
            guard let text = values[maxMessageBytesKey], let limit = Int(text), limit < EventLimits.maxMessageBytes else { return nil }
            return (topic, limit)
        }.sorted { $0.topic < $1.topic }
    }
}
