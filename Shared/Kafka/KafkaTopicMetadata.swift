/// What a broker reports about one topic.
public struct KafkaTopicMetadata: Sendable, Hashable {
    public struct Partition: Sendable, Hashable {
        public let id: Int32
        /// The broker leading the partition, -1 while there is none.
        public let leader: Int32
    }

    public let name: String
    public let partitions: [Partition]
}

/// A topic to create.
public struct KafkaNewTopic: Sendable, Hashable {
    public let name: String
    public let partitions: Int32
    /// -1 for the broker's default.
    public let replicationFactor: Int32
    /// Topic configuration set at creation (`max.message.bytes`, ...).
    public let configs: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int32 = -1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}
