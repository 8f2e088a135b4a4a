import HTTP
import Prometheus
import Routing

/// The routes every LeafSync service answers: `/ping` (liveness only), `/ready` (200 only when
/// the service's dependencies answer) and `/metrics` (Prometheus text format).
public enum ServiceRoutes {
    /// - Parameter readiness: returns nil when ready, or why not (sent as the 503 detail).
    public static func register(on router: RouterBuilder, registry: PrometheusCollectorRegistry,
                                readiness: @escaping @Sendable () async -> String?) {
        router.get("/ping") { _, _ in .json(Array(#""Hello, I am alive""#.utf8)) }
        router.get("/ready") { _, _ in
            if let reason = await readiness() { throw HTTPError(.serviceUnavailable, detail: reason) }
            return .json(Array(#"{"status":"ready"}"#.utf8))
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return .text(String(decoding: buffer, as: UTF8.self), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
