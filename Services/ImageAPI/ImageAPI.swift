import HTTP
import ImageModel
import ImageRoutes
import ImageStores
import Logging
import Prometheus
import Routing
import ServiceKit
import ServiceLifecycle

/// The image-api process, assembled in one place: store, routes, server, lifecycle.
struct ImageAPI {
    let settings: ServerSettings
    let storeURL: String
    let storeDeadline: Duration
    let storePoolSize: Int?
    let registry: PrometheusCollectorRegistry

    func run() async throws {
        let logger = Logger(label: "image-api")
        let redacted = redactingPassword(storeURL)
        let repository = try ImageStore.make(url: storeURL, poolSize: storePoolSize, logger: logger)
        logger.info("starting", metadata: ["store.url": "\(redacted)", "config.file": "\(settings.source.filePath ?? "none")"])
        try await StartupRetry(deadline: storeDeadline).run(redacted, logger: logger) {
            try await repository.ping()
        }
        try await repository.migrate()

        let router = buildRouter(repository: repository, logger: logger)
        let server = HTTPServer(configuration: settings.httpConfiguration, responder: router, logger: logger)
        let port = try server.start()
        logger.info("listening", metadata: ["http.host": "\(settings.host)", "http.port": "\(port)"])

        let group = ServiceGroup(configuration: .init(
            services: [.init(service: HTTPServerService(server: server))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        await repository.close()
        logger.info("stopped")
    }

    func buildRouter(repository: any ImageRepository, logger: Logger) -> Router {
        let router = RouterBuilder(logger: logger)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: BearerAuthMiddleware(token: settings.apiToken))
        ServiceRoutes.register(on: router, registry: registry) {
            do { try await repository.ping(); return nil } catch { return "database unreachable: \(error)" }
        }
        ImageController(repository: repository, access: .readWrite).register(on: router)
        DocsController(title: "LeafSync Image API", access: .readWrite).register(on: router)
        return router.buildResponder()
    }
}
