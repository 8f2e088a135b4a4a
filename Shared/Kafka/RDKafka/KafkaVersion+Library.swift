import CRdKafka

extension KafkaVersion {
    /// The librdkafka loaded at run time (which `LD_LIBRARY_PATH` may have swapped for the one
    /// the binary was linked against).
    public static var current: KafkaVersion { KafkaVersion(rawValue: rd_kafka_version()) }

    /// librdkafka's own version text (`2.16.0`, `2.0.2`).
    public static var currentString: String { String(cString: rd_kafka_version_str()) }

    /// Checks the loaded librdkafka at startup, so a too-old library is explained instead of
    /// failing every connection with "Read underflow".
    /// - Throws: `KafkaError` `.unsupportedLibrary` below 2.2.0 unless `allowOld`.
    public static func requireSupported(allowOld: Bool) throws(KafkaError) {
        try check(current, allowOld: allowOld)
    }
}
