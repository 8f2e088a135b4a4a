import HTTP
import Metrics
import Synchronization

/// Counts requests and times them with swift-metrics, labelled by route template, method and
/// status: `http_requests_total` (counter) and `http_request_duration_seconds` (timer).
///
/// Labels come from templates, not raw paths, so there are few label sets; each set's metrics
/// are created once and cached.
public struct MetricsMiddleware: RouterMiddleware {
    private struct Labels: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    /// The metrics of one label set.
    private struct Instruments: Sendable {
        var requests: Counter
        var duration: Metrics.Timer
    }

    /// Shared by copies of the middleware, so the cache survives being passed around.
    private final class Cache: Sendable {
        let instruments = Mutex<[Labels: Instruments]>([:])
    }

    private let factory: any MetricsFactory
    private let cache = Cache()

    /// Records into `factory`; by default the one bootstrapped in `MetricsSystem`.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    public func handle(_ request: HTTPRequest, context: RequestContext,
                       next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        try await observing(request, context: context, next: next) { status, elapsed in
            record(request, context: context, status: status, elapsed: elapsed)
        }
    }

    private func record(_ request: HTTPRequest, context: RequestContext, status: Int, elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        let labels = Labels(route: context.routeTemplate, method: request.method.rawValue, status: status)
        let instruments = cache.instruments.withLock { cached in
            if let existing = cached[labels] { return existing }
            let dimensions = [("route", labels.route), ("method", labels.method), ("status", String(labels.status))]
            let created = Instruments(
                requests: Counter(label: "http_requests_total", dimensions: dimensions, factory: factory),
                duration: Metrics.Timer(label: "http_request_duration_seconds", dimensions: dimensions, factory: factory))
            cached[labels] = created
            return created
        }
        instruments.requests.increment()
        instruments.duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
