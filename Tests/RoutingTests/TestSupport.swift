import HTTP
import Logging
import Metrics
import Routing
import Synchronization

/// One captured log line.
struct LogEntry: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: Logger.Metadata
}

/// Collects log lines written through `logger`.
final class LogRecorder: Sendable {
    private let entries = Mutex<[LogEntry]>([])

    var logger: Logger {
        Logger(label: "RoutingTests") { _ in Handler(recorder: self) }
    }

    var all: [LogEntry] { entries.withLock { $0 } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let entry = LogEntry(level: event.level, message: event.message.description, metadata: merged)
            recorder.entries.withLock { $0.append(entry) }
        }
    }
}

/// A metrics factory that keeps every counter and timer it made, for assertions; nothing global.
final class TestMetricsFactory: MetricsFactory {
    final class TestCounter: CounterHandler {
        let label: String
        let dimensions: [(String, String)]
        let total = Mutex<Int64>(0)

        init(label: String, dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions
        }

        func increment(by amount: Int64) { total.withLock { $0 += amount } }
        func reset() { total.withLock { $0 = 0 } }
    }

    final class TestTimer: TimerHandler {
        let label: String
        let dimensions: [(String, String)]
        let durations = Mutex<[Int64]>([])

        init(label: String, dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions
        }

        func recordNanoseconds(_ duration: Int64) { durations.withLock { $0.append(duration) } }
    }

    private let counters = Mutex<[TestCounter]>([])
    private let timers = Mutex<[TestTimer]>([])

    var madeCounters: [TestCounter] { counters.withLock { $0 } }
    var madeTimers: [TestTimer] { timers.withLock { $0 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        let counter = TestCounter(label: label, dimensions: dimensions)
        counters.withLock { $0.append(counter) }
        return counter
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        let timer = TestTimer(label: label, dimensions: dimensions)
        timers.withLock { $0.append(timer) }
        return timer
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: CounterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}
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
