import HTTP
import Logging
import Prometheus
import Routing
import ServiceLifecycle

/// The start and stop every LeafSync service shares, written once: the process's memory
/// settings, logging and metrics, waiting for its databases, the router with the standard
/// middleware and routes, the HTTP server, and a `ServiceGroup` that SIGTERM and SIGINT shut
/// down in reverse order of start, within `--shutdown-grace`. A service is its settings, what
/// it registers on the router and the services it runs beside the server.
public struct ServiceHost: Sendable {
    public let name: String
    public let settings: ServerSettings
    /// What `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    public let logger: Logger

    /// Bootstraps the process: call once, from the command's `run`, before any thread starts.
    /// - Parameter histogramBuckets: buckets of particular duration histograms, by metric name.
    public init(_ name: String, settings: ServerSettings, histogramBuckets: [String: [Duration]] = [:]) {
        ProcessMemory.limitRetainedMemory()
        self.name = name
        self.settings = settings
        registry = Observability.bootstrap(level: settings.logLevel, histogramBuckets: histogramBuckets)
        logger = Logger(label: name)
    }

    /// Waits until `ping` answers, with backoff and a log line per failure, for at most
    /// `deadline`: a database or broker that starts after the service is no reason to exit.
    /// - Parameter what: the dependency as logs name it; a URL's password is redacted.
    public func waitFor(_ what: String, deadline: Duration, _ ping: @Sendable () async throws -> Void) async throws {
        try await StartupRetry(deadline: deadline).run(redactingPassword(what), logger: logger, ping)
    }

    /// A router with request ids, the access log, HTTP metrics, the bearer token on writes when
    /// `protectsWrites` (`--api-token`), and `/ping`, `/ready` and `/metrics`.
    /// - Parameter readiness: why the service is not ready, or nil when it is.
    public func router(protectsWrites: Bool, readiness: @escaping @Sendable () async -> String?) -> RouterBuilder {
        let router = RouterBuilder(logger: logger)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        if protectsWrites { router.add(middleware: BearerAuthMiddleware(token: settings.apiToken)) }
        ServiceRoutes.register(on: router, registry: registry, readiness: readiness)
        return router
    }

    /// Starts the HTTP server with `router`'s routes, then runs `first`, the server and `last`
    /// until a signal, which shuts them down in reverse: `last` ends before the server stops
    /// (a consumer commits its batch while reads are still served), `first` after it (a relay
    /// publishes what requests committed until the end).
    public func serve(_ router: RouterBuilder, first: [any Service] = [], last: [any Service] = []) async throws {
        let server = HTTPServer(configuration: settings.httpConfiguration, responder: router.buildResponder(), logger: logger)
        let port = try server.start()
        logger.info("listening", metadata: ["http.host": "\(settings.host)", "http.port": "\(port)"])
        let services = first + [HTTPServerService(server: server)] + last
        var configuration = ServiceGroupConfiguration(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = settings.shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
    }
}
