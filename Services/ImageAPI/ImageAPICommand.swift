import ArgumentParser
import Logging
import ServiceKit
import StreamSync

/// `image-api`: the LIMS-compatible image CRUD API over the producer database.
@main
struct ImageAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image-api",
        abstract: "The LeafSync Image API: LIMS-compatible image CRUD over PostgreSQL or MongoDB.",
        discussion: """
        Every option can also be set by an environment variable LEAFSYNC_<OPTION> (e.g. \
        LEAFSYNC_STORE_URL) or, with ENV=dev|stg|prod, by config.<ENV>.json in the config folder. \
        Precedence: flag, then environment variable, then config file, then the default.
        """)

    @OptionGroup var server: ServerOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "The producer database: postgres://user:pass@host:port/db or mongodb://host:port/db. Env LEAFSYNC_STORE_URL.")
    var storeURL: String?

    @Option(help: "Seconds to keep retrying an unreachable database at startup before exiting. Env LEAFSYNC_STORE_DEADLINE. Default 60.")
    var storeDeadline: Double?

    @Option(help: "Database connections (PostgreSQL) or pooled clients (MongoDB). Env LEAFSYNC_STORE_POOL_SIZE. Default 4 / 8.")
    var storePoolSize: Int?

    func run() async throws {
        let settings = try server.resolve(defaultPort: 8080)
        let registry = Observability.bootstrap(level: settings.logLevel)
        let source = settings.source
        guard let url = source.optionalString("store_url", flag: storeURL) else {
            throw ValidationError("no database: set --store-url or LEAFSYNC_STORE_URL")
        }
        let app = ImageAPI(
            settings: settings,
            storeURL: url,
            storeDeadline: try source.seconds("store_deadline", flag: storeDeadline, default: 60),
            storePoolSize: storePoolSize ?? Int(source.optionalString("store_pool_size", flag: nil) ?? ""),
            kafka: try kafka.resolve(source, clientID: "image-api"),
            registry: registry)
        try await app.run()
    }
}
