/// What a consumer tells its owner when the group moves partitions, called on the consumer's
/// queue during `poll` or `close`. With `cooperative-sticky` only the partitions that move are
/// named; the others keep being consumed.
///
/// The closures run synchronously inside librdkafka's rebalance callback, so they must not
/// call the consumer (its queue is busy running them): `partitionsRevoking` instead returns the
/// offsets to commit, and the consumer commits them before it gives the partitions up.
public struct KafkaRebalanceHandler: Sendable {
    /// Partitions newly assigned to this consumer.
    public var partitionsAssigned: @Sendable ([KafkaTopicPartition]) -> Void
    /// Partitions about to be taken away: return the offsets (next offset to read) of what was
    /// applied, to commit them synchronously first. When the assignment was lost (session
    /// timed out), the commit would fail; the consumer skips it and logs.
    public var partitionsRevoking: @Sendable ([KafkaTopicPartition]) -> [KafkaTopicPartitionOffset]

    public init(partitionsAssigned: @escaping @Sendable ([KafkaTopicPartition]) -> Void = { _ in },
                partitionsRevoking: @escaping @Sendable ([KafkaTopicPartition]) -> [KafkaTopicPartitionOffset] = { _ in [] }) {
        self.partitionsAssigned = partitionsAssigned
        self.partitionsRevoking = partitionsRevoking
    }
}
