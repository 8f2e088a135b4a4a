import CRdKafka

/// A transactional producer on librdkafka's C API, for one purpose: each committed transaction
/// leaves a marker in the partition, an offset no consumer ever sees, so the tests get real
/// gaps from the real broker. The product never writes in transactions.
final class TransactionalProducer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let handle: OpaquePointer

    init(brokers: [String], transactionalID: String) throws {
        let configuration = rd_kafka_conf_new()
        var message = [CChar](repeating: 0, count: 512)
        for (key, value) in ["bootstrap.servers": brokers.joined(separator: ","), "transactional.id": transactionalID] {
            guard rd_kafka_conf_set(configuration, key, value, &message, message.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(configuration)
                throw Failure(description: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        // rd_kafka_new takes the configuration over when it succeeds, and only then.
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, configuration, &message, message.count) else {
            rd_kafka_conf_destroy(configuration)
            throw Failure(description: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        self.handle = handle
        try check(rd_kafka_init_transactions(handle, 10_000))
    }

    /// Sends `values` to partition 0 of `topic` in one committed transaction.
    func commit(_ values: [String], to topic: String) throws {
        try check(rd_kafka_begin_transaction(handle))
        for value in values {
            var bytes = Array(value.utf8)
            let error = topic.withCString { topic in
                bytes.withUnsafeMutableBytes { value in
                    var fields = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 4)
                    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    fields[0].u.cstr = topic
                    fields[1].vtype = RD_KAFKA_VTYPE_PARTITION
                    fields[1].u.i32 = 0
                    // F_COPY: librdkafka copies the value before `bytes` goes away.
                    fields[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    fields[2].u.i = RD_KAFKA_MSG_F_COPY
                    fields[3].vtype = RD_KAFKA_VTYPE_VALUE
                    fields[3].u.mem.ptr = value.baseAddress
                    fields[3].u.mem.size = value.count
                    return rd_kafka_produceva(handle, fields, fields.count)
                }
            }
            try check(error)
        }
        try check(rd_kafka_commit_transaction(handle, 10_000))
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    private func check(_ error: OpaquePointer?) throws {
        guard let error else { return }
        // Errors the transactional API returns are ours to destroy.
        defer { rd_kafka_error_destroy(error) }
        throw Failure(description: String(cString: rd_kafka_error_string(error)))
    }
}
