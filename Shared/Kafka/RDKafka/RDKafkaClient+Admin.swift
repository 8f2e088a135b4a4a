import CRdKafka

extension RDKafkaClient {
    /// Creates `topics`; a topic that already exists counts as created. Blocks up to about
    /// `milliseconds`: only from the admin client's queue.
    /// - Throws: `KafkaError` for the first topic the broker refused, or `.timedOut`.
    func createTopics(_ topics: [KafkaNewTopic], milliseconds: Int32) throws(KafkaError) {
        var reason = ErrorBuffer()
        var newTopics: [OpaquePointer?] = []
        // rd_kafka_CreateTopics copies what it needs: the NewTopic objects stay ours to destroy.
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        for topic in topics {
            guard let newTopic = rd_kafka_NewTopic_new(topic.name, topic.partitions, topic.replicationFactor,
                                                       &reason.bytes, reason.bytes.count) else {
                throw KafkaError(code: .configuration, message: "topic \(topic.name): \(reason.message)")
            }
            newTopics.append(newTopic)
        }
        try withHandle { handle throws(KafkaError) in
            let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &reason.bytes, reason.bytes.count)
            // A temporary queue for the one result event; destroyed after we took it.
            let resultQueue = rd_kafka_queue_new(handle)
            defer { rd_kafka_queue_destroy(resultQueue) }
            rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, resultQueue)
            // The request times out by itself after `milliseconds`; the extra second lets its
            // timeout event arrive rather than ours.
            guard let event = rd_kafka_queue_poll(resultQueue, milliseconds + 1000) else {
                throw KafkaError(code: .timedOut, message: "CreateTopics got no answer in \(milliseconds) ms")
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(eventError, message: String(cString: rd_kafka_event_error_string(event)))
            }
            // The result and its topic results belong to the event.
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count) else { return }
            for result in UnsafeBufferPointer(start: results, count: count) {
                let error = rd_kafka_topic_result_error(result)
                guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { continue }
                let text = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
                throw KafkaError(error, message: "topic \(String(cString: rd_kafka_topic_result_name(result))): \(text)")
            }
        }
    }

    /// Every topic the brokers know, except those they report an error for. Blocks up to
    /// `milliseconds`.
    func metadata(milliseconds: Int32) throws(KafkaError) -> [KafkaTopicMetadata] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = withHandle { rd_kafka_metadata($0, 1, nil, &metadata, milliseconds) }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(error) }
        // The whole tree is one allocation, freed at once; only copies leave.
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        return topics.filter { $0.err == RD_KAFKA_RESP_ERR_NO_ERROR }.map { topic in
            let partitions = UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt))
            return KafkaTopicMetadata(name: String(cString: topic.topic),
                                      partitions: partitions.map { .init(id: $0.id, leader: $0.leader) })
        }
    }
}
