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
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context: context, status: response.status.code, since: start)
            return response
        } catch {
            // A middleware further in threw; the router will answer 500.
            log(request, context: context, status: HTTPStatus.internalServerError.code, since: start)
            throw error
        }
    }

    private func log(_ request: HTTPRequest, context: RequestContext, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
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
