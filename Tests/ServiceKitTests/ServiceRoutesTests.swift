import HTTP
import Logging
import Prometheus
import Routing
import ServiceKit
import Testing

@Suite struct ServiceRoutesTests {
    private func router(token: String?, ready: @escaping @Sendable () async -> String? = { nil }) -> Router {
        let builder = RouterBuilder(logger: Logger(label: "ServiceRoutesTests", factory: { _ in SwiftLogNoOpLogHandler() }))
        builder.add(middleware: BearerAuthMiddleware(token: token))
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "leafsync", metricName: "test", unitName: "total", helpText: "A test counter.")).increment()
        ServiceRoutes.register(on: builder, registry: registry, readiness: ready)
        builder.put("/thing") { _, _ in .json(Array("{}".utf8)) }
        return builder.buildResponder()
    }

    private func request(_ method: HTTPMethod, _ target: String, authorization: String? = nil) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return HTTPRequest(method: method, target: target, headers: headers, body: [])
    }

    @Test func pingReadyAndMetrics() async {
        let up = router(token: nil)
        #expect(await up.respond(to: request(.get, "/ping")).body == Array(#""Hello, I am alive""#.utf8))
        #expect(await up.respond(to: request(.get, "/ready/")).status == .ok)
        let metrics = String(decoding: await up.respond(to: request(.get, "/metrics")).body, as: UTF8.self)
        #expect(metrics.contains("leafsync_test_total 1"))
        let down = await router(token: nil, ready: { "database unreachable" }).respond(to: request(.get, "/ready"))
        #expect(down.status == .serviceUnavailable)
        #expect(String(decoding: down.body, as: UTF8.self) == #"{"detail":"database unreachable"}"#)
    }

    @Test func writesNeedTheBearerTokenWhenOneIsSet() async {
        let guarded = router(token: "s3cret")
        #expect(await guarded.respond(to: request(.put, "/thing")).status == .unauthorized)
        let wrong = await guarded.respond(to: request(.put, "/thing", authorization: "Bearer nope"))
        #expect(wrong.status == .unauthorized)
        #expect(wrong.headers["WWW-Authenticate"] == "Bearer")
        #expect(String(decoding: wrong.body, as: UTF8.self) == #"{"detail":"Invalid bearer token"}"#)
        #expect(await guarded.respond(to: request(.put, "/thing", authorization: "Bearer s3cret")).status == .ok)
        #expect(await guarded.respond(to: request(.get, "/ping")).status == .ok)
        #expect(await router(token: nil).respond(to: request(.put, "/thing")).status == .ok)
    }
}
