/// A gap in a partition's offsets, as a consumer saw it (see `KafkaConsumer.poll`).
public struct KafkaOffsetGap: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        /// First seen; the partition is read again from the gap.
        case rereading
        /// The missing offsets arrived.
        case filled
        /// They did not within the grace; the consumer went on past them.
        case accepted
    }

    public let partition: KafkaTopicPartition
    public let missing: Range<Int64>
    public let outcome: Outcome

    public init(partition: KafkaTopicPartition, missing: Range<Int64>, outcome: Outcome) {
        self.partition = partition
        self.missing = missing
        self.outcome = outcome
    }
}
