import HTTP
import ImageModel
import ImageRoutes
import ImageStores
import Kafka
import Logging
import Prometheus
import Routing
import ServiceKit
import ServiceLifecycle
import StreamSync

/// The consumer process, assembled in one place: store, Kafka consumer, read routes, server,
/// lifecycle.
struct Consumer {
    let settings: ServerSettings
    let store: StoreSettings
    let kafka: KafkaSettings
    let groupID: String
    let batching: ChangeConsumer.Batching
    let registry: PrometheusCollectorRegistry

    func run() async throws {
        let logger = Logger(label: "consumer")
        let redacted = redactingPassword(store.url)
        let repository = try ImageStore.make(url: store.url, poolSize: store.poolSize, logger: logger)
        logger.info("starting", metadata: ["store.url": "\(redacted)", "kafka.group": "\(groupID)"])
        try await StartupRetry(deadline: store.deadline).run(redacted, logger: logger) {
            try await repository.ping()
        }
        try await repository.migrate()
        try await kafka.prepareTopics(deadline: store.deadline, logger: logger)

        let deadLetters = try KafkaProducer(configuration: kafka.configuration, logger: logger)
        let health = SyncHealth()
        let router = buildRouter(repository: repository, health: health, logger: logger)
        let server = HTTPServer(configuration: settings.httpConfiguration, responder: router, logger: logger)
        let port = try server.start()
        logger.info("listening", metadata: ["http.host": "\(settings.host)", "http.port": "\(port)"])

        // The group is joined only once no bootstrap of it is unfinished (`/ready` says why
        // meanwhile, `/ping` answers). Reverse order on shutdown: the consumer finishes and
        // commits its batch and leaves the group while reads are still served; then the
        // server stops.
        let changes = StreamService { [self] in
            let finished = try await cancelWhenGracefulShutdown {
                try await ConsumerBootstrap.waitUntilFinished(group: groupID, store: repository, health: health, logger: logger)
            }
            guard finished else { return }
            try await ChangeConsumer(configuration: kafka.configuration, groupID: groupID, deadLetters: deadLetters,
                                     replica: repository, topics: kafka.topics, batching: batching, health: health,
                                     logger: logger).run()
        }
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: HTTPServerService(server: server)), .init(service: changes)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = settings.shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
        await deadLetters.close()
        await repository.close()
        logger.info("stopped")
    }

    func buildRouter(repository: any ImageRepository, health: SyncHealth, logger: Logger) -> Router {
        let router = RouterBuilder(logger: logger)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        ServiceRoutes.register(on: router, registry: registry) {
            if let problem = health.currentProblem { return problem }
            do { try await repository.ping(); return nil } catch { return "database unreachable: \(error)" }
        }
        ImageController(repository: repository, access: .readOnly).register(on: router)
        DocsController(title: "LeafSync Consumer", access: .readOnly).register(on: router)
        return router.buildResponder()
    }
}

/// The stream as a lifecycle service, started by `body` when the group runs.
private struct StreamService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws { try await body() }
}
