import ArgumentParser
import HTTP
import Logging

/// The options every HTTP service takes. Each may also come from `LEAFSYNC_<NAME>` or the
/// `ENV`-selected config file; a flag wins over the environment, which wins over the file.
public struct ServerOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on. Env LEAFSYNC_HOST. Default 127.0.0.1 (containers: 0.0.0.0).")
    public var host: String?

    @Option(help: "TCP port to listen on; 0 picks a free one. Env LEAFSYNC_PORT.")
    public var port: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env LEAFSYNC_LOG_LEVEL. Default info.")
    public var logLevel: String?

    @Option(help: "Folder of config.<ENV>.json, used when ENV=dev|stg|prod is set. Env LEAFSYNC_CONFIG_DIR. Default ./config.")
    public var configDir: String?

    @Option(help: "Largest request body in bytes (413 beyond). Env LEAFSYNC_MAX_BODY_BYTES. Default 1048576 (image-api: 1064960, a create with the largest JPEG).")
    public var maxBodyBytes: Int?

    @Option(help: "Open connections beyond this are answered 503. Env LEAFSYNC_MAX_CONNECTIONS. Default 1024.")
    public var maxConnections: Int?

    @Option(help: "Seconds a client has to send a request's headers. Env LEAFSYNC_HEADER_TIMEOUT. Default 10.")
    public var headerTimeout: Double?

    @Option(help: "Seconds an idle keep-alive connection stays open. Env LEAFSYNC_IDLE_TIMEOUT. Default 60.")
    public var idleTimeout: Double?

    @Option(help: "Seconds in-flight requests get to finish on SIGTERM. Env LEAFSYNC_SHUTDOWN_GRACE. Default 10.")
    public var shutdownGrace: Double?

    @Option(help: "Event-loop threads serving connections. Env LEAFSYNC_HTTP_LOOPS. Default 1.")
    public var httpLoops: Int?

    @Option(help: "Bearer token required on PUT/POST/DELETE; none means open. Env LEAFSYNC_API_TOKEN (prefer it: flags show in ps).")
    public var apiToken: String?

    public init() {}

    /// Applies the precedence rules.
    /// - Parameters:
    ///   - defaultPort: the service's conventional port (LIMS: image API 8080).
    ///   - defaultMaxBodyBytes: the largest body the service's own requests need.
    public func resolve(defaultPort: Int, defaultMaxBodyBytes: Int = 1 << 20, environment: [String: String]? = nil) throws -> ServerSettings {
        let source = try environment.map { try ConfigurationSource(environment: $0, configDirectory: configDir) }
            ?? ConfigurationSource(configDirectory: configDir)
        let levelText = source.string("log_level", flag: logLevel, default: "info")
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError(key: "log_level", message: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        return ServerSettings(
            source: source,
            host: source.string("host", flag: host, default: "127.0.0.1"),
            port: try source.int("port", flag: port, default: defaultPort),
            logLevel: level,
            maxBodyBytes: try source.int("max_body_bytes", flag: maxBodyBytes, default: defaultMaxBodyBytes),
            maxConnections: try source.int("max_connections", flag: maxConnections, default: 1024),
            headerTimeout: try source.seconds("header_timeout", flag: headerTimeout, default: 10),
            idleTimeout: try source.seconds("idle_timeout", flag: idleTimeout, default: 60),
            shutdownGrace: try source.seconds("shutdown_grace", flag: shutdownGrace, default: 10),
            httpLoops: try source.int("http_loops", flag: httpLoops, default: 1),
            apiToken: source.optionalString("api_token", flag: apiToken))
    }
}

/// The resolved server settings, plus the source for service-specific settings.
public struct ServerSettings: Sendable {
    public let source: ConfigurationSource
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var maxBodyBytes: Int
    public var maxConnections: Int
    public var headerTimeout: Duration
    public var idleTimeout: Duration
    public var shutdownGrace: Duration
    public var httpLoops: Int
    public var apiToken: String?

    /// The HTTP server configuration these settings describe.
    public var httpConfiguration: HTTPServer.Configuration {
        HTTPServer.Configuration(
            host: host, port: port,
            limits: HTTPLimits(maxBodyBytes: maxBodyBytes, headerReadTimeout: headerTimeout,
                               idleTimeout: idleTimeout, maxConnections: maxConnections),
            loopCount: httpLoops, shutdownGracePeriod: shutdownGrace)
    }
}
