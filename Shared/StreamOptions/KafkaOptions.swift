import ArgumentParser
import ImageModel
import Kafka
import ServiceKit
import StreamSync

/// The Kafka options of the services on the stream path; like every option, each may also
/// come from `LEAFSYNC_<NAME>` or the config file.
public struct KafkaOptions: ParsableArguments, Sendable {
    @Option(help: "Kafka bootstrap servers, comma-separated host:port. Env LEAFSYNC_KAFKA_BROKERS.")
    public var kafkaBrokers: String?

    @Option(help: "Prefix of the per-plant topic names (topics are <prefix>potato...). Env LEAFSYNC_TOPIC_PREFIX. Default none.")
    public var topicPrefix: String?

    @Option(help: "Partitions of topics created at startup. Env LEAFSYNC_TOPIC_PARTITIONS. Default 3.")
    public var topicPartitions: Int?

    @Option(help: "Topic for messages the consumer cannot apply. Env LEAFSYNC_DEAD_LETTER_TOPIC. Default leafsync-dead-letter.")
    public var deadLetterTopic: String?

    @Option(help: "Extra librdkafka property key=value (repeatable), e.g. linger.ms=1.")
    public var kafkaProperty: [String] = []

    @Flag(help: "Start even with a librdkafka older than 2.2.0 (it mis-parses tagged fields of modern brokers).")
    public var allowOldLibrdkafka = false

    public init() {}

    /// The settings, or nil when no brokers are configured.
    public func resolve(_ source: ConfigurationSource, clientID: String) throws -> KafkaSettings? {
        guard let brokers = source.optionalString("kafka_brokers", flag: kafkaBrokers), !brokers.isEmpty else { return nil }
        var properties: [String: String] = [:]
        for property in kafkaProperty {
            let parts = property.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--kafka-property \(property): expected key=value") }
            properties[String(parts[0])] = String(parts[1])
        }
        // Every client of the stream path (relay, legacy mirror, dead letters, consumer) takes
        // the largest event; librdkafka raises a consumer's fetch.max.bytes to match.
        if properties["message.max.bytes"] == nil { properties["message.max.bytes"] = String(EventLimits.maxMessageBytes) }
        let partitions = try source.int("topic_partitions", flag: topicPartitions, default: 3)
        guard (1...1000).contains(partitions) else { throw ValidationError("topic partitions must be 1...1000, got \(partitions)") }
        return KafkaSettings(
            configuration: KafkaConfiguration(bootstrapServers: brokers.split(separator: ",").map(String.init),
                                              clientID: clientID, statisticsInterval: .seconds(5), properties: properties),
            topics: SyncTopics(prefix: source.string("topic_prefix", flag: topicPrefix, default: ""),
                               partitions: Int32(partitions),
                               deadLetter: source.string("dead_letter_topic", flag: deadLetterTopic, default: "leafsync-dead-letter")),
            allowOldLibrary: allowOldLibrdkafka)
    }
}
