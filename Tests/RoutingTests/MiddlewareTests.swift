import HTTP
import Logging
import Metrics
import Routing
import Testing

@Suite("Middlewares")
struct MiddlewareTests {
    private func router(logs: LogRecorder, _ middlewares: [any RouterMiddleware],
                        handler: @escaping RouteHandler = { _, _ in HTTPResponse() }) -> Router {
        let builder = RouterBuilder(logger: logs.logger)
        for middleware in middlewares { builder.add(middleware: middleware) }
        builder.get("/plant/{name}", use: handler)
        return builder.buildResponder()
    }

    @Test func requestIDIsTakenFromASaneHeaderAndEchoed() async {
        let logs = LogRecorder()
        let router = router(logs: logs, [RequestIDMiddleware()]) { _, context in
            context.logger.info("inside")
            return .text(context.requestID)
        }
        let response = await router.respond(to: .make("/plant/a", headers: ["X-Request-ID": "abc-123_x.y"]))
        #expect(response.text == "abc-123_x.y")
        #expect(response.headers["X-Request-ID"] == "abc-123_x.y")
        #expect(logs.all.first?.metadata["request.id"]?.description == "abc-123_x.y")
    }

    @Test(arguments: ["has space", "semi;colon", String(repeating: "a", count: 65), "ünïcode", ""])
    func insaneRequestIDIsReplaced(id: String) async {
        let router = router(logs: LogRecorder(), [RequestIDMiddleware()]) { _, context in .text(context.requestID) }
        let response = await router.respond(to: .make("/plant/a", headers: ["X-Request-ID": id]))
        #expect(response.text != id)
        #expect(response.text.utf8.count == 32)
        #expect(response.text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
        #expect(response.headers["X-Request-ID"] == response.text)
    }

    @Test func generatedRequestIDsDiffer() async {
        let router = router(logs: LogRecorder(), [RequestIDMiddleware()])
        let first = await router.respond(to: .make("/plant/a")).headers["X-Request-ID"]
        let second = await router.respond(to: .make("/plant/a")).headers["X-Request-ID"]
        #expect(first != nil && first != second)
    }

    @Test func accessLogWritesOneLineWithRouteStatusAndDuration() async throws {
        let logs = LogRecorder()
        let router = router(logs: logs, [RequestIDMiddleware(), AccessLogMiddleware()]) { _, _ in
            throw HTTPError(.notFound, detail: "no such plant")
        }
        _ = await router.respond(to: .make("/plant/mint?secret=1", headers: [
            "Authorization": "Bearer super-secret", "X-Request-ID": "req-1",
        ]))
        #expect(logs.all.count == 1)
        let line = try #require(logs.all.first)
        #expect(line.level == .info)
        #expect(line.metadata["http.method"]?.description == "GET")
        #expect(line.metadata["http.route"]?.description == "/plant/{name}")
        #expect(line.metadata["http.status"]?.description == "404")
        #expect(line.metadata["request.id"]?.description == "req-1")
        #expect(Double(line.metadata["http.duration_ms"]?.description ?? "") != nil)
        let everything = line.message.description + line.metadata.map { "\($0.key)=\($0.value)" }.joined()
        #expect(!everything.contains("super-secret"))
        #expect(!everything.contains("Authorization"))
        #expect(!everything.contains("secret=1"))
    }

    @Test func accessLogMarksUnmatchedRequests() async {
        let logs = LogRecorder()
        _ = await router(logs: logs, [AccessLogMiddleware()]).respond(to: .make("/nope"))
        #expect(logs.all.first?.metadata["http.route"]?.description == "unmatched")
        #expect(logs.all.first?.metadata["http.status"]?.description == "404")
    }

    @Test func metricsAreLabelledByTemplateAndCreatedOnce() async throws {
        let factory = CountingTestMetrics()
        let router = router(logs: LogRecorder(), [MetricsMiddleware(factory: factory)])
        for name in ["mint", "basil", "sage"] {
            _ = await router.respond(to: .make("/plant/\(name)"))
        }
        _ = await router.respond(to: .make(.post, "/plant/mint"))

        #expect(factory.handlersMade == 4, "a counter and a timer per route, method and status, made once")
        let counters = factory.metrics.counters
        #expect(counters.count == 2)
        let ok = try #require(counters.first { $0.dimensions.contains { $0 == ("status", "200") } })
        #expect(ok.label == "http_requests_total")
        #expect(ok.dimensions.map { "\($0.0)=\($0.1)" } == ["route=/plant/{name}", "method=GET", "status=200"])
        #expect(ok.totalValue == 3)
        let rejected = try #require(counters.first { $0.dimensions.contains { $0 == ("status", "405") } })
        #expect(rejected.dimensions.contains { $0 == ("route", "unmatched") })
        #expect(rejected.totalValue == 1)

        let timers = factory.metrics.timers
        #expect(timers.count == 2)
        #expect(timers.allSatisfy { $0.label == "http_request_duration_seconds" })
        #expect(timers.first { $0.dimensions.contains { $0 == ("status", "200") } }?.values.count == 3)
    }
}
