import CRdKafka
import Logging

/// One librdkafka client handle (`rd_kafka_t`), destroyed with this object, and the callbacks
/// object it reports to.
final class RDKafkaClient: @unchecked Sendable {
    // @unchecked Sendable: both properties are immutable; librdkafka's API is thread-safe on a
    // handle, and `callbacks` documents its own rule (mutable state only on the owner's queue).
    private let handle: OpaquePointer
    let callbacks: RDKafkaCallbacks

    enum Kind {
        /// An admin client is a producer handle that never produces (so gets no delivery reports).
        case producer, consumer, admin

        var cValue: rd_kafka_type_t { self == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER }
    }

    /// Creates the handle. librdkafka starts its threads and connects in the background, so
    /// this returns before any broker answered.
    /// - Throws: `KafkaError` `.configuration` for a bad property or a rejected combination.
    init(kind: Kind, properties: [(key: String, value: String)], callbacks: RDKafkaCallbacks) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(properties)
        callbacks.install(on: conf, kind: kind)
        var reason = ErrorBuffer()
        guard let handle = rd_kafka_new(kind.cValue, conf, &reason.bytes, reason.bytes.count) else {
            // rd_kafka_new frees the conf only on success; on failure it is still ours.
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: .configuration, message: reason.message)
        }
        self.handle = handle
        self.callbacks = callbacks
        callbacks.logger.debug("Kafka client created", metadata: [
            "kafka.client": "\(String(cString: rd_kafka_name(handle)))",
            "kafka.librdkafka.version": "\(String(cString: rd_kafka_version_str()))",
        ])
    }

    deinit {
        // Waits for librdkafka's threads to stop; after it, no callback runs, so `callbacks`
        // (released after this body) is never reached again. A consumer not closed before is
        // closed here, leaving its group.
        rd_kafka_destroy(handle)
    }

    /// Runs `body` with the raw handle, which must not escape it.
    func withHandle<T, E: Error>(_ body: (OpaquePointer) throws(E) -> T) throws(E) -> T {
        try body(handle)
    }

    /// Serves queued callbacks (delivery reports, statistics, errors), waiting up to
    /// `milliseconds` for the first one. Blocks: only from the owner's queue.
    func poll(milliseconds: Int32) {
        rd_kafka_poll(handle, milliseconds)
    }
}
