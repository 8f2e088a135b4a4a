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
            for (name, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                let error = rd_kafka_NewTopic_set_config(newTopic, name, value)
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(error, message: "topic \(topic.name): config \(name)") }
            }
        }
        try adminRequest(RD_KAFKA_ADMIN_OP_CREATETOPICS, "CreateTopics", milliseconds: milliseconds) { handle, options, queue in
            rd_kafka_CreateTopics(handle, &newTopics, newTopics.count, options, queue)
        } result: { event throws(KafkaError) in
            // The result and its topic results belong to the event.
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            try Self.checkTopicResults(results, count: count, tolerating: RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
        }
    }

    /// Deletes `topics`; a topic that does not exist counts as deleted. Blocks up to about
    /// `milliseconds`: only from the admin client's queue.
    /// - Throws: `KafkaError` for the first topic the broker refused to delete, or `.timedOut`.
    func deleteTopics(_ topics: [String], milliseconds: Int32) throws(KafkaError) {
        var deletions = topics.map { rd_kafka_DeleteTopic_new($0) }
        // Like CreateTopics, DeleteTopics copies its arguments.
        defer { deletions.forEach { rd_kafka_DeleteTopic_destroy($0) } }
        try adminRequest(RD_KAFKA_ADMIN_OP_DELETETOPICS, "DeleteTopics", milliseconds: milliseconds) { handle, options, queue in
            rd_kafka_DeleteTopics(handle, &deletions, deletions.count, options, queue)
        } result: { event throws(KafkaError) in
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            try Self.checkTopicResults(results, count: count, tolerating: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        }
    }

    /// The configuration entries the brokers report for each of `topics` (a broker may leave
    /// out defaults: Tansu reports only what was set at creation). Blocks up to about
    /// `milliseconds`: only from the admin client's queue.
    /// - Throws: `KafkaError` for the first topic the broker could not describe, or `.timedOut`.
    func topicConfigs(_ topics: [String], milliseconds: Int32) throws(KafkaError) -> [String: [String: String]] {
        var resources = topics.map { rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, $0) }
        // Like CreateTopics, DescribeConfigs copies its arguments.
        defer { resources.forEach { rd_kafka_ConfigResource_destroy($0) } }
        var configs: [String: [String: String]] = [:]
        try adminRequest(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, "DescribeConfigs", milliseconds: milliseconds) { handle, options, queue in
            rd_kafka_DescribeConfigs(handle, &resources, resources.count, options, queue)
        } result: { event throws(KafkaError) in
            var count = 0
            guard let described = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count) else { return }
            for resource in UnsafeBufferPointer(start: described, count: count) {
                let name = String(cString: rd_kafka_ConfigResource_name(resource))
                let error = rd_kafka_ConfigResource_error(resource)
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(error, message: "topic \(name): \(rd_kafka_ConfigResource_error_string(resource).map { String(cString: $0) } ?? "")")
                }
                var entryCount = 0
                let entries = rd_kafka_ConfigResource_configs(resource, &entryCount)
                var values: [String: String] = [:]
                for entry in UnsafeBufferPointer(start: entries, count: entries == nil ? 0 : entryCount) {
                    guard let value = rd_kafka_ConfigEntry_value(entry) else { continue }
                    values[String(cString: rd_kafka_ConfigEntry_name(entry))] = String(cString: value)
                }
                configs[name] = values
            }
        }
        return configs
    }

    /// Throws for the first per-topic result with an error other than `tolerated` (the results
    /// belong to their event).
    private static func checkTopicResults(_ results: UnsafeMutablePointer<OpaquePointer?>?, count: Int,
                                          tolerating tolerated: rd_kafka_resp_err_t) throws(KafkaError) {
        guard let results else { return }
        for result in UnsafeBufferPointer(start: results, count: count) {
            let error = rd_kafka_topic_result_error(result)
            guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != tolerated else { continue }
            let text = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
            throw KafkaError(error, message: "topic \(String(cString: rd_kafka_topic_result_name(result))): \(text)")
        }
    }

    /// Sends one admin request and reads its single result event on a queue of its own.
    private func adminRequest(_ operation: rd_kafka_admin_op_t, _ name: String, milliseconds: Int32,
                              send: (OpaquePointer, OpaquePointer?, OpaquePointer?) -> Void,
                              result: (OpaquePointer) throws(KafkaError) -> Void) throws(KafkaError) {
        var reason = ErrorBuffer()
        try withHandle { handle throws(KafkaError) in
            let options = rd_kafka_AdminOptions_new(handle, operation)
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &reason.bytes, reason.bytes.count)
            // A temporary queue for the one result event; destroyed after we took it.
            let resultQueue = rd_kafka_queue_new(handle)
            defer { rd_kafka_queue_destroy(resultQueue) }
            send(handle, options, resultQueue)
            // The request times out by itself after `milliseconds`; the extra second lets its
            // timeout event arrive rather than ours.
            guard let event = rd_kafka_queue_poll(resultQueue, milliseconds + 1000) else {
                throw KafkaError(code: .timedOut, message: "\(name) got no answer in \(milliseconds) ms")
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(eventError, message: String(cString: rd_kafka_event_error_string(event)))
            }
            try result(event)
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
