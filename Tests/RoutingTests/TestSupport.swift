import HTTP
import InMemoryLogging
import Logging
import Metrics
import MetricsTestKit
import Routing
import Synchronization

/// Log lines written through `logger`, kept by swift-log's `InMemoryLogHandler`, every level.
struct LogRecorder {
    private let handler: InMemoryLogHandler

    init() {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        self.handler = handler
    }

    var logger: Logger {
        let handler = handler
        return Logger(label: "RoutingTests") { _ in handler }
    }

    var all: [InMemoryLogHandler.Entry] { handler.entries }
}

/// swift-metrics' `TestMetrics`, counting the handlers asked for, so a test can tell that a
/// metric is created once and not per request.
final class CountingTestMetrics: MetricsFactory {
    let metrics = TestMetrics()
    private let made = Mutex(0)

    var handlersMade: Int { made.withLock { $0 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        made.withLock { $0 += 1 }
        return metrics.makeCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        made.withLock { $0 += 1 }
        return metrics.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        made.withLock { $0 += 1 }
        return metrics.makeTimer(label: label, dimensions: dimensions)
    }

    func destroyCounter(_ handler: CounterHandler) { metrics.destroyCounter(handler) }
    func destroyRecorder(_ handler: RecorderHandler) { metrics.destroyRecorder(handler) }
    func destroyTimer(_ handler: TimerHandler) { metrics.destroyTimer(handler) }
}

extension HTTPRequest {
    /// A request fixture.
    static func make(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = HTTPHeaders(),
                     body: String = "") -> HTTPRequest {
        HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
    }

    /// A GET request fixture.
    static func make(_ target: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPRequest {
        make(.get, target, headers: headers)
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A middleware that records the context it saw and appends its name to a shared trace.
struct TracingMiddleware: RouterMiddleware {
    let name: String
    let trace: Trace

    func handle(_ request: HTTPRequest, context: RequestContext,
                next: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) async throws -> HTTPResponse {
        trace.append("\(name) \(context.routeTemplate)")
        return try await next(request, context)
    }
}

/// A shareable, ordered list of events.
final class Trace: Sendable {
    private let items = Mutex<[String]>([])

    func append(_ item: String) { items.withLock { $0.append(item) } }

    var all: [String] { items.withLock { $0 } }
}
