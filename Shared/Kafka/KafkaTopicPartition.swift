/// One partition of a topic.
public struct KafkaTopicPartition: Sendable, Hashable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A position in a partition: for a commit, the offset of the next message to read (the last
/// processed offset + 1), as Kafka defines committed offsets.
public struct KafkaTopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    public let topicPartition: KafkaTopicPartition
    public let offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
        self.offset = offset
    }

    public var topic: String { topicPartition.topic }
    public var partition: Int32 { topicPartition.partition }
    public var description: String { "\(topicPartition)@\(offset)" }
}
