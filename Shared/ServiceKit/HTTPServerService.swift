import HTTP
import ServiceLifecycle

/// Runs an `HTTPServer` as a lifecycle service: on graceful shutdown (SIGTERM/SIGINT) the run
/// is cancelled, which the server takes as "stop accepting, finish in-flight requests, return".
public struct HTTPServerService: Service {
    public let server: HTTPServer

    public init(server: HTTPServer) { self.server = server }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await server.run()
        }
    }
}
