import Foundation

/// The part of librdkafka's statistics (`STATISTICS.md`, emitted every `statistics.interval.ms`)
/// that LeafSync reports: traffic and per-partition consumer lag.
public struct KafkaStatistics: Sendable, Hashable {
    /// Lag and position of one partition the client consumes or produces to.
    public struct Partition: Sendable, Hashable {
        public let topicPartition: KafkaTopicPartition
        /// Messages between the consumer's position and the high watermark; nil when unknown
        /// (not consumed, or no position yet).
        public let consumerLag: Int64?
        /// The last committed offset; nil when none.
        public let committedOffset: Int64?
    }

    /// The librdkafka instance name (`rdkafka#consumer-1`).
    public let name: String
    /// Bytes sent to and received from all brokers (`tx_bytes`, `rx_bytes`).
    public let bytesSent: Int64
    public let bytesReceived: Int64
    /// Messages sent to and received from brokers (`txmsgs`, `rxmsgs`).
    public let messagesSent: Int64
    public let messagesReceived: Int64
    /// Every real partition of every topic in the report, sorted by topic and partition.
    public let partitions: [Partition]

    /// Parses one statistics report.
    /// - Throws: `KafkaError` `.invalidResponse` when `json` is not a statistics object.
    public init(json: Data) throws(KafkaError) {
        guard let root = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw KafkaError(code: .invalidResponse, message: "librdkafka statistics are not a JSON object")
        }
        name = root["name"] as? String ?? ""
        bytesSent = Self.int(root["tx_bytes"]) ?? 0
        bytesReceived = Self.int(root["rx_bytes"]) ?? 0
        messagesSent = Self.int(root["txmsgs"]) ?? 0
        messagesReceived = Self.int(root["rxmsgs"]) ?? 0
        var partitions: [Partition] = []
        for (topic, value) in root["topics"] as? [String: Any] ?? [:] {
            let topicPartitions = (value as? [String: Any])?["partitions"] as? [String: Any] ?? [:]
            for (key, value) in topicPartitions {
                // Partition -1 is librdkafka's internal "unassigned" queue, not a real partition.
                guard let partition = Int32(key), partition >= 0, let fields = value as? [String: Any] else { continue }
                partitions.append(Partition(
                    topicPartition: KafkaTopicPartition(topic: topic, partition: partition),
                    consumerLag: Self.int(fields["consumer_lag"]).flatMap { $0 < 0 ? nil : $0 },
                    committedOffset: Self.int(fields["committed_offset"]).flatMap { $0 < 0 ? nil : $0 }))
            }
        }
        self.partitions = partitions.sorted {
            ($0.topicPartition.topic, $0.topicPartition.partition) < ($1.topicPartition.topic, $1.topicPartition.partition)
        }
    }

    /// The lag of one partition, nil when unknown.
    public func consumerLag(topic: String, partition: Int32) -> Int64? {
        partitions.first { $0.topicPartition == KafkaTopicPartition(topic: topic, partition: partition) }?.consumerLag
    }

    private static func int(_ value: Any?) -> Int64? {
        (value as? NSNumber)?.int64Value
    }
}
