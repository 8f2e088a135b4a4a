import CRdKafka

/// Builds `rd_kafka_conf_t` objects.
enum RDKafkaConfig {
    /// A new conf with `properties` set, owned by the caller: it must reach `rd_kafka_new`
    /// (which takes it over on success only) or `rd_kafka_conf_destroy`.
    /// - Throws: `KafkaError` `.configuration` naming the first unknown or invalid property.
    static func make(_ properties: [(key: String, value: String)]) throws(KafkaError) -> OpaquePointer {
        // rd_kafka_conf_new only fails when out of memory, which librdkafka treats as fatal.
        let conf = rd_kafka_conf_new()!
        var reason = ErrorBuffer()
        for (key, value) in properties {
            let result = rd_kafka_conf_set(conf, key, value, &reason.bytes, reason.bytes.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let kind = result == RD_KAFKA_CONF_UNKNOWN ? "unknown property" : "invalid value for property"
                throw KafkaError(code: .configuration,
                                 message: "\(kind) \(key)=\(value): \(reason.message)")
            }
        }
        return conf
    }
}
