import ArgumentParser
import ServiceKit
import StreamSync

/// `consumer`: applies the change events of Kafka to the consumer database and serves the
/// read endpoints from it.
@main
struct ConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer",
        abstract: "The LeafSync consumer: applies change events from Kafka to the consumer DB and serves its read API.",
        discussion: """
        Every option can also be set by an environment variable LEAFSYNC_<OPTION> (e.g. \
        LEAFSYNC_STORE_URL) or, with ENV=dev|stg|prod, by config.<ENV>.json in the config folder. \
        Precedence: flag, then environment variable, then config file, then the default.
        """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "The consumer database: postgres://user:pass@host:port/db or mongodb://host:port/db. Env LEAFSYNC_STORE_URL.")
    var storeURL: String?

    @Option(help: "Seconds to keep retrying an unreachable database or broker at startup. Env LEAFSYNC_STORE_DEADLINE. Default 60.")
    var storeDeadline: Double?

    @Option(help: "Database connections (PostgreSQL) or pooled clients (MongoDB). Env LEAFSYNC_STORE_POOL_SIZE. Default 4 / 8.")
    var storePoolSize: Int?

    @Option(help: "Kafka consumer group. Env LEAFSYNC_GROUP_ID. Default pepper-potato-tomato-group (as LIMS).")
    var groupID: String?

    @Option(help: "Most messages applied per batch. Env LEAFSYNC_BATCH_MAX_MESSAGES. Default 2000.")
    var batchMaxMessages: Int?

    @Option(help: "Milliseconds to wait for a batch's first message. Env LEAFSYNC_BATCH_MAX_WAIT_MS. Default 100.")
    var batchMaxWaitMs: Int?

    @Option(help: "Larger messages are dead-lettered. Env LEAFSYNC_MAX_MESSAGE_BYTES. Default 8388608.")
    var maxMessageBytes: Int?

    func run() async throws {
        let settings = try server.resolve(defaultPort: 8082)
        let registry = Observability.bootstrap(level: settings.logLevel)
        let source = settings.source
        guard let url = source.optionalString("store_url", flag: storeURL) else {
            throw ValidationError("no database: set --store-url or LEAFSYNC_STORE_URL")
        }
        guard let kafkaSettings = try kafka.resolve(source, clientID: "consumer") else {
            throw ValidationError("no broker: set --kafka-brokers or LEAFSYNC_KAFKA_BROKERS")
        }
        let batching = ChangeConsumer.Batching(
            maxMessages: try source.int("batch_max_messages", flag: batchMaxMessages, default: 2000),
            maxWait: .milliseconds(try source.int("batch_max_wait_ms", flag: batchMaxWaitMs, default: 100)),
            maxMessageBytes: try source.int("max_message_bytes", flag: maxMessageBytes, default: 8 << 20))
        guard batching.maxMessages >= 1 else { throw ValidationError("batch max messages must be at least 1") }
        let app = Consumer(
            settings: settings,
            storeURL: url,
            storeDeadline: try source.seconds("store_deadline", flag: storeDeadline, default: 60),
            storePoolSize: storePoolSize ?? Int(source.optionalString("store_pool_size", flag: nil) ?? ""),
            kafka: kafkaSettings,
            groupID: source.string("group_id", flag: groupID, default: "pepper-potato-tomato-group"),
            batching: batching,
            registry: registry)
        try await app.run()
    }
}
