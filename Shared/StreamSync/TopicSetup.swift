import Kafka
import Logging
import ServiceKit

extension KafkaSettings {
    /// Refuses a librdkafka that mis-parses modern brokers (unless allowed), then waits for the
    /// brokers and creates the missing topics (per plant and dead-letter): the original failed
    /// with `UnknownTopicOrPartition` when a topic did not exist yet.
    public func prepareTopics(deadline: Duration, logger: Logger) async throws {
        try KafkaVersion.check(.current, allowOld: allowOldLibrary)
        let admin = try KafkaAdmin(configuration: configuration, logger: logger)
        let topics = (self.topics.plantTopics + [self.topics.deadLetter]).map {
            KafkaNewTopic(name: $0, partitions: self.topics.partitions)
        }
        try await StartupRetry(deadline: deadline).run("kafka \(configuration.bootstrapServers.joined(separator: ","))", logger: logger) {
            try await admin.createTopics(topics, timeout: .seconds(10))
        }
        logger.info("topics ready", metadata: ["kafka.topics": "\(topics.map(\.name).joined(separator: ","))"])
    }
}
