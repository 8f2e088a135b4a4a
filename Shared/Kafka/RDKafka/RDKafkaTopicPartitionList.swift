import CRdKafka

/// One `rd_kafka_topic_partition_list_t` built by Swift, destroyed with this object.
final class RDKafkaTopicPartitionList {
    private let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ offsets: [KafkaTopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: offsets.count))
        for entry in offsets {
            // _add copies the topic name and returns the element, owned by the list.
            rd_kafka_topic_partition_list_add(pointer, entry.topic, entry.partition).pointee.offset = entry.offset
        }
    }

    convenience init(_ partitions: [KafkaTopicPartition]) {
        // RD_KAFKA_OFFSET_INVALID (-1001): "no offset", as librdkafka fills new elements.
        self.init(partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: -1001) })
    }

    /// Runs `body` with the list, which must not escape it. The closure keeps this object (and
    /// so the list) alive during the C call: reading a stored pointer would not, since Swift may
    /// release an object right after its last use.
    func withPointer<R>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    /// This list's elements, copied, with each element's error.
    var elements: [(offset: KafkaTopicPartitionOffset, error: rd_kafka_resp_err_t)] {
        withPointer { Self.elements(of: $0) }
    }

    deinit {
        // Frees the elements and the topic names they copied.
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// The elements of any list (ours or one librdkafka lends to a callback), copied, with
    /// each element's error.
    static func elements(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?)
        -> [(offset: KafkaTopicPartitionOffset, error: rd_kafka_resp_err_t)] {
        guard let list, let elems = list.pointee.elems else { return [] }
        return UnsafeBufferPointer(start: elems, count: Int(list.pointee.cnt)).map { element in
            (KafkaTopicPartitionOffset(topic: String(cString: element.topic), partition: element.partition,
                                       offset: element.offset), element.err)
        }
    }

    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [KafkaTopicPartition] {
        elements(of: list).map(\.offset.topicPartition)
    }
}
