import HTTP
import ImageModel
import ImageRoutes
import ImageStores
import Logging
import Prometheus
import Kafka
import Routing
import ServiceKit
import ServiceLifecycle
import StreamSync

/// The image-api process, assembled in one place: store, outbox relay, routes, server, lifecycle.
struct ImageAPI {
    let settings: ServerSettings
    let store: StoreSettings
    /// Nil: changes wait in the outbox until a start with brokers publishes them.
    let kafka: KafkaSettings?
    /// Where the LIMS legacy-format mirror publishes; nil: no mirror.
    let legacyKafka: KafkaSettings?
    /// The envelope schema of the change events it writes.
    let eventSchemaVersion: Int64
    /// Added to the wall clock for the times of changes: simulates a replica whose clock is off.
    let clockOffsetMilliseconds: Int64
    let registry: PrometheusCollectorRegistry

    func run() async throws {
        let logger = Logger(label: "image-api")
        let redacted = redactingPassword(store.url)
        let repository = try ImageStore.make(url: store.url, poolSize: store.poolSize, writesChangeEvents: true,
                                             eventSchemaVersion: eventSchemaVersion, logger: logger)
        logger.info("starting", metadata: ["store.url": "\(redacted)", "config.file": "\(settings.source.filePath ?? "none")",
                                           "event.schema_version": "\(eventSchemaVersion)"])
        try await StartupRetry(deadline: store.deadline).run(redacted, logger: logger) {
            try await repository.ping()
        }
        try await repository.migrate()

        var producers: [KafkaProducer] = []
        var relay: OutboxRelay?
        if let kafka {
            let limits = try await kafka.prepareTopics(deadline: store.deadline, logger: logger)
            let kafkaProducer = try KafkaProducer(configuration: kafka.configuration, logger: logger)
            producers.append(kafkaProducer)
            var legacy: LegacyMirror?
            if let legacyKafka {
                try await legacyKafka.prepareTopics(deadline: store.deadline, logger: logger)
                let legacyProducer = try KafkaProducer(configuration: legacyKafka.configuration, logger: logger)
                producers.append(legacyProducer)
                legacy = LegacyMirror(producer: legacyProducer, topics: legacyKafka.topics, records: repository)
            }
            relay = OutboxRelay(outbox: repository, producer: kafkaProducer, topics: kafka.topics, legacy: legacy, limits: limits,
                                logger: logger)
        } else {
            logger.warning("no Kafka brokers configured (--kafka-brokers): change events wait in the outbox")
        }

        let router = buildRouter(repository: repository, relay: relay, logger: logger)
        let server = HTTPServer(configuration: settings.httpConfiguration, responder: router, logger: logger)
        let port = try server.start()
        logger.info("listening", metadata: ["http.host": "\(settings.host)", "http.port": "\(port)"])

        // Shut down in reverse order: the server first, then the relay, so no change is
        // committed after the relay's last round (the outbox keeps any for the next start).
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = relay.map { [.init(service: $0)] } ?? []
        services.append(.init(service: HTTPServerService(server: server)))
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.maximumGracefulShutdownDuration = settings.shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
        for producer in producers { await producer.close() }
        await repository.close()
        logger.info("stopped")
    }

    func buildRouter(repository: any ImageRepository, relay: OutboxRelay?, logger: Logger) -> Router {
        let router = RouterBuilder(logger: logger)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: BearerAuthMiddleware(token: settings.apiToken))
        if let relay { router.add(middleware: ChangeNotifyingMiddleware(relay: relay)) }
        ServiceRoutes.register(on: router, registry: registry) {
            do { try await repository.ping(); return nil } catch { return "database unreachable: \(error)" }
        }
        let offset = clockOffsetMilliseconds
        ImageController(repository: repository, access: .readWrite, clock: {
            Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch &+ offset)
        }).register(on: router)
        DocsController(title: "LeafSync Image API", access: .readWrite).register(on: router)
        return router.buildResponder()
    }
}
