import CRdKafka

extension KafkaMessage {
    /// Copies a consumed message out of librdkafka, which still owns (and later frees) it.
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let fields = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &timestampType)
        self.init(topic: String(cString: rd_kafka_topic_name(fields.rkt)),
                  partition: fields.partition, offset: fields.offset,
                  key: Self.bytes(fields.key, fields.key_len),
                  value: Self.bytes(fields.payload, fields.len),
                  headers: Self.headers(of: message),
                  timestamp: KafkaTimestamp(type: timestampType, milliseconds: milliseconds))
    }

    private static func bytes(_ pointer: UnsafeRawPointer?, _ count: Int) -> [UInt8]? {
        pointer.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) }
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        // The header list belongs to the message: read it, never destroy it.
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var headers: [KafkaHeader] = []
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, headers.count, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            headers.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes(value, size)))
        }
        return headers
    }
}

extension KafkaTimestamp {
    init?(type: rd_kafka_timestamp_type_t, milliseconds: Int64) {
        switch type {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: kind = .created
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: kind = .appended
        default: return nil
        }
        millisecondsSinceEpoch = milliseconds
    }
}
