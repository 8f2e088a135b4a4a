import CRdKafka

extension RDKafkaClient {
    /// Hands one message to librdkafka, which copies it and sends it in the background; its
    /// delivery report carries `ticket` back. Does not block (no RD_KAFKA_MSG_F_BLOCK).
    /// - Throws: `KafkaError` when librdkafka refuses the message (queue full, unknown
    ///   partition, too large); then no delivery report will come, and `ticket` stays the
    ///   caller's to release.
    func produce(_ message: KafkaOutgoingMessage, ticket: UnsafeMutableRawPointer) throws(KafkaError) {
        let headers = Self.makeHeaders(message.headers)
        let error: OpaquePointer? = withHandle { handle in
            message.topic.withCString { topic in
                withBytes(message.key) { key in
                    withBytes(message.value) { value in
                        var fields = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 4)
                        fields[0].vtype = RD_KAFKA_VTYPE_TOPIC
                        fields[0].u.cstr = topic
                        // F_COPY: librdkafka copies key and value, which Swift frees after the call.
                        fields[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                        fields[1].u.i = RD_KAFKA_MSG_F_COPY
                        fields[2].vtype = RD_KAFKA_VTYPE_VALUE
                        fields[2].u.mem.ptr = UnsafeMutableRawPointer(mutating: value?.baseAddress)
                        fields[2].u.mem.size = value?.count ?? 0
                        fields[3].vtype = RD_KAFKA_VTYPE_OPAQUE
                        fields[3].u.ptr = ticket
                        if let key {
                            fields.append(rd_kafka_vu_t())
                            fields[4].vtype = RD_KAFKA_VTYPE_KEY
                            fields[4].u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            fields[4].u.mem.size = key.count
                        }
                        if let headers {
                            var field = rd_kafka_vu_t()
                            field.vtype = RD_KAFKA_VTYPE_HEADERS
                            field.u.headers = headers
                            fields.append(field)
                        }
                        return rd_kafka_produceva(handle, fields, fields.count)
                    }
                }
            }
        }
        guard let error else { return }
        // The headers pass to librdkafka only when the message is accepted; after a refusal
        // they are still ours to destroy, as is the returned error object.
        if let headers { rd_kafka_headers_destroy(headers) }
        let kafkaError = KafkaError(error: error)
        rd_kafka_error_destroy(error)
        throw kafkaError
    }

    /// Waits up to `milliseconds` until every queued message got its delivery report, serving
    /// the reports on the calling thread. Blocks: only from the producer's queue.
    func flush(milliseconds: Int32) throws(KafkaError) {
        let result = withHandle { rd_kafka_flush($0, milliseconds) }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(result, message: "\(withHandle { rd_kafka_outq_len($0) }) messages not delivered in time")
        }
    }

    /// Fails every queued and in-flight message with `_PURGE_QUEUE`/`_PURGE_INFLIGHT`; their
    /// delivery reports come with the next poll or flush.
    func purge() {
        let flags = RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT
        _ = withHandle { rd_kafka_purge($0, flags) }
    }

    /// An `rd_kafka_headers_t` holding copies of `headers`, nil when there are none.
    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let list = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            // rd_kafka_header_add copies name and value; a nil value is a null header.
            withBytes(header.value) { value in
                _ = rd_kafka_header_add(list, header.name, -1, value?.baseAddress, value?.count ?? 0)
            }
        }
        return list
    }
}

/// Runs `body` with the bytes of `array`, or nil for a nil array.
private func withBytes<R>(_ array: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBytes { body($0) }
}
