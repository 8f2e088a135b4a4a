import HTTP
import Logging

/// Logs one line per request with its method, route template, status, duration and request id.
///
/// Only those fields are logged: never header values (so never `Authorization`), never the raw
/// path or query (which may carry personal data); the route template says which endpoint it was.
public struct AccessLogMiddleware: RouterMiddleware {
    /// The level of the per-request line.
    public var level: Logger.Level

    /// Logs at `level`, `info` by default.
    public init(level: Logger.Level = .info) {
        self.level = level
    }

    public func handle(_ request: HTTPRequest, context: RequestContext,
                       next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        try await observing(request, context: context, next: next) { status, elapsed in
            log(request, context: context, status: status, elapsed: elapsed)
        }
    }

    private func log(_ request: HTTPRequest, context: RequestContext, status: Int, elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        let milliseconds = "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        context.logger.log(level: level, "request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.route": "\(context.routeTemplate)",
            "http.status": "\(status)",
            "http.duration_ms": "\(milliseconds)",
            "request.id": "\(context.requestID)",
        ])
    }
}
