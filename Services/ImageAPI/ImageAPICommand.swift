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
        discussion: ServerOptions.precedenceDiscussion)

    @OptionGroup var server: ServerOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var kafka: KafkaOptions

    func run() async throws {
        let settings = try server.resolve(defaultPort: 8080)
        let registry = Observability.bootstrap(level: settings.logLevel)
        let source = settings.source
        let app = ImageAPI(
            settings: settings,
            store: try store.resolve(source),
            kafka: try kafka.resolve(source, clientID: "image-api"),
            registry: registry)
        try await app.run()
    }
}
