import CRdKafka
import Foundation

extension RDKafkaClient {
    /// What one `rd_kafka_consumer_poll` returned.
    enum PollResult {
        case message(KafkaMessage)
        /// A consumer error event (broker down, unknown topic...): informational unless fatal.
        case error(KafkaError)
        /// The consumer read everything a partition holds (only with `enable.partition.eof`).
        case endOfPartition(KafkaTopicPartition)
        /// Nothing arrived in time.
        case none
    }

    /// Routes the main queue (logs, statistics, errors) to the consumer queue, so that
    /// `consumerPoll` serves every callback, and joins the group for `topics`.
    func subscribe(to topics: [String]) throws(KafkaError) {
        try withHandle { handle throws(KafkaError) in
            try check(rd_kafka_poll_set_consumer(handle))
            // RD_KAFKA_PARTITION_UA (-1): the group decides the partitions.
            let list = RDKafkaTopicPartitionList(topics.map { KafkaTopicPartition(topic: $0, partition: -1) })
            try check(list.withPointer { rd_kafka_subscribe(handle, $0) })
        }
    }

    /// Waits up to `milliseconds` for one message or event, serving rebalance, statistics and
    /// log callbacks meanwhile. Blocks: only from the consumer's queue.
    func consumerPoll(milliseconds: Int32) -> PollResult {
        guard let message = withHandle({ rd_kafka_consumer_poll($0, milliseconds) }) else { return .none }
        // Every message librdkafka returns must be destroyed; the copy below owns its bytes.
        defer { rd_kafka_message_destroy(message) }
        switch message.pointee.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR: return .message(KafkaMessage(copying: message))
        case RD_KAFKA_RESP_ERR__FATAL: return .error(withHandle { KafkaError.fatal(of: $0) })
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            return .endOfPartition(KafkaTopicPartition(topic: topic, partition: message.pointee.partition))
        case let error:
            // For an error event the payload is librdkafka's description of it.
            let text = message.pointee.payload.map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: message.pointee.len), as: UTF8.self)
            }
            return .error(KafkaError(error, message: text))
        }
    }

    /// Commits `offsets`; when `waiting`, until the coordinator answered, otherwise the
    /// answer comes to the offset commit callback during a later poll.
    func commit(_ offsets: [KafkaTopicPartitionOffset], waiting: Bool) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(offsets)
        try check(withHandle { handle in list.withPointer { rd_kafka_commit(handle, $0, waiting ? 0 : 1) } })
        if waiting { try checkElements(of: list) }
    }

    /// Commits `offsets` through the group's coordinator and waits up to `milliseconds` for
    /// its answer, from a handle that never joined the group (`rd_kafka_commit` would wait
    /// without bound for a coordinator that never answers).
    func commit(_ offsets: [KafkaTopicPartitionOffset], milliseconds: Int32) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(offsets)
        try withHandle { handle throws(KafkaError) in
            guard let queue = rd_kafka_queue_new(handle) else { throw KafkaError(code: .client, message: "librdkafka gave no queue for the commit") }
            // The queue is ours to destroy; the result event on it too.
            defer { rd_kafka_queue_destroy(queue) }
            try check(list.withPointer { rd_kafka_commit_queue(handle, $0, queue, nil, nil) })
            guard let event = rd_kafka_queue_poll(queue, milliseconds) else {
                throw KafkaError(code: .timedOut, message: "the group coordinator did not answer the commit in \(milliseconds) ms")
            }
            defer { rd_kafka_event_destroy(event) }
            try check(rd_kafka_event_error(event))
            // The event's list is the committed offsets with their per-partition results; it
            // belongs to the event.
            for element in RDKafkaTopicPartitionList.elements(of: rd_kafka_event_topic_partition_list(event))
            where element.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(element.error, message: "\(element.offset.topicPartition): \(String(cString: rd_kafka_err2str(element.error)))")
            }
        }
    }

    /// What the group has committed for `partitions`, asked of its coordinator; partitions
    /// without a commit are left out.
    func committed(_ partitions: [KafkaTopicPartition], milliseconds: Int32) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        let list = RDKafkaTopicPartitionList(partitions)
        try check(withHandle { handle in list.withPointer { rd_kafka_committed(handle, $0, milliseconds) } })
        try checkElements(of: list)
        return list.elements.map(\.offset).filter { $0.offset >= 0 }
    }

    /// Stops (or restarts) fetching from `partitions`; the assignment stays.
    func setPaused(_ paused: Bool, _ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(partitions)
        try check(withHandle { handle in
            list.withPointer { paused ? rd_kafka_pause_partitions(handle, $0) : rd_kafka_resume_partitions(handle, $0) }
        })
        try checkElements(of: list)
    }

    /// Makes each partition's next fetch start at its offset. Waits up to `milliseconds` for
    /// librdkafka to apply it; from then on, messages it fetched before are discarded.
    func seek(_ offsets: [KafkaTopicPartitionOffset], milliseconds: Int32) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(offsets)
        if let error = withHandle({ handle in list.withPointer { rd_kafka_seek_partitions(handle, $0, milliseconds) } }) {
            // The returned error is ours to destroy.
            defer { rd_kafka_error_destroy(error) }
            throw KafkaError(error: error)
        }
        try checkElements(of: list)
    }

    /// The partitions currently assigned to this consumer.
    func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try check(withHandle { rd_kafka_assignment($0, &list) })
        // rd_kafka_assignment hands over a new list that we must destroy.
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        return RDKafkaTopicPartitionList.partitions(of: list)
    }

    /// Reads `offsets` outside any group (nothing is committed): each partition from its offset.
    func assign(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try withHandle { handle throws(KafkaError) in
            try check(rd_kafka_poll_set_consumer(handle))
            let list = RDKafkaTopicPartitionList(offsets)
            try check(list.withPointer { rd_kafka_assign(handle, $0) })
        }
    }

    /// The partition's low and high watermarks (first offset, and the next one to be written),
    /// asked of its leader. Blocks up to `milliseconds`.
    func watermarks(_ partition: KafkaTopicPartition, milliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var (low, high): (Int64, Int64) = (0, 0)
        try check(withHandle { rd_kafka_query_watermark_offsets($0, partition.topic, partition.partition, &low, &high, milliseconds) })
        return (low, high)
    }

    /// Every partition of `topics` with its watermarks; topics the brokers do not know are
    /// left out. Blocks until `deadline` at most.
    func watermarks(of topics: [String], deadline: ContinuousClock.Instant) throws(KafkaError)
        -> [(partition: KafkaTopicPartition, low: Int64, high: Int64)] {
        func remaining() -> Int32 { max(1, (deadline - .now).milliseconds) }
        let wanted = Set(topics)
        var result: [(partition: KafkaTopicPartition, low: Int64, high: Int64)] = []
        for metadata in try metadata(milliseconds: remaining()) where wanted.contains(metadata.name) {
            for partition in metadata.partitions.sorted(by: { $0.id < $1.id }) {
                let topicPartition = KafkaTopicPartition(topic: metadata.name, partition: partition.id)
                let (low, high) = try watermarks(topicPartition, milliseconds: remaining())
                result.append((topicPartition, low, high))
            }
        }
        return result
    }

    /// Revokes the assignment (running the rebalance callback), commits nothing by itself, and
    /// leaves the group. Blocks: only from the consumer's queue.
    func closeConsumer() throws(KafkaError) {
        try check(withHandle { rd_kafka_consumer_close($0) })
    }

    private func check(_ error: rd_kafka_resp_err_t) throws(KafkaError) {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(error) }
    }

    /// Calls that take a list report per-partition failures in its elements.
    private func checkElements(of list: RDKafkaTopicPartitionList) throws(KafkaError) {
        for element in list.elements where element.error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(element.error, message: "\(element.offset.topicPartition): \(String(cString: rd_kafka_err2str(element.error)))")
        }
    }
}
