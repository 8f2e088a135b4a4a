import Kafka

/// Resolved Kafka settings of a service.
public struct KafkaSettings: Sendable {
    public var configuration: KafkaConfiguration
    public var topics: SyncTopics
    public var allowOldLibrary: Bool

    public init(configuration: KafkaConfiguration, topics: SyncTopics, allowOldLibrary: Bool = false) {
        self.configuration = configuration
        self.topics = topics
        self.allowOldLibrary = allowOldLibrary
    }
}
