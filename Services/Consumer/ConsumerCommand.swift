import ArgumentParser
import ServiceKit
import StreamOptions
import StreamSync

/// `consumer`: applies the change events of Kafka to the consumer database and serves the
/// read endpoints from it (`serve`, the default); `bootstrap` fills a new consumer DB while
/// writes go on; `dead-letters` lists and replays what it dead-lettered.
@main
struct ConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer",
        abstract: "The LeafSync consumer: applies change events from Kafka to the consumer DB and serves its read API.",
        subcommands: [ServeCommand.self, BootstrapCommand.self, DeadLettersCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// Consumes, applies and serves.
struct ServeCommand: AsyncParsableCommand {
    /// LIMS's consumer group.
    static let defaultGroupID = "pepper-potato-tomato-group"

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Apply change events to the consumer DB and serve its read API (the default).",
        discussion: ServerOptions.precedenceDiscussion)

    @OptionGroup var server: ServerOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "Kafka consumer group. Env LEAFSYNC_GROUP_ID. Default pepper-potato-tomato-group (as LIMS).")
    var groupID: String?

    @Option(help: "Most messages applied per batch. Env LEAFSYNC_BATCH_MAX_MESSAGES. Default 1000.")
    var batchMaxMessages: Int?

    @Option(help: "Milliseconds to wait for a batch's first message. Env LEAFSYNC_BATCH_MAX_WAIT_MS. Default 100.")
    var batchMaxWaitMs: Int?

    @Option(help: "Larger message values are dead-lettered (below 1064960, valid creates with large JPEGs too). Env LEAFSYNC_MAX_MESSAGE_BYTES. Default 1064960.")
    var maxMessageBytes: Int?

    @Option(help: "A batch ends once its messages hold this many bytes. Env LEAFSYNC_BATCH_MAX_BYTES. Default 1048576.")
    var batchMaxBytes: Int?

    @Option(help: "Seconds an update or delete that came before its record waits for it in the consumer DB before it is dead-lettered. Env LEAFSYNC_WAITING_TIMEOUT_SECONDS. Default 3600.")
    var waitingTimeoutSeconds: Int?

    @Option(help: "Milliseconds a gap in a partition's offsets is read again before the consumer goes on past it (0: at once; a topic that is compacted or written in transactions has real gaps). Env LEAFSYNC_OFFSET_GAP_GRACE_MS. Default 10000.")
    var offsetGapGraceMs: Int?

    func run() async throws {
        let settings = try server.resolve(defaultPort: 8082)
        let host = ServiceHost("consumer", settings: settings, histogramBuckets: ChangeConsumer.histogramBuckets)
        let source = settings.source
        guard let kafkaSettings = try kafka.resolve(source, clientID: "consumer") else {
            throw ValidationError("no broker: set --kafka-brokers or LEAFSYNC_KAFKA_BROKERS")
        }
        let defaults = ChangeConsumer.Batching()
        let batching = ChangeConsumer.Batching(
            maxMessages: try source.int("batch_max_messages", flag: batchMaxMessages, default: defaults.maxMessages),
            maxWait: .milliseconds(try source.int("batch_max_wait_ms", flag: batchMaxWaitMs,
                                                  default: Int(defaults.maxWait / .milliseconds(1)))),
            maxMessageBytes: try source.int("max_message_bytes", flag: maxMessageBytes, default: defaults.maxMessageBytes),
            maxBatchBytes: try source.int("batch_max_bytes", flag: batchMaxBytes, default: defaults.maxBatchBytes),
            waitingTimeout: .seconds(try source.int("waiting_timeout_seconds", flag: waitingTimeoutSeconds,
                                                    default: Int(defaults.waitingTimeout / .seconds(1)))),
            offsetGapGrace: .milliseconds(try source.int("offset_gap_grace_ms", flag: offsetGapGraceMs,
                                                         default: Int(defaults.offsetGapGrace / .milliseconds(1)))))
        guard batching.maxMessages >= 1 else { throw ValidationError("batch max messages must be at least 1") }
        guard batching.maxBatchBytes >= 1, batching.maxMessageBytes >= 1, batching.maxWait >= .zero else {
            throw ValidationError("batch max bytes and max message bytes must be at least 1, the batch wait not negative")
        }
        // Bounded: the expiry deadline is computed in milliseconds, which a huge value would overflow.
        guard batching.waitingTimeout >= .seconds(1), batching.waitingTimeout <= .seconds(30 * 86_400) else {
            throw ValidationError("the waiting timeout must be 1...2592000 seconds (30 days)")
        }
        guard batching.offsetGapGrace >= .zero, batching.offsetGapGrace <= .seconds(3600) else {
            throw ValidationError("the offset gap grace must be 0...3600000 milliseconds (an hour)")
        }
        let app = Consumer(
            host: host,
            store: try store.resolve(source),
            kafka: kafkaSettings,
            groupID: source.string("group_id", flag: groupID, default: Self.defaultGroupID),
            batching: batching)
        try await app.run()
    }
}
