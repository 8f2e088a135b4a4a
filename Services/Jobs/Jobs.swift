import HTTP
import HTTPClient
import JobControl
import Logging
import Prometheus
import Routing
import ServiceKit
import ServiceLifecycle

/// The jobs process, assembled in one place: clients, the three jobs, routes, server, lifecycle.
struct Jobs {
    let server: ServerSettings
    let settings: JobsSettings
    let registry: PrometheusCollectorRegistry

    func run() async throws {
        let logger = Logger(label: "jobs")
        let context = try makeContext(logger: logger)
        let jobs = [CameraJob.make(context), RecognizerJob.make(context), UsersJob.make(context)]
        logger.info("starting", metadata: [
            "jobs.image_api_url": "\(settings.imageAPIURL)",
            "jobs.classifier": "\(settings.imageAnalyzerURL ?? "stand-in (no image analyzer configured)")",
            "jobs.speed": "\(settings.speed)", "jobs.intensity": "\(settings.intensity)", "jobs.seed": "\(settings.seed)",
        ])

        let router = RouterBuilder(logger: logger)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: BearerAuthMiddleware(token: server.apiToken))
        // Ready as soon as it serves: the jobs ride out an image-api outage, so it is no reason
        // to take this process out of service.
        ServiceRoutes.register(on: router, registry: registry) { nil }
        JobRoutes.register(on: router, jobs: jobs)
        let httpServer = HTTPServer(configuration: server.httpConfiguration, responder: router.buildResponder(), logger: logger)
        let port = try httpServer.start()
        logger.info("listening", metadata: ["http.host": "\(server.host)", "http.port": "\(port)"])

        // Reverse order on shutdown: the jobs end their runs first, then the server stops.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: HTTPServerService(server: httpServer))] + jobs.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = server.shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
        logger.info("stopped")
    }

    private func makeContext(logger: Logger) throws -> JobsContext {
        let imageAPI = ServiceCaller(
            name: "image-api", client: try HTTPClient(url: settings.imageAPIURL, timeout: settings.requestTimeout),
            token: settings.imageAPIToken, outage: OutageLog(service: "image-api", logger: logger))
        let classifier: any DiseaseClassifier = try settings.imageAnalyzerURL.map { url in
            ImageAnalyzerClassifier(caller: ServiceCaller(
                name: "image analyzer", client: try HTTPClient(url: url, timeout: settings.requestTimeout),
                token: nil, outage: OutageLog(service: "image analyzer", logger: logger)))
        } ?? StandInClassifier()
        return JobsContext(api: ImageAPIClient(caller: imageAPI), classifier: classifier, metrics: JobsMetrics(),
                           settings: settings, logger: logger)
    }
}
