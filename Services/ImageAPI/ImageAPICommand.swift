import ArgumentParser
import ImageModel
import Logging
import ServiceKit
import StreamOptions
import StreamSync

/// `image-api`: the LIMS-compatible image CRUD API over the producer database (`serve`, the
/// default) and the operator's commands for the events its relay parked (`parked`).
@main
struct ImageAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-api",
        abstract: "The LeafSync Image API: LIMS-compatible image CRUD over PostgreSQL or MongoDB.",
        subcommands: [ServeCommand.self, ParkedCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// Serves the API and runs the outbox relay.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the API and publish its change events (the default).",
        discussion: ServerOptions.precedenceDiscussion)

    @OptionGroup var server: ServerOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "Also publish every change in the LIMS legacy format (the whole record with hex data, no envelope), as LIMS did, to topics <prefix>potato...; for LIMS-era consumers. Env LEAFSYNC_LEGACY_TOPIC_PREFIX. Default none: off.")
    var legacyTopicPrefix: String?

    @Option(help: "Brokers for the legacy-format topics, comma-separated host:port. Env LEAFSYNC_LEGACY_KAFKA_BROKERS. Default the --kafka-brokers.")
    var legacyKafkaBrokers: String?

    @Option(help: "Envelope schema of the change events written: 2 (the JPEG as bytes after the JSON) or 1 (hex in the JSON, for consumers older than schema 2; see Evolving the schema in docs/events.md). Env LEAFSYNC_SCHEMA_VERSION. Default 2.")
    var schemaVersion: Int?

    @Option(help: "Milliseconds added to this instance's clock for the times of changes (tests of skewed replicas; updated_at stays ordered regardless). Env LEAFSYNC_CLOCK_OFFSET_MS. Default 0.")
    var clockOffsetMs: Int?

    func run() async throws {
        let settings = try server.resolve(defaultPort: 8080, defaultMaxBodyBytes: EventLimits.maxEventBytes)
        let host = ServiceHost("image-api", settings: settings)
        let source = settings.source
        let kafkaSettings = try kafka.resolve(source, clientID: "image-api")
        let legacy = try source.optionalString("legacy_topic_prefix", flag: legacyTopicPrefix).map { prefix in
            guard var legacy = kafkaSettings else {
                throw ValidationError("--legacy-topic-prefix needs brokers: set --kafka-brokers or LEAFSYNC_KAFKA_BROKERS")
            }
            legacy.topics.prefix = prefix
            legacy.configuration.clientID = "image-api-legacy"
            if let brokers = source.optionalString("legacy_kafka_brokers", flag: legacyKafkaBrokers) {
                legacy.configuration.bootstrapServers = brokers.split(separator: ",").map(String.init)
            }
            return legacy
        }
        let clockOffset = try source.int("clock_offset_ms", flag: clockOffsetMs, default: 0)
        guard abs(clockOffset) <= 86_400_000 else { throw ValidationError("clock offset must be within a day (±86400000 ms), got \(clockOffset)") }
        let schema = Int64(try source.int("schema_version", flag: schemaVersion, default: Int(ChangeEvent.schemaVersion)))
        guard ChangeEvent.schemaVersions.contains(schema) else {
            throw ValidationError("--schema-version must be \(ChangeEvent.schemaVersions.lowerBound) or \(ChangeEvent.schemaVersions.upperBound), not \(schema)")
        }
        let app = ImageAPI(
            host: host,
            store: try store.resolve(source),
            kafka: kafkaSettings,
            legacyKafka: legacy,
            eventSchemaVersion: schema,
            clockOffsetMilliseconds: Int64(clockOffset))
        try await app.run()
    }
}
