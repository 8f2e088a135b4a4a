import Kafka
import Synchronization

/// Offsets whose changes are in the consumer DB but not yet committed. Shared by the consume
/// loop and the rebalance callback, which commits those of partitions being revoked so the
/// next owner does not redo them.
final class PendingOffsets: Sendable {
    private let offsets = Mutex<[KafkaTopicPartition: Int64]>([:])

    /// Records that every message of `batch` is applied.
    func applied(_ batch: [KafkaMessage]) {
        offsets.withLock { offsets in
            for message in batch {
                offsets[KafkaTopicPartition(topic: message.topic, partition: message.partition)] = message.offset + 1
            }
        }
    }

    var all: [KafkaTopicPartitionOffset] {
        offsets.withLock { $0.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) } }
    }

    /// Forgets `committed`, except partitions that moved on meanwhile.
    func committed(_ committed: [KafkaTopicPartitionOffset]) {
        offsets.withLock { offsets in
            for entry in committed where offsets[entry.topicPartition] == entry.offset { offsets[entry.topicPartition] = nil }
        }
    }

    /// Removes and returns the offsets of `partitions` (being revoked).
    func take(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartitionOffset] {
        offsets.withLock { offsets in
            partitions.compactMap { partition in
                offsets.removeValue(forKey: partition).map {
                    KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: $0)
                }
            }
        }
    }
}
